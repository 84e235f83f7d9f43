import { describe, expect, it } from "vitest";
import type { OutcomeFacts } from "../../engine/client.ts";
import { orderText, outcomeMarks } from "./marks.ts";

const quiet: OutcomeFacts = { bug: false, signals: [], exception: false };

describe("explored outcomes in words", () => {
  it("marks a kernel oops, naming the function", () => {
    expect(outcomeMarks({ ...quiet, oops: "sgx_encl_eaug_page" })).toEqual([
      { kind: "oops", label: "Kernel oops in sgx_encl_eaug_page()" },
    ]);
  });

  it("marks each signal once", () => {
    expect(outcomeMarks({ ...quiet, signals: ["SIGBUS", "SIGSEGV"] })).toEqual([
      { kind: "signal", label: "SIGBUS to user space" },
      { kind: "signal", label: "SIGSEGV to user space" },
    ]);
  });

  it("marks a kernel bug the race left behind (a stale PTE)", () => {
    expect(outcomeMarks({ ...quiet, bug: true })).toEqual([
      { kind: "bug", label: "Kernel bug: a PTE to a freed page" },
    ]);
  });

  it("marks an enclave entry whose fault came back to its caller", () => {
    expect(outcomeMarks({ ...quiet, exception: true })).toEqual([
      { kind: "signal", label: "Exception reported to the caller" },
    ]);
  });

  it("leaves a quiet outcome unmarked", () => {
    expect(outcomeMarks(quiet)).toEqual([]);
  });

  it("writes an order as a scenario does", () => {
    expect(orderText([0, 1, 1, 0])).toBe("[0, 1, 1, 0]");
    expect(orderText([])).toBe("[]");
  });
});
