import { describe, expect, it } from "vitest";
import { orderText, outcomeMarks, outcomeParts } from "./marks.ts";

describe("explored outcomes in words", () => {
  it("splits the engine's outcome into its parts", () => {
    expect(
      outcomeParts("race[0] value 0xffffffffffffffff; race[1] SIGBUS; EPCM changed: 0xc000:REG RW-"),
    ).toEqual(["race[0] value 0xffffffffffffffff", "race[1] SIGBUS", "EPCM changed: 0xc000:REG RW-"]);
  });

  it("marks a kernel oops, naming the function", () => {
    expect(outcomeMarks("race[0] ret 0; KERNEL OOPS in sgx_encl_eaug_page(); EPCM changed: nothing")).toEqual(
      [{ kind: "oops", label: "Kernel oops in sgx_encl_eaug_page()" }],
    );
    expect(outcomeMarks("KERNEL OOPS")).toEqual([{ kind: "oops", label: "Kernel oops" }]);
  });

  it("marks each signal once and an unmet expectation", () => {
    expect(outcomeMarks("race[0] SIGBUS; race[1] SIGBUS; race[2] SIGSEGV")).toEqual([
      { kind: "signal", label: "SIGBUS to user space" },
      { kind: "signal", label: "SIGSEGV to user space" },
    ]);
    expect(outcomeMarks("race[1]: value: expected 0xffffffffffffffff, got 0x0")).toEqual([
      { kind: "unmet", label: "Expectation not met" },
    ]);
  });

  it("marks a kernel bug the race left behind (a stale PTE)", () => {
    expect(
      outcomeMarks(
        "race[0] ret 0; race[1] value 0xffffffffffffffff; BUG: the PTE of e0+0x5000 still maps EPC page 7; EPCM changed: EPC 7 freed",
      ),
    ).toEqual([{ kind: "bug", label: "Kernel bug: a PTE to a freed page" }]);
  });

  it("marks an enclave entry whose fault came back to its caller", () => {
    expect(
      outcomeMarks(
        "race[0] EEXIT SGX_SUCCESS; race[1] ERESUME exception #PF 0x4; EPCM changed: 0xc000:REG RW-",
      ),
    ).toEqual([{ kind: "signal", label: "Exception reported to the caller" }]);
  });

  it("leaves a quiet outcome unmarked", () => {
    expect(outcomeMarks("race[0] value 0x0; race[1] value 0x0; EPCM changed: 0xc000:REG RW-")).toEqual([]);
  });

  it("writes an order as a scenario does", () => {
    expect(orderText([0, 1, 1, 0])).toBe("[0, 1, 1, 0]");
    expect(orderText([])).toBe("[]");
  });
});
