// Logical processors, threads that stay inside, TLBs and user-space accesses (contract:
// docs/scenario-format.md, "Logical processors, threads that stay inside, TLBs" and "User space
// touching its enclave mapping").

import { describe, expect, it } from "vitest";
import { standardBuild } from "../flows/standard-build.ts";
import { simulate } from "../index.ts";
import { parseScenario } from "./parse.ts";
import { runScenario, ScenarioError, Simulation } from "./run.ts";
import type { Trace, TraceStep } from "./trace-types.ts";

type Raw = Record<string, unknown>;
const BUILD = standardBuild() as Raw[];
const N = BUILD.length;

function run(steps: Raw[], machine?: Raw): Trace {
  const r = simulate({
    format: "epcm-scenario/1",
    title: "t",
    ...(machine ? { machine } : {}),
    steps: [...BUILD, ...steps],
  });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  expect(r.unmet).toEqual([]);
  return r.trace;
}

function errorOf(steps: Raw[]): string {
  const r = simulate({ format: "epcm-scenario/1", title: "t", steps: [...BUILD, ...steps] });
  expect(r.ok).toBe(false);
  return r.ok ? "" : r.errors.join("\n");
}

const stay = (cpu: number, call: Raw, tcs = "0x1000"): Raw => ({
  op: "EENTER",
  cpu,
  tcs,
  stay: true,
  ...call,
});
const W5 = { call: "write", addr: "0x5000", value: "0x77" };
const R5 = { call: "read", addr: "0x5000" };
const kinds = (s: TraceStep) => s.events.map((e) => e.kind);

describe("scenarios that name no CPU", () => {
  it("run on CPU 0: every step and event says so, and there is no final.threads", () => {
    const t = run([{ op: "EENTER", tcs: "0x0", ...W5 }]);
    for (const s of t.steps) {
      expect(s.cpu).toBe(0);
      for (const e of s.events) expect(e.cpu).toBe(0);
    }
    expect(t.final.threads).toBeUndefined();
    expect(t.machine).toEqual({ epcPages: 128, sgx2: true });
  });
});

