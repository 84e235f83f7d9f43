// mmap/mprotect rules, the SGX page-fault handler and the vDSO's exception reports, checked
// against the Linux SGX driver (v6.0) (encl.c: sgx_vma_fault(), sgx_encl_may_map(),
// sgx_vma_mprotect(); vsgx.S: __vdso_sgx_enter_enclave). Scenarios run through simulate(); the assertions read the trace.

import { describe, expect, it } from "vitest";
import { eaccept, exec, nop, read, write } from "../flows/calls.ts";
import { MAGIC, MAGIC2, standardBuild, TCS1, TCS2 } from "../flows/standard-build.ts";
import { eenter, eresume, hex, ioctl, mmap, mprotect, type RawStep } from "../flows/steps.ts";
import type { KernelPageJson, Trace, TraceStep } from "../index.ts";
import { simulate } from "../index.ts";

const BASE = 0x7f0000000000;
const BUILD = standardBuild();
const HOLE = 0xc000;
const RWX = "PROT_READ|PROT_WRITE|PROT_EXEC";
const RW = "PROT_READ|PROT_WRITE";

function run(steps: RawStep[], machine?: { epcPages?: number; sgx2?: boolean }): Trace {
  const r = simulate({
    format: "epcm-scenario/1",
    title: "fault test",
    ...(machine ? { machine } : {}),
    steps,
  });
  if (!r.ok) throw new Error(`scenario rejected:\n${r.errors.join("\n")}`);
  expect(r.unmet).toEqual([]);
  return r.trace;
}

function last(t: Trace, back = 0): TraceStep {
  return t.steps[t.steps.length - 1 - back];
}

function page(t: Trace, offset: number): KernelPageJson | undefined {
  return t.final.pages.find((p) => p.enclave === "e0" && p.offset === hex(offset));
}

function leaves(s: TraceStep): string[] {
  return s.events
    .filter((e) => e.leaf !== undefined && (e.kind === "encls" || e.kind === "enclu"))
    .map((e) => e.leaf as string);
}

/** Success: 0, or for mmap the address of the new mapping (base + offset). */
function retOk(s: TraceStep): void {
  const op = s.op as { op: string; offset?: string };
  const want = op.op === "mmap" ? BASE + Number(op.offset) : 0;
  expect({ ret: s.ret, errno: s.errno }).toEqual({ ret: want, errno: undefined });
}

function retErr(s: TraceStep, errno: string): void {
  expect({ ret: s.ret, errno: s.errno }).toEqual({ ret: -1, errno });
}

/** The vDSO returned 0 and reported this exception (exception_addr is linear, exception_offset from base). */
function reported(s: TraceStep, fn: string, vector: number, code: string, offset?: number): void {
  expect(s.ret).toBe(0);
  expect(s.run).toMatchObject({ function: fn, exception_vector: vector, exception_error_code: code });
  if (offset !== undefined)
    expect(s.run).toMatchObject({ exception_addr: hex(BASE + offset), exception_offset: hex(offset) });
}

function eexit(s: TraceStep): void {
  expect(s.ret).toBe(0);
  expect(s.run).toEqual({
    function: "EEXIT",
    exception_vector: 0,
    exception_error_code: "0x0",
    exception_addr: "0x0",
    exception_offset: "0x0",
  });
}

const modify = (offset: number, page_type: string) =>
  ioctl("SGX_IOC_ENCLAVE_MODIFY_TYPES", { offset: hex(offset), length: "0x1000", page_type });

// ------------------------------------------------------------------------------ mmap / mprotect

