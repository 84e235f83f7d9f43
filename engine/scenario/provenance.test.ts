// Provenance of events (docs/scenario-format.md, Provenance of events): every event of every
// built-in flow carries a valid `basis`, a "model" one names the engine/MODEL.md entry that
// explains it, and an event without a basis does not compile.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { enclaveFaultBasis, HARDWARE_PF_CODES, leafFaultBasis, MODEL_REF } from "../arch/basis.ts";
import { BASES, basisOfSource, EventLog, hasValidBasis, type TraceEvent } from "../arch/events.ts";
import { flows } from "../flows/index.ts";
import { simulate } from "../index.ts";
import { Kernel } from "../kernel/kernel.ts";

const MODEL_MD = readFileSync(new URL("../MODEL.md", import.meta.url), "utf8");

function traceOf(id: string) {
  const flow = flows.find((f) => f.id === id);
  if (!flow) throw new Error(`no flow ${id}`);
  const r = simulate(flow.scenario);
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.trace;
}

function allEvents(id: string): TraceEvent[] {
  return traceOf(id).steps.flatMap((s) => s.events);
}

describe("every event of every built-in flow has a basis", () => {
  for (const flow of flows) {
    it(flow.id, () => {
      const bad = allEvents(flow.id).filter((e) => !hasValidBasis(e));
      expect(bad.map((e) => `${e.source}: ${e.text}`)).toEqual([]);
      for (const e of allEvents(flow.id)) {
        if (e.basis !== "model") continue;
        // "engine/MODEL.md: <entry>" names a bold entry or a heading of MODEL.md.
        const entry = e.basis_ref.replace(/^engine\/MODEL\.md: /, "");
        expect(e.basis_ref.startsWith("engine/MODEL.md: "), e.basis_ref).toBe(true);
        expect(MODEL_MD.includes(`**${entry}**`) || MODEL_MD.includes(`## ${entry}`), entry).toBe(true);
      }
    });
  }

  it("the flows use every basis, so a learner sees each kind", () => {
    const seen = new Set(flows.flatMap((f) => allEvents(f.id).map((e) => e.basis)));
    expect([...seen].sort()).toEqual([...BASES].sort());
  });
});

describe("hasValidBasis", () => {
  it("rejects a missing, unknown or unexplained basis", () => {
    expect(hasValidBasis({})).toBe(false);
    expect(hasValidBasis({ basis: "guess" })).toBe(false);
    expect(hasValidBasis({ basis: "model" })).toBe(false);
    expect(hasValidBasis({ basis: "hardware", basis_ref: "" })).toBe(false);
    expect(hasValidBasis({ basis: "sdm" })).toBe(true);
    expect(hasValidBasis({ basis: "model", basis_ref: MODEL_REF.fetch })).toBe(true);
  });
});

describe("a new event without a basis fails", () => {
  it("does not compile when pushed without one, or with an underivable source", () => {
    const log = new EventLog();
    // @ts-expect-error: `basis` is required on every event.
    log.push({ kind: "kernel", text: "A new event.", source: "ioctl.c: sgx_ioctl()" });
    // A runtime trace of such an event fails the flow test above.
    expect(hasValidBasis(log.events[0])).toBe(false);
    // @ts-expect-error: a "model" basis must say which MODEL.md entry explains it.
    log.push({ kind: "kernel", text: "A guess.", source: "ioctl.c: sgx_ioctl()", basis: "model" });

    const k = new Kernel(16, true);
    k.cpu.log.events.length = 0;
    // @ts-expect-error: this source names no SDM page or kernel file, so its basis must be given.
    k.ev("kernel", "A new CPU event.", "cpu 1: something");
    k.ev("kernel", "Derived.", "main.c: ksgxd()");
    k.ev("kernel", "Given.", "cpu 1: something", { basis: "model", basis_ref: MODEL_REF.repeated });
    k.ev("fault", "Overridden.", "SDM: EPCM access check", { basis: "hardware", basis_ref: "selftest" });
    expect(k.cpu.log.events.map((e) => e.basis)).toEqual([undefined, "kernel", "model", "hardware"]);
    expect(hasValidBasis(k.cpu.log.events[0])).toBe(false);
  });
});

