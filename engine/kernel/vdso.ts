// Entering an enclave through the vDSO (arch/x86/entry/vdso/vsgx.S, struct sgx_enclave_run) and
// running the enclave's call. Faults inside the enclave cause an AEX; the kernel's #PF handler
// may fix them (EAUG, ELDU, a new PTE), after which the AEP's ERESUME retries the instruction
// transparently. Faults it cannot fix are reported in sgx_enclave_run and the vDSO returns 0.

import { ABORT_PAGE, enclaveAccess } from "../arch/access.ts";
import {
  sgxCodeName,
  TCS_CSSA_NSSA,
  TCS_FSGSLIMIT,
  TCS_OENTRY,
  TCS_OSSA,
  VEC_PF,
} from "../arch/constants.ts";
import { type Fault, isFault, type LogicalProcessor, type Outcome } from "../arch/cpu.ts";
import { NONE } from "../arch/epc.ts";
import { AEX, EACCEPT, EACCEPTCOPY, EEXIT, EMODPE, enterEnclave, tcsCssa } from "../arch/leaves/enclu.ts";
import { hex } from "../vocabulary/hex.ts";
import type { Encl } from "./encl.ts";
import { handlePageFault } from "./fault.ts";
import type { Kernel } from "./kernel.ts";
import { runKsgxd } from "./main.ts";
import type { EnclaveCall } from "./uapi.ts";

export interface RunReport {
  function: "EENTER" | "ERESUME" | "EEXIT";
  vector: number;
  code: number;
  addr: number;
}

export interface CallReport {
  run: RunReport;
  /** RAX of an ENCLU leaf the call executed (EACCEPT, EACCEPTCOPY); EMODPE has none. */
  ret?: number;
  value?: bigint;
  /** The real system would keep faulting forever. */
  stalled?: boolean;
}

/** A retry bound: beyond it the access cannot make progress (working set larger than the EPC). */
const MAX_RETRIES = 64;

const VSGX = "vsgx.S: __vdso_sgx_enter_enclave()";

export class Vdso {
  private readonly k: Kernel;
  private readonly lp: LogicalProcessor;
  /** Calls interrupted by an AEX, by TCS address: ERESUME continues them. */
  private readonly interrupted = new Map<number, { call: EnclaveCall; base: number }>();
  /** Threads whose AEX hit the fetch of their first instruction: ERESUME fetches it again. */
  private readonly atEntry = new Set<number>();

  constructor(k: Kernel, lp?: LogicalProcessor) {
    this.k = k;
    this.lp = lp ?? k.cpu.addProcessor();
  }

  /** A copy bound to a cloned kernel (for checkpoints). */
  clone(k: Kernel): Vdso {
    const c = new Vdso(k, k.cpu.lps[this.lp.id]);
    for (const [t, saved] of this.interrupted) c.interrupted.set(t, saved);
    for (const t of this.atEntry) c.atEntry.add(t);
    return c;
  }