describe("mmap and mprotect on an enclave fd", () => {
  it("refuses MAP_PRIVATE with EINVAL (before and after INIT)", () => {
    const t = run([
      mmap(0, 0x1000, "PROT_READ", { flags: "MAP_PRIVATE|MAP_FIXED" }),
      ...BUILD,
      mmap(HOLE, 0x1000, "PROT_READ", { flags: "MAP_PRIVATE|MAP_FIXED" }),
    ]);
    retErr(t.steps[0], "EINVAL");
    retErr(last(t), "EINVAL");
  });

  it("allows a mapping before CREATE and outside ELRANGE before INIT", () => {
    const t = run([
      mmap(0, 0x10000, RWX),
      ioctl("SGX_IOC_ENCLAVE_CREATE", { size: "0x10000" }),
      mmap(0x10000, 0x1000, RW),
    ]);
    retOk(t.steps[0]);
    retOk(t.steps[1]);
    retOk(t.steps[2]);
  });

  it("after INIT refuses any range not inside ELRANGE with EACCES", () => {
    const t = run([
      ...BUILD,
      mmap(0x10000, 0x1000, "PROT_READ"),
      mmap(0xf000, 0x2000, "PROT_READ"),
      mmap(0xf000, 0x1000, "PROT_READ"),
    ]);
    retErr(last(t, 2), "EACCES");
    retErr(last(t, 1), "EACCES");
    retOk(last(t));
  });

  it("refuses permissions beyond a page's vm_max_prot_bits with EACCES (at any time)", () => {
    const t = run([
      ...BUILD,
      mmap(0x4000, 0x1000, "PROT_READ|PROT_EXEC"), // data: RW
      mmap(0x4000, 0x1000, "PROT_EXEC"),
      mmap(0x4000, 0x1000, RWX),
      mmap(0x2000, 0x1000, RW), // text: R-X
      mmap(TCS1, 0x1000, RWX), // TCS: RW
      mmap(0xb000, 0x2000, RWX), // heap (RW) + a hole
    ]);
    for (let i = 0; i < 6; i++) retErr(last(t, i), "EACCES");
    const before = run([
      ioctl("SGX_IOC_ENCLAVE_CREATE", { size: "0x10000" }),
      ioctl("SGX_IOC_ENCLAVE_ADD_PAGES", { offset: "0x4000", length: "0x1000", secinfo: "R|W|REG" }),
      mmap(0x4000, 0x1000, RWX),
    ]);
    retErr(last(before), "EACCES");
  });

  it("allows permissions within vm_max_prot_bits, and anything over holes", () => {
    const t = run([
      ...BUILD,
      mmap(0x2000, 0x1000, "PROT_READ"),
      mmap(0x4000, 0x1000, "PROT_NONE"),
      mmap(0x4000, 0x1000, RW),
      mmap(HOLE, 0x4000, RWX),
    ]);
    for (let i = 0; i < 4; i++) retOk(last(t, i));
  });

  it("applies the same rule to mprotect: EACCES beyond vm_max_prot_bits, RWX over holes", () => {
    const t = run([
      ...BUILD,
      mprotect(0x4000, 0x1000, RWX),
      mprotect(0x2000, 0x1000, RW),
      mmap(HOLE, 0x1000, "PROT_READ"),
      mprotect(HOLE, 0x1000, RWX),
      mprotect(0x4000, 0x1000, "PROT_READ"),
    ]);
    retErr(last(t, 4), "EACCES");
    retErr(last(t, 3), "EACCES");
    retOk(last(t, 1));
    retOk(last(t));
  });

  it("mprotect(PROT_READ) then a write: #PF 0x7 from the page tables; mprotect back and ERESUME completes it (selftest pte_permissions)", () => {
    const t = run([
      ...BUILD,
      eenter(TCS1, write(0x5000, MAGIC)),
      mprotect(0x5000, 0x1000, "PROT_READ"),
      eenter(TCS1, write(0x5000, MAGIC2)),
      mprotect(0x5000, 0x1000, RW),
      eresume(TCS1),
      eenter(TCS2, read(0x5000)),
    ]);
    eexit(last(t, 5));
    retOk(last(t, 4));
    reported(last(t, 3), "ERESUME", 14, "0x7", 0x5000);
    const f = last(t, 3).events.filter((e) => e.kind === "fault");
    expect(f[f.length - 1]).toMatchObject({ raised_by: "page tables", error_code: "0x7" });
    retOk(last(t, 2));
    eexit(last(t, 1));
    expect(last(t).call?.value).toBe(MAGIC2);
  });

  it("a write to a read-only mapping without a PTE yet reports #PF 0x6", () => {
    const t = run([...BUILD, mprotect(0x5000, 0x1000, "PROT_READ"), eenter(TCS1, write(0x5000, MAGIC))]);
    reported(last(t), "ERESUME", 14, "0x6", 0x5000);
  });

  it("PROT_NONE makes even a read fault (#PF 0x4)", () => {
    const t = run([
      ...BUILD,
      eenter(TCS1, read(0x5000)),
      mprotect(0x5000, 0x1000, "PROT_NONE"),
      eenter(TCS2, read(0x5000)),
    ]);
    reported(last(t), "ERESUME", 14, "0x4", 0x5000);
  });

  it("an instruction fetch from a data page is refused by the mapping (#PF 0x15 with a PTE)", () => {
    const t = run([...BUILD, eenter(TCS1, read(0x5000)), eenter(TCS2, exec(0x5000))]);
    reported(last(t), "ERESUME", 14, "0x15", 0x5000);
  });
});

// ------------------------------------------------------------------------------ the fault handler