describe("which basis a statement gets", () => {
  it("derives sdm from an SDM page and kernel from a kernel function", () => {
    expect(basisOfSource("SDM: ENCLS[EADD]").basis).toBe("sdm");
    expect(basisOfSource("cpu 1: x" as "SDM").basis).toBeUndefined();
    expect(basisOfSource("ioctl.c: sgx_ioc_enclave_add_pages()").basis).toBe("kernel");
    expect(basisOfSource("mm/mprotect.c: mprotect_fixup()").basis).toBe("kernel");
  });

  it("marks only the selftests' asserted #PF codes as hardware-observed", () => {
    expect([...HARDWARE_PF_CODES.keys()].sort((a, b) => a - b)).toEqual([0x7, 0x8005, 0x8007]);
    expect(enclaveFaultBasis(14, 0x8007).basis).toBe("hardware");
    expect(enclaveFaultBasis(14, 0x8005).basis).toBe("hardware");
    expect(enclaveFaultBasis(14, 0x7).basis).toBe("hardware");
    expect(enclaveFaultBasis(14, 0x14)).toEqual({ basis: "model", basis_ref: MODEL_REF.fetch });
    expect(enclaveFaultBasis(14, 0x8015)).toEqual({ basis: "model", basis_ref: MODEL_REF.fetch });
    expect(enclaveFaultBasis(14, 0x6).basis).toBe("sdm");
    expect(enclaveFaultBasis(13, 0).basis).toBe("sdm");
  });

  it("marks the error code of a leaf's own operand fault as the model's inference", () => {
    expect(leafFaultBasis(false, 14, 0x4)).toEqual({ basis: "model", basis_ref: MODEL_REF.encluPagingFault });
    expect(leafFaultBasis(false, 14, 0x8005)).toEqual({
      basis: "model",
      basis_ref: MODEL_REF.encluEpcmFault,
    });
    expect(leafFaultBasis(true, 14, 0x8003)).toEqual({ basis: "model", basis_ref: MODEL_REF.enclsFault });
    expect(leafFaultBasis(false, 13, 0).basis).toBe("sdm");
  });

  it("in the flows: EENTER's 0x4/0x6 and the first fetch's 0x14 are model, 0x8007 is hardware", () => {
    const faults = flows.flatMap((f) => allEvents(f.id)).filter((e) => e.kind === "fault");
    const byCode = (leaf: string | undefined, code: string) =>
      new Set(faults.filter((e) => e.leaf === leaf && e.error_code === code).map((e) => e.basis));
    expect(byCode("EENTER", "0x4")).toEqual(new Set(["model"]));
    expect(byCode("EENTER", "0x6")).toEqual(new Set(["model"]));
    expect(byCode(undefined, "0x14")).toEqual(new Set(["model"]));
    expect(byCode(undefined, "0x8007")).toEqual(new Set(["hardware"]));
    expect(byCode(undefined, "0x8005")).toEqual(new Set(["hardware"]));
    const reported = allEvents("augment").filter((e) => e.kind === "vdso" && /0x8007/.test(e.text));
    expect(reported.length).toBeGreaterThan(0);
    for (const e of reported) expect(e.basis).toBe("hardware");
    // EXPECT_EEXIT(): the plain EEXIT report is asserted on hardware; what the enclave read is not.
    const eexit = allEvents("augment").filter((e) => e.kind === "vdso" && e.text.startsWith("EEXIT:"));
    for (const e of eexit) expect(e.basis).toBe(/read|RAX/.test(e.text) ? "kernel" : "hardware");
    expect(new Set(eexit.map((e) => e.basis))).toEqual(new Set(["hardware", "kernel"]));
  });
});

describe("narration that an audit against the sources corrected", () => {
  it("EWB's SGX_NOT_TRACKED does not claim an ETRACK ran (in reclaim, none has before the first EWB)", () => {
    const events = allEvents("reclaim-reload");
    const first = events.findIndex((e) => e.leaf === "EWB" && e.result === "SGX_NOT_TRACKED");
    expect(first).toBeGreaterThan(0);
    expect(events.slice(0, first).some((e) => e.leaf === "ETRACK")).toBe(false);
    expect(events[first].text).not.toMatch(/since ETRACK/);
    expect(events[first].text).toMatch(/no ETRACK cycle has completed since it/);
  });

  it("the reclaim note: EWB first, ETRACK only on SGX_NOT_TRACKED (main.c: sgx_encl_ewb())", () => {
    const note = traceOf("reclaim-reload").steps.find((s) => s.op.op === "reclaim")?.note ?? "";
    expect(note).not.toMatch(/EBLOCK → ETRACK → EWB/);
    expect(note).toMatch(/ETRACK only when an EWB returns SGX_NOT_TRACKED/);
  });

  it("the REG→TCS note tells ioctl.c's order: vm_max_prot_bits, PTE zap, then EMODT and ETRACK", () => {
    const step = traceOf("tcs-create").steps.find(
      (s) =>
        s.op.cmd === "SGX_IOC_ENCLAVE_MODIFY_TYPES" &&
        (s.op.arg as { page_type: string }).page_type === "TCS",
    );
    expect(step?.note).toMatch(/vm_max_prot_bits RW, zaps the page's PTE, then runs EMODT/);
  });
});
