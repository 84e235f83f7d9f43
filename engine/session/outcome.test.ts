// Predict mode's answers: what user space saw and the target page before and after, for real
// flows (a reported #PF, an accepted page, a refused ioctl, a step with no page).
import { describe, expect, it } from "vitest";
import { findFlow } from "../flows/index.ts";
import { parseScenario } from "../scenario/parse.ts";
import { stepOutcome } from "./outcome.ts";
import { Session } from "./session.ts";

function session(id: string): Session {
  const r = parseScenario(findFlow(id)?.scenario);
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return new Session(r.scenario);
}

describe("stepOutcome", () => {
  const augment = session("augment");

  it("augment's write to an unbacked page: #PF 0x8007 reported, the page appears REG RW- PENDING", () => {
    const o = stepOutcome(augment, 12);
    expect(o.result).toEqual({ kind: "fault", vector: 14, errorCode: "0x8007", offset: "0xc000" });
    expect(o.page?.offset).toBe(0xc000);
    expect(o.page?.before).toBeNull();
    expect(o.page?.after).toMatchObject({
      type: "REG",
      perms: "RW-",
      pending: true,
      modified: false,
      pr: false,
    });
    expect(o.reason).toMatch(/PENDING/);
  });

  it("the EACCEPT that follows: success, PENDING cleared", () => {
    const o = stepOutcome(augment, 13);
    expect(o.result).toEqual({ kind: "ok" });
    expect(o.page?.before?.pending).toBe(true);
    expect(o.page?.after).toMatchObject({ type: "REG", perms: "RW-", pending: false });
  });

  it("an mmap names no page", () => {
    const o = stepOutcome(augment, 11);
    expect(o.result).toEqual({ kind: "ok" });
    expect(o.page).toBeNull();
  });

  it("a refused ioctl: the errno, and the driver check that decided it", () => {
    const o = stepOutcome(session("refusals"), 15);
    expect(o.result).toEqual({ kind: "errno", errno: "EINVAL" });
    expect(o.reason).toContain("the page is REG in the kernel's records");
    expect(o.page?.before).toEqual(o.page?.after);
  });

  it("refuses a step that does not exist", () => {
    expect(() => stepOutcome(augment, 99)).toThrow("there is no step 99");
  });
});
