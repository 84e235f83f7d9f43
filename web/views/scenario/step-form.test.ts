import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../engine/index.ts";
import {
  appendToScenario,
  buildStep,
  CALLS,
  DEFAULT_FIELDS,
  EMPTY_SCENARIO,
  IOCTL_CMDS,
  messagesForStep,
  OPS,
  protWord,
  type StepFields,
  secinfoWord,
} from "./step-form.ts";

function validate(step: Record<string, unknown>): string[] {
  const r = parseScenario({ ...EMPTY_SCENARIO, steps: [step] });
  return r.ok ? [] : r.errors;
}

function every(): StepFields[] {
  const all: StepFields[] = [];
  for (const op of OPS) {
    if (op === "ioctl") for (const cmd of IOCTL_CMDS) all.push({ ...DEFAULT_FIELDS, op, cmd });
    else if (op === "EENTER") for (const call of CALLS) all.push({ ...DEFAULT_FIELDS, op, call });
    else all.push({ ...DEFAULT_FIELDS, op });
  }
  return all;
}

describe("the Add a step form", () => {
  it("builds a step the engine accepts for every op, ioctl command and call (defaults)", () => {
    for (const f of every()) {
      const step = buildStep(f);
      expect({ step, errors: validate(step) }).toEqual({ step, errors: [] });
    }
  });

  it("uses the real names", () => {
    expect(
      buildStep({
        ...DEFAULT_FIELDS,
        op: "EENTER",
        call: "EACCEPT",
        tcs: "0x1000",
        addr: "0xc000",
        secinfo: { R: true, W: true, X: false, PENDING: true, MODIFIED: false, PR: false },
        secinfoType: "REG",
      }),
    ).toEqual({ op: "EENTER", tcs: "0x1000", call: "EACCEPT", addr: "0xc000", secinfo: "R|W|REG|PENDING" });
    expect(
      buildStep({
        ...DEFAULT_FIELDS,
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
        offset: "0x5000",
      }),
    ).toEqual({
      op: "ioctl",
      cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
      arg: { offset: "0x5000", length: "0x1000", permissions: "R" },
    });
    expect(
      buildStep({
        ...DEFAULT_FIELDS,
        op: "mprotect",
        prot: { PROT_READ: false, PROT_WRITE: false, PROT_EXEC: false },
      }),
    ).toEqual({
      op: "mprotect",
      offset: "0x0",
      length: "0x1000",
      prot: "PROT_NONE",
    });
    expect(buildStep({ ...DEFAULT_FIELDS, op: "reclaim", pages: "8", enclave: "e1", note: " why " })).toEqual(
      {
        op: "reclaim",
        pages: 8,
        enclave: "e1",
        note: "why",
      },
    );
    expect(
      secinfoWord({
        secinfo: { R: false, W: false, X: false, PENDING: false, MODIFIED: true, PR: false },
        secinfoType: "TRIM",
      }),
    ).toBe("TRIM|MODIFIED");
    expect(protWord({ PROT_READ: true, PROT_WRITE: false, PROT_EXEC: true })).toBe("PROT_READ|PROT_EXEC");
  });

  it("leaves bad values to the engine, whose messages name the field", () => {
    const step = buildStep({ ...DEFAULT_FIELDS, op: "EENTER", call: "write", addr: "zz", value: "" });
    expect(step).toEqual({ op: "EENTER", tcs: "0x0", call: "write", addr: "zz" });
    const r = parseScenario({ ...EMPTY_SCENARIO, steps: [{ op: "nop-ish" }, step] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(messagesForStep(r.errors, 1)).toEqual([
      'addr: expected a number or a hex string, got "zz"',
      "value: required field is missing",
    ]);
  });

  it("appends to the editor's JSON, or says why it cannot", () => {
    const r = appendToScenario(JSON.stringify(EMPTY_SCENARIO), { op: "close" });
    expect(r).toEqual({ ok: true, scenario: { ...EMPTY_SCENARIO, steps: [{ op: "close" }] }, index: 0 });
    const bad = appendToScenario("{ nope", { op: "close" });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/does not parse/);
    expect(appendToScenario("[]", { op: "close" }).ok).toBe(false);
    expect(appendToScenario('{"steps": 3}', { op: "close" }).ok).toBe(false);
  });
});