describe("threads that stay inside", () => {
  it("EENTER with stay: no run and no ret; call and thread instead", () => {
    const t = run([stay(1, R5)]);
    const s = t.steps[N];
    expect(s.run).toBeUndefined();
    expect(s.ret).toBeUndefined();
    expect(s.cpu).toBe(1);
    expect(s.call).toEqual({ value: "0x0" });
    expect(s.thread).toEqual({ enclave: "e0", tcs: "0x1000", cpu: 1, state: "inside" });
    expect(t.final.threads).toEqual([
      {
        enclave: "e0",
        tcs: "0x1000",
        cpu: 1,
        // The fetch at OENTRY (0x2000) was cached too, but the read's #PF (no PTE yet) made an
        // AEX, which flushed the TLB; the retried read filled it again.
        tlb: [{ enclave: "e0", offset: "0x5000", rights: "RW-", stale: false }],
      },
    ]);
  });

  it("run: a second access hits the TLB (tlb-hit, no EPCM check); EEXIT returns 0", () => {
    const t = run([stay(1, W5), { op: "run", cpu: 1, ...R5 }, { op: "EEXIT", cpu: 1 }]);
    const r = t.steps[N + 1];
    expect(r.call).toEqual({ value: "0x77" });
    const hit = r.events.find((e) => e.kind === "tlb-hit");
    expect(hit).toMatchObject({ cpu: 1, basis: "model", addr: "0x7f0000005000" });
    const x = t.steps[N + 2];
    expect(x.ret).toBe(0);
    expect(x.run?.function).toBe("EEXIT");
    expect(x.thread).toBeUndefined();
    expect(t.final.threads).toEqual([]);
  });

  it("EENTER starts with an empty TLB: the first access of an entry is never a hit", () => {
    const t = run([{ op: "EENTER", tcs: "0x0", ...W5 }, stay(1, R5)]);
    expect(kinds(t.steps[N + 1])).not.toContain("tlb-hit");
  });

  it("run that faults: the thread leaves by AEX and the vDSO returns as for EENTER", () => {
    const t = run([stay(1, R5), { op: "run", cpu: 1, call: "write", addr: "0x2000", value: "0x1" }]);
    const s = t.steps[N + 1];
    expect(s.ret).toBe(0);
    expect(s.run).toMatchObject({ function: "ERESUME", exception_vector: 14, exception_error_code: "0x7" });
    expect(s.thread).toBeUndefined();
    expect(s.events.find((e) => e.kind === "aex")).toMatchObject({ cause: "exception", cpu: 1 });
  });

  it("ERESUME with stay resumes the interrupted call and stays", () => {
    const t = run([
      { op: "mprotect", offset: "0x5000", length: "0x1000", prot: "PROT_READ" },
      { op: "EENTER", tcs: "0x1000", ...W5 },
      { op: "mprotect", offset: "0x5000", length: "0x1000", prot: "PROT_READ|PROT_WRITE" },
      { op: "ERESUME", tcs: "0x1000", cpu: 2, stay: true },
    ]);
    const s = t.steps[N + 3];
    expect(s.thread).toEqual({ enclave: "e0", tcs: "0x1000", cpu: 2, state: "inside" });
    expect(s.op).toEqual({ op: "ERESUME", tcs: "0x1000", stay: true });
  });

  it("interrupt: AEX (cause interrupt) and ERESUME on that CPU, unseen by user space; the TLB is flushed", () => {
    const t = run([stay(3, W5), { op: "interrupt", cpu: 3 }, { op: "run", cpu: 3, ...R5 }]);
    const i = t.steps[N + 1];
    expect(i.ret).toBe(0);
    expect(i.run).toBeUndefined();
    expect(i.thread?.state).toBe("inside");
    expect(i.events.find((e) => e.kind === "aex")).toMatchObject({
      cause: "interrupt",
      cpu: 3,
      basis: "sdm",
    });
    expect(i.events.some((e) => e.leaf === "ERESUME" && e.result === "ok" && e.cpu === 3)).toBe(true);
    expect(kinds(t.steps[N + 2])).not.toContain("tlb-hit");
  });

  it("interrupt on a CPU with no thread inside does nothing", () => {
    const t = run([{ op: "interrupt", cpu: 2 }]);
    expect(kinds(t.steps[N])).not.toContain("aex");
  });
});