  /** EENTER a TCS and run `call`, or ERESUME a TCS (call undefined). */
  enter(encl: Encl, tcsOffset: number, call: EnclaveCall | undefined): CallReport {
    const k = this.k;
    const tcs = encl.base + tcsOffset;
    let resume = call === undefined;
    const saved = this.interrupted.get(tcs);
    const work = call ?? saved?.call;
    // The interrupted instruction keeps the linear addresses it was started with (SDM ERESUME).
    const base = call ? encl.base : (saved?.base ?? encl.base);
    // EENTER starts at OENTRY; an ERESUME re-executes the instruction that faulted, which is that
    // first fetch if the AEX happened there (its retry sets the PTE's Accessed bit, as on hardware).
    let fetchEntry = !resume || this.atEntry.has(tcs);
    let retries = 0;
    if (k.cpu.log.on)
      k.ev(
        "vdso",
        () =>
          resume
            ? `ERESUME on TCS ${k.label(tcs)}.`
            : `EENTER on TCS ${k.label(tcs)} to run ${describeCall(k, encl, work as EnclaveCall)}.`,
        VSGX,
      );
    for (;;) {
      // ENCLU[EENTER] / ENCLU[ERESUME] at the vDSO's ENCLU instruction.
      const e = enterEnclave(k.cpu, this.lp, tcs, k.mm, resume);
      const leaf = resume ? "ERESUME" : "EENTER";
      if (isFault(e)) {
        // A fault on ENCLU itself: no AEX (the thread never got in); the kernel may fix it and the vDSO's ENCLU runs again.
        if (this.fixable(e) && ++retries <= MAX_RETRIES) continue;
        return this.report(leaf, e, retries > MAX_RETRIES);
      }
      if (fetchEntry) {
        // The thread starts at OENTRY: fetch its first instruction (the text page must be present and executable).
        // OENTRY is an offset from the entered enclave's own base (SECS.BASEADDR).
        const secsBase = k.cpu.epc.secs.get(this.lp.secs)?.baseaddr ?? encl.base;
        const entry = secsBase + Number(k.cpu.epc.readWord(this.lp.tcs, TCS_OENTRY));
        const f = enclaveAccess(k.cpu, this.lp, entry, "fetch", k.mm);
        if (isFault(f)) {
          this.logFault(f, "fetching the first instruction at OENTRY");
          this.atEntry.add(tcs);
          const r = this.aex(f, tcs, work as EnclaveCall, base);
          if (r === "retry" && ++retries <= MAX_RETRIES) {
            resume = true;
            continue;
          }
          return this.report("ERESUME", f, retries > MAX_RETRIES);
        }
        this.atEntry.delete(tcs);
        fetchEntry = false;
      }
      if (!work) {
        // ERESUME with no interrupted call recorded: the resumed thread simply finishes and exits.
        EEXIT(k.cpu, this.lp);
        return { run: { function: "EEXIT", vector: 0, code: 0, addr: 0 } };
      }
      const r = this.exec(base, work);
      if (isFault(r.out)) {
        this.logFault(r.out, `running ${work.call}`);
        const a = this.aex(r.out, tcs, work, base);
        if (a === "retry" && ++retries <= MAX_RETRIES) {
          resume = true;
          continue;
        }
        return this.report("ERESUME", r.out, retries > MAX_RETRIES);
      }
      this.interrupted.delete(tcs);
      EEXIT(k.cpu, this.lp);
      const rep: CallReport = { run: { function: "EEXIT", vector: 0, code: 0, addr: 0 } };
      if (r.rax !== undefined) rep.ret = r.rax;
      if (r.value !== undefined) rep.value = r.value;
      if (k.cpu.log.on)
        k.ev(
          "vdso",
          () =>
            `EEXIT: the vDSO sets run.function = EEXIT and returns 0${r.rax !== undefined ? `; the enclave saw RAX = ${sgxCodeName(r.rax)}` : ""}${r.value !== undefined ? `; it read ${hex(r.value)}` : ""}.`,
          VSGX,
        );
      return rep;
    }
  }

  /** After an AEX the kernel handles the fault. "retry": fixed, the AEP's ERESUME retries; "report": delivered to the vDSO. */
  private aex(f: Fault, tcs: number, work: EnclaveCall, base: number): "retry" | "report" {
    this.interrupted.set(tcs, { call: work, base });
    AEX(this.k.cpu, this.lp, f);
    return this.fixable(f) ? "retry" : "report";
  }

  /** Ask the kernel's #PF handler; BUSY lets ksgxd reclaim before the retry. */
  private fixable(f: Fault): boolean {
    if (f.vector !== VEC_PF) return false;
    const r = handlePageFault(this.k, f.addr, f.code);
    if (r === "BUSY") {
      runKsgxd(this.k);
      return true;
    }
    return r === "NOPAGE";
  }