describe("the SGX page-fault handler", () => {
  it("reports an access with no VMA as an ordinary #PF (0x6 write, 0x4 read, 0x14 fetch), without EAUG", () => {
    const t = run([
      ...BUILD,
      eenter(TCS1, write(HOLE, MAGIC)),
      eenter(TCS2, read(0xd000)),
      ioctl("SGX_IOC_ENCLAVE_FROBNICATE", {}),
    ]);
    const w = last(t, 2);
    reported(w, "ERESUME", 14, "0x6", HOLE);
    expect(leaves(w)).not.toContain("EAUG");
    reported(last(t, 1), "ERESUME", 14, "0x4", 0xd000);
    expect(page(t, HOLE)).toBeUndefined();
    const x = run([...BUILD, eenter(TCS1, exec(0xe000))]);
    reported(last(x), "ERESUME", 14, "0x14", 0xe000);
  });

  it("EAUGs an unbacked page on SGX2: the write then faults on the PENDING page with 0x8007 (selftest augment)", () => {
    const t = run([...BUILD, mmap(HOLE, 0x1000, RWX), eenter(TCS1, write(HOLE, MAGIC))]);
    expect(leaves(last(t))).toContain("EAUG");
    reported(last(t), "ERESUME", 14, "0x8007", HOLE);
    expect(page(t, HOLE)).toMatchObject({ type: "REG", vm_max_prot: "RWX", resident: true });
  });

  it("EAUGs on reads and instruction fetches too; the PENDING page then faults in the EPCM (0x8005, 0x8015)", () => {
    const r = run([...BUILD, mmap(HOLE, 0x1000, RWX), eenter(TCS1, read(HOLE))]);
    expect(leaves(last(r))).toContain("EAUG");
    reported(last(r), "ERESUME", 14, "0x8005", HOLE);
    const x = run([...BUILD, mmap(HOLE, 0x1000, RWX), eenter(TCS1, exec(HOLE))]);
    expect(leaves(last(x))).toContain("EAUG");
    reported(last(x), "ERESUME", 14, "0x8015", HOLE);
  });

  it("does not EAUG before INIT: the fault on the TCS is a SIGBUS, reported for EENTER", () => {
    const t = run([
      ioctl("SGX_IOC_ENCLAVE_CREATE", { size: "0x10000" }),
      mmap(0, 0x10000, RWX),
      eenter(TCS1, nop()),
    ]);
    expect(leaves(last(t))).not.toContain("EAUG");
    expect(t.final.pages).toEqual([]);
    expect(last(t).run?.function).toBe("EENTER");
    expect(last(t).run?.exception_vector).toBe(14);
  });

  describe("on a CPU without SGX2", () => {
    const sgx1 = { sgx2: false };

    it("a write to a hole in an RWX mapping is not fixed: #PF 0x6 reported, no EAUG, no page", () => {
      const t = run([...BUILD, mmap(HOLE, 0x1000, RWX), eenter(TCS1, write(HOLE, MAGIC))], sgx1);
      reported(last(t), "ERESUME", 14, "0x6", HOLE);
      expect(leaves(last(t))).not.toContain("EAUG");
      expect(page(t, HOLE)).toBeUndefined();
      expect(t.final.epcm.some((e) => e.offset === hex(HOLE))).toBe(false);
    });

    it("EACCEPT is not a valid ENCLU leaf there: #GP(0) reported after the AEX", () => {
      const t = run(
        [...BUILD, mmap(HOLE, 0x1000, RWX), eenter(TCS1, eaccept(HOLE, "R|W|REG|PENDING"))],
        sgx1,
      );
      reported(last(t), "ERESUME", 13, "0x0");
      expect(last(t).call).toBeUndefined();
    });

    it("still maps added pages on demand", () => {
      const t = run([...BUILD, eenter(TCS1, read(0x4000))], sgx1);
      eexit(last(t));
      expect(last(t).call?.value).toBe("0x1");
    });
  });

  it("SIGBUS when the VMA allows more than vm_max_prot_bits (RWX VMA over a page made a TCS): #PF reported with the hardware code", () => {
    const t = run([
      ...BUILD,
      mmap(HOLE, 0x1000, RWX),
      eenter(TCS1, eaccept(HOLE, "R|W|REG|PENDING")),
      modify(HOLE, "TCS"),
      eenter(TCS2, read(HOLE)),
    ]);
    expect(last(t, 2).call?.ret).toBe(0);
    retOk(last(t, 1));
    const s = last(t);
    // The PTE was zapped by REG → TCS; the handler refuses to map RW- page into an RWX VMA.
    reported(s, "ERESUME", 14, "0x4", HOLE);
    expect(s.events.filter((e) => e.kind === "mm" && e.text.includes("e0+0xc000"))).toEqual([]);
    expect(s.events.filter((e) => e.kind === "fault").every((e) => e.raised_by === "page tables")).toBe(true);
  });

  it("after mprotect to RW the same page maps, and the EPCM refuses the read of a MODIFIED TCS (0x8005)", () => {
    const t = run([
      ...BUILD,
      mmap(HOLE, 0x1000, RWX),
      eenter(TCS1, eaccept(HOLE, "R|W|REG|PENDING")),
      modify(HOLE, "TCS"),
      eenter(TCS2, read(HOLE)),
      mprotect(HOLE, 0x1000, RW),
      eresume(TCS2),
    ]);
    retOk(last(t, 1));
    reported(last(t), "ERESUME", 14, "0x8005", HOLE);
  });

  it("SIGBUS on EENTER itself when the TCS was mapped RWX before it was added: reported with function EENTER", () => {
    const build = standardBuild().slice(0, 6); // CREATE, ADD_PAGES ×4, INIT (no mmaps)
    const t = run([build[0], mmap(0, 0x10000, RWX), ...build.slice(1), eenter(TCS1, nop())]);
    retOk(t.steps[1]); // holes: any protection may be mapped
    const s = last(t);
    reported(s, "EENTER", 14, "0x4", TCS1);
    expect(s.events.filter((e) => e.kind === "mm")).toEqual([]);
  });

  it("after close nothing is mapped: EENTER's own access faults and is reported; mmap gives EBADF", () => {
    const t = run([...BUILD, { op: "close" }, eenter(TCS1, nop()), mmap(0x4000, 0x1000, RW)]);
    reported(last(t, 1), "EENTER", 14, "0x4", TCS1);
    retErr(last(t), "EBADF");
  });
});