describe("the driver's ETRACK and IPI against threads really inside", () => {
  it("RESTRICT_PERMISSIONS: ETRACK, an IPI to every CPU of the process, an AEX on the one inside", () => {
    const t = run([
      stay(1, W5),
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
        arg: { offset: "0x5000", length: "0x1000", permissions: "R" },
      },
      { op: "run", cpu: 1, ...W5 },
    ]);
    const io = t.steps[N + 1];
    const ipi = io.events.find((e) => e.kind === "ipi");
    expect(ipi).toMatchObject({ cpus: [0, 1], cpu: 0, basis: "kernel" });
    const order = io.events.map((e) => e.leaf ?? e.kind);
    expect(order.indexOf("EMODPR")).toBeLessThan(order.indexOf("ETRACK"));
    expect(order.indexOf("ETRACK")).toBeLessThan(order.indexOf("ipi"));
    expect(io.events.find((e) => e.kind === "aex")).toMatchObject({ cause: "interrupt", cpu: 1 });
    // The flushed TLB: the next write walks and meets R--.
    expect(t.steps[N + 2].run).toMatchObject({ function: "ERESUME", exception_error_code: "0x8007" });
  });

  it("EACCEPT from the thread inside succeeds after the IPI made it leave once", () => {
    const t = run([
      stay(1, W5),
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
        arg: { offset: "0x5000", length: "0x1000", permissions: "R" },
      },
      { op: "run", cpu: 1, call: "EACCEPT", addr: "0x5000", secinfo: "R|REG|PR" },
    ]);
    expect(t.steps[N + 2].call).toEqual({ ret: 0, ret_name: "SGX_SUCCESS" });
  });

  it("the reclaimer's sgx_encl_ewb() ladder: EWB, SGX_NOT_TRACKED, ETRACK, EWB, IPI, EWB", () => {
    const t = run([stay(1, W5), { op: "reclaim", pages: 1 }]);
    const ev = t.steps[N + 1].events;
    const first = ev.findIndex((e) => e.leaf === "EWB");
    const seq = ev
      .slice(first)
      .filter((e) => e.leaf === "EWB" || e.leaf === "ETRACK" || e.kind === "ipi" || e.kind === "aex")
      .slice(0, 6)
      .map((e) => `${e.leaf ?? e.kind}${e.result ? ` ${e.result}` : ""}`);
    expect(seq).toEqual(["EWB SGX_NOT_TRACKED", "ETRACK ok", "EWB SGX_NOT_TRACKED", "ipi", "aex", "EWB ok"]);
  });

  it("without a thread inside the IPI text and the golden logs stay as before", () => {
    const t = run([
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
        arg: { offset: "0x5000", length: "0x1000", permissions: "R" },
      },
    ]);
    const ipi = t.steps[N].events.find((e) => e.kind === "ipi");
    expect(ipi?.text).toContain("none is inside now");
    expect(ipi?.cpus).toEqual([0]);
  });
});

describe("misusing a CPU is the scenario's error", () => {
  it("a CPU with a thread inside runs only run, EEXIT and interrupt", () => {
    expect(
      errorOf([stay(1, R5), { op: "mmap", cpu: 1, offset: "0x0", length: "0x1000", prot: "PROT_READ" }]),
    ).toBe(
      `steps[${N + 1}]: CPU 1 has a thread inside e0 (TCS 0x1000): it runs only run, EEXIT and interrupt until the thread leaves, not mmap`,
    );
  });

  it("run or EEXIT where no thread is inside", () => {
    expect(errorOf([{ op: "run", cpu: 2, ...R5 }])).toContain(`steps[${N}]: run needs a thread inside`);
    expect(errorOf([{ op: "EEXIT" }])).toContain(
      `steps[${N}]: EEXIT needs a thread inside the enclave on CPU 0`,
    );
  });

  it("EENTER on a TCS a thread is using (an AEX-busy TCS is the CPU's #GP instead)", () => {
    expect(errorOf([stay(1, R5), { op: "EENTER", tcs: "0x1000", ...R5 }])).toContain(
      "EENTER on TCS 0x1000 of e0, which the thread inside on CPU 1 is using",
    );
  });

  it("the run stops there: runScenario reports the error, Simulation throws ScenarioError", () => {
    const p = parseScenario({
      format: "epcm-scenario/1",
      steps: [...BUILD, { op: "EEXIT", cpu: 1 }, { op: "close" }],
    });
    if (!p.ok) throw new Error(p.errors.join());
    const r = runScenario(p.scenario);
    expect(r.error).toContain(`steps[${N}]`);
    expect(r.trace.steps.length).toBe(N);
    const sim = new Simulation(p.scenario);
    for (let i = 0; i < N; i++) sim.step();
    expect(() => sim.step()).toThrow(ScenarioError);
    expect(sim.done).toBe(true);
  });
});