  private logFault(f: Fault, doing: string): void {
    const k = this.k;
    if (!k.cpu.log.on) return;
    k.cpu.log.push({
      kind: "fault",
      source:
        f.raisedBy === "EPCM"
          ? "SDM: EPCM access check"
          : f.raisedBy === "page tables"
            ? "SDM Vol. 3A §4.7 (page-fault error code)"
            : "SDM: ENCLU leaf",
      result: f.vector === VEC_PF ? "#PF" : "#GP",
      vector: f.vector,
      error_code: hex(f.code),
      ...(f.vector === VEC_PF ? { addr: hex(f.addr), offset: k.label(f.addr) } : {}),
      raised_by: f.raisedBy,
      text: `${f.vector === VEC_PF ? `#PF ${hex(f.code)}` : "#GP(0)"} while ${doing}${f.vector === VEC_PF ? ` at ${k.label(f.addr)}` : ""}: ${f.why}.`,
    });
  }

  private report(fn: "EENTER" | "ERESUME", f: Fault, stalled: boolean): CallReport {
    const k = this.k;
    const addr = f.vector === VEC_PF ? f.addr : 0;
    if (stalled)
      if (k.cpu.log.on)
        k.ev(
          "kernel",
          "The access keeps faulting after every fix: the enclave's working set does not fit in the EPC, so the real process would spin here.",
          "encl.c: sgx_vma_fault()",
        );
    if (k.cpu.log.on)
      k.ev(
        "vdso",
        () =>
          `The exception is reported to the caller: run.function = ${fn}, exception_vector = ${f.vector}, exception_error_code = ${hex(f.code)}${addr ? `, exception_addr = ${k.label(addr)}` : ""}; the vDSO returns 0.`,
        "extable.c: fixup_vdso_exception() / vsgx.S",
      );
    return { run: { function: fn, vector: f.vector, code: f.code, addr }, ...(stalled ? { stalled } : {}) };
  }

  /**
   * An enclave data access at `addr`: the EPC page it reaches, or the call's outcome when it
   * faulted or fell on the abort page (outside ELRANGE on EPC memory: writes are dropped,
   * reads return all ones; SDM §38.1).
   */
  private dataAccess(addr: number, kind: "read" | "write"): number | { out: Outcome; value?: bigint } {
    const k = this.k;
    const t = enclaveAccess(k.cpu, this.lp, addr, kind, k.mm);
    if (isFault(t)) return { out: t };
    if (t !== ABORT_PAGE) return t;
    if (k.cpu.log.on)
      k.ev(
        "access",
        () =>
          kind === "write"
            ? `The write to ${k.label(addr)} is outside ELRANGE and lands on EPC memory: dropped (abort page).`
            : `The read of ${k.label(addr)} is outside ELRANGE and lands on EPC memory: all ones (abort page).`,
        "SDM §38.1: non-enclave access to EPC",
      );
    return kind === "write" ? { out: 0 } : { out: 0, value: 0xffffffffffffffffn };
  }

