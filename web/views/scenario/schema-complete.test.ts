// Completion from the scenario's JSON Schema, on half-written text: what the editor offers at a
// cursor (marked ¦ in the texts below), in the schema's order.
import { describe, expect, it } from "vitest";
import { STEP_OPS } from "../../../engine/scenario/parse.ts";
import schema from "../../../engine/scenario/scenario.schema.json";
import { completeAt } from "./schema-complete.ts";

function offered(textWithCursor: string): string[] {
  const pos = textWithCursor.indexOf("¦");
  const text = textWithCursor.replace("¦", "");
  return completeAt(schema, text, pos)?.items.map((i) => i.label) ?? [];
}

const step = (inner: string) => `{"format": "epcm-scenario/1", "steps": [{${inner}}]}`;

describe("completeAt", () => {
  it("offers every op the validator accepts, in the contract's order", () => {
    expect(offered(step('"op": "¦"'))).toEqual([...STEP_OPS]);
  });

  it("offers the ioctl commands and the fields of the chosen command's arg", () => {
    expect(offered(step('"op": "ioctl", "cmd": "¦"'))).toHaveLength(7);
    expect(offered(step('"op": "ioctl", "cmd": "SGX_IOC_ENCLAVE_CREATE", "arg": {¦}'))).toEqual([
      "size",
      "ssa_frame_size",
      "attributes",
      "xfrm",
      "base",
      "miscselect",
    ]);
    expect(
      offered(step('"op": "ioctl", "cmd": "SGX_IOC_ENCLAVE_ADD_PAGES", "arg": {"offset": 0, ¦}')),
    ).toEqual(["length", "secinfo", "flags", "src", "tcs", "data"]);
  });

  it("offers the fields of a step that it does not have yet, with the call's own fields", () => {
    expect(offered(step('"op": "EENTER", "call": "EACCEPT", ¦'))).toEqual([
      "enclave",
      "note",
      "expect",
      "cpu",
      "tcs",
      "pages",
      "clobbered",
      "stay",
      "addr",
      "secinfo",
    ]);
    expect(offered(step('"op": "run", "call": "nop", "cpu": 1, ¦'))).toEqual(["enclave", "note", "expect"]);
  });

  it("offers the calls after run and EENTER, and the kinds of a user-space access", () => {
    const calls = ["write", "read", "exec", "nop", "EACCEPT", "EACCEPTCOPY", "EMODPE", "init_tcs"];
    expect(offered(step('"op": "run", "call": "¦"'))).toEqual(calls);
    expect(offered(step('"op": "EENTER", "call": "E¦"'))).toEqual(calls);
    expect(offered(step('"op": "access", "kind": "¦"'))).toEqual(["read", "write"]);
    expect(offered(step('"op": "access", "offset": 0, ¦'))).toContain("value");
  });

  it("offers SECINFO names one at a time after |, leaving out the ones already given", () => {
    expect(offered(step('"op": "EENTER", "call": "EACCEPT", "secinfo": "R|W|¦"'))).toEqual([
      "X",
      "PENDING",
      "MODIFIED",
      "PR",
      "SECS",
      "TCS",
      "REG",
      "VA",
      "TRIM",
    ]);
    // The name being typed is replaced from its first letter, past the space after "|".
    const text = step('"op": "EENTER", "call": "EACCEPT", "secinfo": "R| P"');
    const at = text.indexOf("R| P");
    const r = completeAt(schema, text, at + 4);
    expect(r?.from).toBe(at + 3);
    expect(r?.items.map((i) => i.label)).toContain("PENDING");
  });

  it("offers the machine's fields, kernel versions and what-if mutations", () => {
    expect(offered('{"format": "epcm-scenario/1", "machine": {¦}}')).toEqual([
      "epcPages",
      "sgx2",
      "cpus",
      "kernel",
      "mutate",
    ]);
    expect(offered('{"machine": {"kernel": "¦"}}')).toEqual(["v6.0", "v6.1", "v6.6", "v6.6+edmm-races"]);
    expect(offered('{"machine": {"mutate": ["no-ipi", "¦"]}}')).toEqual([
      "no-ipi",
      "no-etrack",
      "no-accept-probe",
      "no-type-check",
      "no-ioctl-busy",
    ]);
    expect(offered('{"machine": {"sgx2": ¦}}')).toEqual(["true", "false"]);
  });

  it("offers the top-level fields, $schema included, and quotes a key typed without quotes", () => {
    expect(offered("{¦}")).toEqual(["$schema", "format", "title", "description", "machine", "steps"]);
    const r = completeAt(schema, '{"steps": [], ti}', 16);
    expect(r?.items.find((i) => i.label === "title")?.apply).toBe('"title": ');
  });

  it("offers nothing after a complete value or where the schema has no choices", () => {
    expect(offered(step('"op": "close" ¦'))).toEqual([]);
    expect(offered(step('"op": "mmap", "offset": ¦'))).toEqual([]);
  });
});