describe("validation of the new fields", () => {
  const errs = (s: Raw) => {
    const r = parseScenario(s);
    return r.ok ? [] : r.errors;
  };
  it("machine.cpus is 1..64, a step's cpu must exist", () => {
    expect(errs({ format: "epcm-scenario/1", machine: { cpus: 0 }, steps: [] })).toEqual([
      "machine.cpus: expected an integer from 1 to 64, got 0",
    ]);
    expect(
      errs({ format: "epcm-scenario/1", machine: { cpus: 2 }, steps: [{ op: "interrupt", cpu: 2 }] }),
    ).toEqual(["steps[0].cpu: CPU 2 does not exist: the machine has 2 (machine.cpus), numbered from 0"]);
    expect(errs({ format: "epcm-scenario/1", steps: [{ op: "interrupt", cpu: 4 }] })[0]).toContain(
      "default 4",
    );
    expect(errs({ format: "epcm-scenario/1", steps: [{ op: "interrupt", cpu: -1 }] })[0]).toContain(
      "steps[0].cpu",
    );
  });
  it("stay is a boolean, not with pages; access needs kind, and value only for a write", () => {
    expect(
      errs({ format: "epcm-scenario/1", steps: [{ op: "EENTER", call: "nop", stay: "yes" }] })[0],
    ).toContain("steps[0].stay: expected true or false");
    expect(
      errs({
        format: "epcm-scenario/1",
        steps: [{ op: "EENTER", call: "read", addr: 0, pages: 2, stay: true }],
      })[0],
    ).toContain("stay cannot be combined with pages");
    expect(
      errs({ format: "epcm-scenario/1", steps: [{ op: "access", offset: 0, kind: "exec" }] })[0],
    ).toContain('unknown access kind "exec"');
    expect(
      errs({ format: "epcm-scenario/1", steps: [{ op: "access", offset: 0, kind: "write" }] })[0],
    ).toContain("steps[0].value: required field is missing");
    expect(
      errs({ format: "epcm-scenario/1", steps: [{ op: "access", offset: 0, kind: "read", value: 1 }] })[0],
    ).toContain("steps[0].value: a read stores nothing");
    expect(errs({ format: "epcm-scenario/1", steps: [{ op: "EEXIT", call: "nop" }] })[0]).toContain(
      "steps[0].call",
    );
    expect(errs({ format: "epcm-scenario/1", steps: [{ op: "run", call: "read" }] })[0]).toContain(
      "steps[0].addr",
    );
  });
});

describe("user space touching its enclave mapping", () => {
  it("a read of a mapped EPC page returns all ones; a write is dropped", () => {
    const t = run([
      { op: "access", offset: "0x5000", kind: "write", value: "0x9" },
      { op: "access", offset: "0x5000", kind: "read" },
      { op: "EENTER", tcs: "0x0", ...R5 },
    ]);
    expect(t.steps[N].value).toBeUndefined();
    expect(t.steps[N + 1].value).toBe("0xffffffffffffffff");
    expect(t.steps[N + 2].call?.value).toBe("0x0");
  });

  it("no VMA: SIGSEGV; a write to a read-only VMA: SIGSEGV", () => {
    const t = run([
      { op: "access", offset: "0xc000", kind: "read" },
      { op: "access", offset: "0x2000", kind: "write", value: "0x1" },
    ]);
    expect(t.steps[N].signal).toBe("SIGSEGV");
    expect(t.steps[N + 1].signal).toBe("SIGSEGV");
  });

  it("SGX2: an unbacked address of the mapping is EAUGed by sgx_vma_fault(), then reads the abort page", () => {
    const t = run([
      { op: "mmap", offset: "0xc000", length: "0x1000", prot: "PROT_READ|PROT_WRITE" },
      { op: "access", offset: "0xc000", kind: "read", expect: { epcm: { "0xc000": { pending: true } } } },
    ]);
    expect(t.steps[N + 1].value).toBe("0xffffffffffffffff");
    expect(t.steps[N + 1].events.some((e) => e.leaf === "EAUG" && e.result === "ok")).toBe(true);
  });

  it("SGX1: the same access gets SIGBUS", () => {
    const t = run(
      [
        { op: "mmap", offset: "0xc000", length: "0x1000", prot: "PROT_READ|PROT_WRITE" },
        { op: "access", offset: "0xc000", kind: "read" },
      ],
      { sgx2: false },
    );
    expect(t.steps[N + 1].signal).toBe("SIGBUS");
  });
});