// ------------------------------------------------------------------------------ the vDSO

describe("__vdso_sgx_enter_enclave", () => {
  it("reports a clean EEXIT with all exception fields zero", () => {
    const t = run([...BUILD, eenter(TCS1, write(0x5000, MAGIC)), eenter(TCS2, read(0x5000))]);
    eexit(last(t, 1));
    eexit(last(t));
    expect(last(t).call?.value).toBe(MAGIC);
  });

  it("ERESUME on a TCS with CSSA 0 raises #GP on ERESUME itself: vector 13, function ERESUME", () => {
    const t = run([...BUILD, eresume(TCS1)]);
    const s = last(t);
    expect(s.ret).toBe(0);
    expect(s.run).toEqual({
      function: "ERESUME",
      exception_vector: 13,
      exception_error_code: "0x0",
      exception_addr: "0x0",
      exception_offset: "0x0",
    });
  });

  it("EENTER on a TCS whose CSSA reached NSSA (after an unresolved fault) raises #GP: function EENTER; the other TCS still works", () => {
    const t = run([
      ...BUILD,
      eenter(TCS1, write(HOLE, MAGIC)),
      eenter(TCS1, nop()),
      eenter(TCS2, nop()),
      eresume(TCS1),
    ]);
    reported(last(t, 3), "ERESUME", 14, "0x6", HOLE);
    expect(last(t, 2).run).toEqual({
      function: "EENTER",
      exception_vector: 13,
      exception_error_code: "0x0",
      exception_addr: "0x0",
      exception_offset: "0x0",
    });
    eexit(last(t, 1));
    // ERESUME retries the faulting write, which faults again.
    reported(last(t), "ERESUME", 14, "0x6", HOLE);
  });

  it("ERESUME after the cause is fixed completes the interrupted call", () => {
    const t = run([
      ...BUILD,
      eenter(TCS1, write(HOLE, MAGIC)),
      mmap(HOLE, 0x1000, RW),
      eresume(TCS1),
      eenter(TCS2, eaccept(HOLE, "R|W|REG|PENDING")),
      eresume(TCS1),
      eenter(TCS1, read(HOLE)),
    ]);
    reported(last(t, 3), "ERESUME", 14, "0x8007", HOLE); // EAUGed, PENDING
    expect(last(t, 2).call?.ret).toBe(0);
    eexit(last(t, 1));
    expect(last(t).call?.value).toBe(MAGIC);
  });

  it("EENTER on a MODIFIED (EMODT'd, not accepted) TCS raises #PF with the SGX bit: function EENTER", () => {
    const t = run([...BUILD, modify(0x6000, "TCS"), eenter(0x6000, nop())]);
    retOk(last(t, 1));
    const s = last(t);
    expect(s.ret).toBe(0);
    expect(s.run).toMatchObject({
      function: "EENTER",
      exception_vector: 14,
      exception_addr: hex(BASE + 0x6000),
      exception_offset: "0x6000",
    });
    expect(Number(s.run?.exception_error_code) & 0x8000).toBe(0x8000);
  });

  it("EENTER on a page that is not a TCS raises #PF with the SGX bit", () => {
    const t = run([...BUILD, eenter(0x4000, nop())]);
    expect(last(t).run).toMatchObject({
      function: "EENTER",
      exception_vector: 14,
      exception_offset: "0x4000",
    });
    expect(Number(last(t).run?.exception_error_code) & 0x8000).toBe(0x8000);
  });
});