  /** Execute the call inside the enclave. */
  private exec(base: number, c: EnclaveCall): { out: Outcome; rax?: number; value?: bigint } {
    const k = this.k;
    const { cpu, mm } = k;
    const at = (off: number) => base + off;
    switch (c.call) {
      case "nop":
        return { out: 0 };
      case "write": {
        const t = this.dataAccess(at(c.addr), "write");
        if (typeof t !== "number") return t;
        cpu.epc.writeWord(t, (c.addr % 4096) - (c.addr % 8), c.value);
        if (k.cpu.log.on)
          k.ev(
            "access",
            () => `The enclave writes ${hex(c.value)} to ${k.label(at(c.addr))} (EPC page ${t}).`,
            "SDM: EPCM access check",
            { epc: t },
          );
        return { out: 0 };
      }
      case "read": {
        const t = this.dataAccess(at(c.addr), "read");
        if (typeof t !== "number") return t;
        const value = cpu.epc.readWord(t, (c.addr % 4096) - (c.addr % 8));
        if (k.cpu.log.on)
          k.ev(
            "access",
            () => `The enclave reads ${hex(value)} from ${k.label(at(c.addr))} (EPC page ${t}).`,
            "SDM: EPCM access check",
            { epc: t },
          );
        return { out: 0, value };
      }
      case "exec": {
        const t = enclaveAccess(cpu, this.lp, at(c.addr), "fetch", mm);
        if (isFault(t)) return { out: t };
        if (k.cpu.log.on)
          k.ev(
            "access",
            () => `The enclave executes code at ${k.label(at(c.addr))}.`,
            "SDM: EPCM access check",
            { epc: t },
          );
        return { out: 0 };
      }
      case "init_tcs": {
        // ENCL_OP_INIT_TCS_PAGE: plain stores of a TCS image into a REG page (the page must be writable).
        const t = enclaveAccess(cpu, this.lp, at(c.addr), "write", mm);
        if (isFault(t)) return { out: t };
        if (t === ABORT_PAGE) return { out: 0 }; // outside ELRANGE on EPC memory: the stores are dropped
        cpu.epc.zeroPage(t);
        cpu.epc.writeWord(t, TCS_OSSA, BigInt(c.ssa));
        cpu.epc.writeWord(t, TCS_CSSA_NSSA, 1n << 32n);
        cpu.epc.writeWord(t, TCS_OENTRY, BigInt(c.entry));
        cpu.epc.writeWord(t, TCS_FSGSLIMIT, 0xffffffffffffffffn);
        if (k.cpu.log.on)
          k.ev(
            "access",
            () =>
              `The enclave writes a TCS image (OSSA ${hex(c.ssa)}, NSSA 1, OENTRY ${hex(c.entry)}) into the REG page ${k.label(at(c.addr))}.`,
            "selftests: encl_init_tcs_page()",
            { epc: t },
          );
        return { out: 0 };
      }
      case "EACCEPT": {
        const out = EACCEPT(cpu, this.lp, c.secinfo, at(c.addr), mm);
        return isFault(out) ? { out } : { out: 0, rax: out };
      }
      case "EACCEPTCOPY": {
        const out = EACCEPTCOPY(cpu, this.lp, c.secinfo, at(c.addr), at(c.src), mm);
        return isFault(out) ? { out } : { out: 0, rax: out };
      }
      case "EMODPE": {
        const out = EMODPE(cpu, this.lp, c.secinfo, at(c.addr), mm);
        return { out };
      }
    }
  }

  /** CSSA of a TCS (for the inspector and tests). */
  cssa(encl: Encl, tcsOffset: number): number | undefined {
    const p = encl.pages.get(tcsOffset / 4096);
    return p && p.epc !== NONE ? tcsCssa(this.k.cpu, p.epc) : undefined;
  }
}

export function describeCall(k: Kernel, encl: Encl, c: EnclaveCall): string {
  const at = (off: number) => k.label(encl.base + off);
  switch (c.call) {
    case "nop":
      return "a no-op";
    case "write":
      return `a write of ${hex(c.value)} to ${at(c.addr)}`;
    case "read":
      return `a read of ${at(c.addr)}`;
    case "exec":
      return `code at ${at(c.addr)}`;
    case "init_tcs":
      return `INIT_TCS_PAGE at ${at(c.addr)}`;
    case "EACCEPT":
      return `EACCEPT(${hex(c.secinfo)}) of ${at(c.addr)}`;
    case "EACCEPTCOPY":
      return `EACCEPTCOPY(${hex(c.secinfo)}) of ${at(c.src)} into ${at(c.addr)}`;
    case "EMODPE":
      return `EMODPE(${hex(c.secinfo)}) on ${at(c.addr)}`;
  }
}
