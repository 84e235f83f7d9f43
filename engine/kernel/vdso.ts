// Entering an enclave through the vDSO (arch/x86/entry/vdso/vsgx.S, struct sgx_enclave_run) and
// running the enclave's call. Faults inside the enclave cause an AEX; the kernel's #PF handler
// may fix them (EAUG, ELDU, a new PTE), after which the AEP's ERESUME retries the instruction
// transparently. Faults it cannot fix are reported in sgx_enclave_run and the vDSO returns 0.

import { ABORT_PAGE, enclaveAccess } from "../arch/access.ts";
import { enclaveFaultBasis, HARDWARE_PF_CODES } from "../arch/basis.ts";
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
import type { Provenance } from "../arch/events.ts";
import { AEX, EACCEPT, EACCEPTCOPY, EEXIT, EMODPE, enterEnclave, tcsCssa } from "../arch/leaves/enclu.ts";
import { hex } from "../vocabulary/hex.ts";
import type { Encl } from "./encl.ts";
import { type FaultPending, type FaultResult, faultLocked, handlePageFault, sgxVmaFault } from "./fault.ts";
import type { Kernel } from "./kernel.ts";
import { faultLockBoundary, faultUnlockBoundary } from "./locks.ts";
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
  /** The call completed and the thread stayed inside (`stay`, `run`): the vDSO has not returned. */
  stayed?: boolean;
}

/** A thread: an enclave entry on one TCS from one CPU that stayed inside. */
export interface Thread {
  encl: Encl;
  tcsOffset: number;
  /** Linear address of the TCS. */
  tcs: number;
  /** The linear base the thread's calls use (the interrupted instruction keeps its addresses). */
  base: number;
}

/** A thread's run through the vDSO, kept between two calls of Vdso.drive() (a race suspends it). */
interface Drive {
  lp: LogicalProcessor;
  encl: Encl;
  tcsOffset: number;
  work: EnclaveCall | undefined;
  base: number;
  /** ENCLU runs ERESUME (else EENTER) when the thread (re-)enters. */
  resume: boolean;
  /** The thread is outside: ENCLU runs first ("inside": it stayed in). */
  enter: boolean;
  /** The first instruction at OENTRY is still to be fetched. */
  fetchEntry: boolean;
  stay: boolean;
  retries: number;
  /** In a race: the fault whose locked part is pending, and the leaf it is reported as. */
  fault: Fault | undefined;
  fn: "EENTER" | "ERESUME";
}

function newDrive(
  lp: LogicalProcessor,
  encl: Encl,
  tcsOffset: number,
  work: EnclaveCall | undefined,
  base: number,
  how: "EENTER" | "ERESUME" | "inside",
  fetchEntry: boolean,
  stay: boolean,
): Drive {
  const resume = how === "ERESUME";
  return {
    lp,
    encl,
    tcsOffset,
    work,
    base,
    resume,
    enter: how !== "inside",
    fetchEntry,
    stay,
    retries: 0,
    fault: undefined,
    fn: resume ? "ERESUME" : "EENTER",
  };
}

/** What drive() does next after a fixed fault: go round again. */
const AGAIN = 0;

/** A retry bound: beyond it the access cannot make progress (working set larger than the EPC). */
const MAX_RETRIES = 64;

const VSGX = "vsgx.S: __vdso_sgx_enter_enclave()";

/**
 * A few values by TCS address. A Map keyed by user addresses (above 2^31, so not small
 * integers) costs a boxed-number hash on every set and delete, and every enclave entry does one
 * of each; a process has a handful of TCSs, so a linear scan is cheaper.
 */
class ByTcs<V> {
  /** The first `n` slots are in use (kept allocated: an entry is added and removed per fault). */
  private readonly keys: number[] = [];
  private readonly values: Array<V | undefined> = [];
  /** A number stored beside each value (a second field without an object per entry). */
  private readonly numbers: number[] = [];
  private n = 0;

  private find(tcs: number): number {
    for (let i = 0; i < this.n; i++) if (this.keys[i] === tcs) return i;
    return -1;
  }

  get(tcs: number): V | undefined {
    const i = this.find(tcs);
    return i < 0 ? undefined : this.values[i];
  }

  /** The number stored with `tcs`'s value (0 when none). */
  numberOf(tcs: number): number {
    const i = this.find(tcs);
    return i < 0 ? 0 : this.numbers[i];
  }

  has(tcs: number): boolean {
    return this.find(tcs) >= 0;
  }

  set(tcs: number, v: V, n = 0): void {
    let i = this.find(tcs);
    if (i < 0) i = this.n++;
    this.keys[i] = tcs;
    this.values[i] = v;
    this.numbers[i] = n;
  }

  /** Remove, keeping the others in the order they were added. */
  delete(tcs: number): void {
    const i = this.find(tcs);
    if (i < 0) return;
    this.n--;
    for (let j = i; j < this.n; j++) {
      this.keys[j] = this.keys[j + 1];
      this.values[j] = this.values[j + 1];
      this.numbers[j] = this.numbers[j + 1];
    }
    this.values[this.n] = undefined;
  }

  *[Symbol.iterator](): Generator<[number, V, number]> {
    for (let i = 0; i < this.n; i++) yield [this.keys[i], this.values[i] as V, this.numbers[i]];
  }
}

export class Vdso {
  private readonly k: Kernel;
  /** Calls interrupted by an AEX, with the base they ran at, by TCS address: ERESUME continues them. */
  private readonly interrupted = new ByTcs<EnclaveCall>();
  /** Threads whose AEX hit the fetch of their first instruction: ERESUME fetches it again. */
  private readonly atEntry = new ByTcs<true>();
  /** The thread that stayed inside on each CPU (also while an interrupt holds it at the AEP). */
  readonly threads: Array<Thread | undefined> = [];
  /** CPUs whose thread took an interrupt's AEX and must still ERESUME (end of the step). */
  private readonly waiting: number[] = [];

  constructor(k: Kernel) {
    this.k = k;
    k.interruptCpu = (c, why) => this.interrupt(c, why);
  }

  /** A copy bound to a cloned kernel (for checkpoints). */
  clone(k: Kernel): Vdso {
    const c = new Vdso(k);
    for (const [t, call, base] of this.interrupted) c.interrupted.set(t, call, base);
    for (const [t] of this.atEntry) c.atEntry.set(t, true);
    const map = new Map(this.k.enclaves.map((e, i) => [e, k.enclaves[i]] as const));
    this.threads.forEach((t, i) => {
      if (t) c.threads[i] = { ...t, encl: map.get(t.encl) ?? t.encl };
    });
    c.waiting.push(...this.waiting);
    return c;
  }

  /** The thread inside on a CPU (undefined when none stayed there). */
  threadOn(cpu: number): Thread | undefined {
    return this.threads[cpu];
  }

  /** EENTER a TCS and run `call`, or ERESUME a TCS (call undefined); `stay`: do not EEXIT. */
  enter(
    encl: Encl,
    tcsOffset: number,
    call: EnclaveCall | undefined,
    lp: LogicalProcessor = this.k.cpu.lps[0],
    stay = false,
  ): CallReport {
    // Outside a race nothing interleaves: the fault's locked part runs at once, and no generator
    // is made (every EACCEPT-driven EAUG passes here).
    return this.drive(this.entry(encl, tcsOffset, call, lp, stay), false);
  }

  /**
   * enter(), yielding where the kernel's fault handling passes a lock boundary (kernel/locks.ts),
   * so a race can interleave an enclave thread's faults (docs/scenario-format.md, Races).
   */
  *enterSteps(
    encl: Encl,
    tcsOffset: number,
    call: EnclaveCall | undefined,
    lp: LogicalProcessor,
    stay = false,
  ): Generator<string, CallReport> {
    return yield* this.driveSteps(this.entry(encl, tcsOffset, call, lp, stay));
  }

  /** Log the vDSO's entry and say where the thread starts. */
  private entry(
    encl: Encl,
    tcsOffset: number,
    call: EnclaveCall | undefined,
    lp: LogicalProcessor,
    stay: boolean,
  ): Drive {
    const k = this.k;
    const tcs = encl.base + tcsOffset;
    const resume = call === undefined;
    const saved = this.interrupted.get(tcs);
    const work = call ?? saved;
    // The interrupted instruction keeps the linear addresses it was started with (SDM ERESUME).
    const base = call || !saved ? encl.base : this.interrupted.numberOf(tcs);
    if (k.cpu.log.on)
      k.ev(
        "vdso",
        resume
          ? `ERESUME on TCS ${k.label(tcs)}.`
          : `EENTER on TCS ${k.label(tcs)} to run ${describeCall(k, encl, work as EnclaveCall)}.`,
        VSGX,
      );
    // EENTER starts at OENTRY; an ERESUME re-executes the instruction that faulted, which is that
    // first fetch if the AEX happened there (its retry sets the PTE's Accessed bit, as on hardware).
    return newDrive(
      lp,
      encl,
      tcsOffset,
      work,
      base,
      resume ? "ERESUME" : "EENTER",
      !resume || this.atEntry.has(tcs),
      stay,
    );
  }

  /** `run`: the thread inside on this CPU runs another call and stays inside unless it faults. */
  run(lp: LogicalProcessor, call: EnclaveCall): CallReport {
    const th = this.threads[lp.id] as Thread;
    if (this.k.cpu.log.on)
      this.k.ev(
        "vdso",
        `The thread inside on CPU ${lp.id} (TCS ${this.k.label(th.tcs)}) runs ${describeCall(this.k, th.encl, call)}.`,
        "scenario: run",
        { basis: "model", basis_ref: "engine/MODEL.md: Many CPUs" },
      );
    return this.drive(newDrive(lp, th.encl, th.tcsOffset, call, th.base, "inside", false, true), false);
  }

  /** `EEXIT`: the thread inside on this CPU leaves; the vDSO returns 0. */
  eexit(lp: LogicalProcessor): CallReport {
    const th = this.threads[lp.id] as Thread;
    this.threads[lp.id] = undefined;
    this.interrupted.delete(th.tcs);
    EEXIT(this.k.cpu, lp);
    if (this.k.cpu.log.on)
      this.k.ev("vdso", "EEXIT: the vDSO sets run.function = EEXIT and returns 0.", VSGX, {
        basis: "kernel",
      });
    return { run: { function: "EEXIT", vector: 0, code: 0, addr: 0 } };
  }

  /**
   * An interrupt arrives on a CPU. A thread inside takes an AEX (SSA frame, CSSA+1, TLB flushed);
   * the kernel handles the interrupt and returns to the AEP, where the vDSO's ENCLU runs ERESUME.
   * The ERESUME runs at once when it can; when it cannot yet (its TCS or SSA page is being
   * reclaimed), the CPU waits and ERESUMEs at the end of the step (resumeWaiting()).
   */
  interrupt(cpu: number, why: string): boolean {
    const k = this.k;
    const lp = k.cpu.lps[cpu];
    const th = this.threads[cpu];
    if (!lp || lp.secs === NONE || !th) return false;
    const log = k.cpu.log;
    const was = log.cpu;
    const wasOn = log.on;
    // Always shown, even inside a summarized batch: a thread leaving and re-entering is rare and
    // is what the trace's readers (and the CPU lanes) follow.
    log.on = true;
    log.cpu = cpu;
    if (log.on)
      k.ev("kernel", `CPU ${cpu} is interrupted by ${why}.`, "arch/x86: interrupt entry", {
        basis: "model",
        basis_ref: "engine/MODEL.md: Many CPUs",
      });
    AEX(k.cpu, lp, null);
    if (log.on)
      k.ev(
        "kernel",
        "The kernel handles the interrupt and returns to user space at the AEP; the vDSO's ENCLU there runs ERESUME.",
        "vsgx.S: .Lasync_exit_pointer",
        { basis: "kernel" },
      );
    if (!this.eresume(lp, th, false)) this.waiting.push(cpu);
    log.cpu = was;
    log.on = wasOn;
    return true;
  }

  /** End of a step: every CPU still held at its AEP ERESUMEs now. */
  resumeWaiting(): void {
    const k = this.k;
    while (this.waiting.length > 0) {
      const cpu = this.waiting.shift() as number;
      const th = this.threads[cpu];
      const lp = k.cpu.lps[cpu];
      if (!th || lp.secs !== NONE) continue;
      const was = k.cpu.log.cpu;
      const wasOn = k.cpu.log.on;
      k.cpu.log.on = true;
      k.cpu.log.cpu = cpu;
      this.eresume(lp, th, true);
      k.cpu.log.cpu = was;
      k.cpu.log.on = wasOn;
    }
  }

  /**
   * ERESUME at the AEP after an interrupt. Returns false when it must wait (not final). When final
   * and the ERESUME's fault cannot be fixed, the thread is out: the vDSO returns to its caller.
   */
  private eresume(lp: LogicalProcessor, th: Thread, final: boolean): boolean {
    const k = this.k;
    for (let retries = 0; ; retries++) {
      const e = enterEnclave(k.cpu, lp, th.tcs, k.mm, true);
      if (!isFault(e)) {
        if (k.cpu.log.on)
          k.ev("vdso", `CPU ${lp.id}: the thread is inside again; user space saw nothing.`, VSGX, {
            basis: "kernel",
          });
        return true;
      }
      const r = e.vector === VEC_PF && retries < MAX_RETRIES ? handlePageFault(k, e.addr, e.code) : "SIGBUS";
      if (r === "NOPAGE") continue;
      if (r === "BUSY" && final) {
        runKsgxd(k);
        continue;
      }
      if (!final && (r === "BUSY" || r === "WAIT" || e.raisedBy === "leaf")) {
        if (k.cpu.log.on)
          k.ev(
            "kernel",
            `CPU ${lp.id} cannot ERESUME yet; it retries once the kernel code running now is done.`,
            "vsgx.S / encl.c: sgx_vma_fault()",
            { basis: "model", basis_ref: "engine/MODEL.md: Many CPUs" },
          );
        return false;
      }
      this.threads[lp.id] = undefined;
      this.report("ERESUME", e, false);
      return true;
    }
  }

  /**
   * Run the thread `d` describes: enter first ("EENTER"/"ERESUME") or not ("inside": a thread that
   * stayed). Faults AEX; the kernel may fix them and the AEP's ERESUME retries; unfixable ones are
   * reported and the vDSO returns. Without `stay` a completed call EEXITs. With `locks` (a race)
   * a fault's locked part is not run: the fault is returned pending, for driveSteps() to run it
   * between its lock boundaries and call drive() again.
   */
  private drive(d: Drive, locks: false): CallReport;
  private drive(d: Drive, locks: true): CallReport | FaultPending;
  private drive(d: Drive, locks: boolean): CallReport | FaultPending {
    const k = this.k;
    const { lp, encl, work, base } = d;
    const tcs = encl.base + d.tcsOffset;
    for (;;) {
      if (d.enter) {
        // ENCLU[EENTER] / ENCLU[ERESUME] at the vDSO's ENCLU instruction.
        const e = enterEnclave(k.cpu, lp, tcs, k.mm, d.resume);
        if (isFault(e)) {
          // A fault on ENCLU itself: no AEX (the thread never got in); the kernel may fix it and the vDSO's ENCLU runs again.
          const next = this.afterFault(d, e, d.resume ? "ERESUME" : "EENTER", this.faultStart(e), locks);
          if (next === AGAIN) continue;
          return next;
        }
      }
      d.enter = true;
      if (d.fetchEntry) {
        // The thread starts at OENTRY: fetch its first instruction (the text page must be present and executable).
        // OENTRY is an offset from the entered enclave's own base (SECS.BASEADDR).
        const secsBase = k.cpu.epc.secs.get(lp.secs)?.baseaddr ?? encl.base;
        const entry = secsBase + k.cpu.epc.readNumber(lp.tcs, TCS_OENTRY);
        const f = enclaveAccess(k.cpu, lp, entry, "fetch", k.mm);
        if (isFault(f)) {
          this.logFault(f, "fetching the first instruction at OENTRY");
          this.atEntry.set(tcs, true);
          const next = this.afterFault(
            d,
            f,
            "ERESUME",
            this.aex(lp, f, tcs, work as EnclaveCall, base),
            locks,
          );
          if (next === AGAIN) continue;
          return next;
        }
        this.atEntry.delete(tcs);
        d.fetchEntry = false;
      }
      if (!work) {
        // ERESUME with no interrupted call recorded: the resumed thread simply finishes and exits (or stays).
        if (d.stay) return this.stayInside(lp, encl, d.tcsOffset, base, {});
        EEXIT(k.cpu, lp);
        return { run: { function: "EEXIT", vector: 0, code: 0, addr: 0 } };
      }
      const r = this.exec(lp, base, work);
      if (isFault(r.out)) {
        // The text is built only for the log (every EACCEPT-driven EAUG passes here).
        if (k.cpu.log.on) this.logFault(r.out, `running ${work.call}`);
        const next = this.afterFault(d, r.out, "ERESUME", this.aex(lp, r.out, tcs, work, base), locks);
        if (next === AGAIN) continue;
        return next;
      }
      this.interrupted.delete(tcs);
      if (d.stay) return this.stayInside(lp, encl, d.tcsOffset, base, r);
      EEXIT(k.cpu, lp);
      const rep = eexitReport(r);
      if (k.cpu.log.on)
        k.ev(
          "vdso",
          `EEXIT: the vDSO sets run.function = EEXIT and returns 0${r.rax !== undefined ? `; the enclave saw RAX = ${sgxCodeName(r.rax)}` : ""}${r.value !== undefined ? `; it read ${hex(r.value)}` : ""}.`,
          VSGX,
          // The selftests assert this report on hardware (EXPECT_EEXIT: run.function == EEXIT, and
          // ENCL_CALL() returning 0); what the enclave saw or read depends on the scenario.
          r.rax === undefined && r.value === undefined ? { basis: "hardware", basis_ref: EEXIT_REPORT } : {},
        );
      return rep;
    }
  }

  /** drive() in a race: a fault's locked part runs between two lock boundaries (kernel/locks.ts). */
  private *driveSteps(d: Drive): Generator<string, CallReport> {
    for (;;) {
      const r = this.drive(d, true);
      if (!("eaug" in r)) return r;
      yield faultLockBoundary(r.eaug);
      const fix = faultLocked(this.k, r);
      yield faultUnlockBoundary(r.eaug, fix);
      const next = this.settle(d, d.fault as Fault, d.fn, fix);
      if (next !== AGAIN) return next;
    }
  }

  /**
   * The kernel has started on a fault (faultStart()): run its locked part, unless in a race (then
   * the fault is left pending in `d`), and settle what the vDSO does next.
   */
  private afterFault(
    d: Drive,
    f: Fault,
    fn: "EENTER" | "ERESUME",
    fix: FaultResult | FaultPending,
    locks: boolean,
  ): CallReport | FaultPending | typeof AGAIN {
    if (typeof fix !== "string") {
      if (locks) {
        d.fault = f;
        d.fn = fn;
        return fix;
      }
      fix = faultLocked(this.k, fix);
    }
    return this.settle(d, f, fn, fix);
  }

  /**
   * A fixed fault is retried: ENCLU runs again (the AEP's ERESUME after an AEX, the same leaf after
   * a fault on ENCLU itself); anything else, or too many retries, is reported to the caller as a
   * run of `fn`.
   */
  private settle(d: Drive, f: Fault, fn: "EENTER" | "ERESUME", fix: FaultResult): CallReport | typeof AGAIN {
    if (this.fixed(fix) && ++d.retries <= MAX_RETRIES) {
      if (fn === "ERESUME") d.resume = true;
      return AGAIN;
    }
    this.threads[d.lp.id] = undefined;
    return this.report(fn, f, d.retries > MAX_RETRIES);
  }

  private stayInside(
    lp: LogicalProcessor,
    encl: Encl,
    tcsOffset: number,
    base: number,
    r: { rax?: number; value?: bigint },
  ): CallReport {
    const k = this.k;
    this.threads[lp.id] = { encl, tcsOffset, tcs: encl.base + tcsOffset, base };
    const rep = eexitReport(r, true);
    if (k.cpu.log.on)
      k.ev(
        "vdso",
        `The thread stays inside the enclave on CPU ${lp.id}${r.rax !== undefined ? ` (RAX = ${sgxCodeName(r.rax)})` : ""}${r.value !== undefined ? ` (it read ${hex(r.value)})` : ""}: the vDSO has not returned.`,
        "scenario: stay",
        { basis: "model", basis_ref: "engine/MODEL.md: Many CPUs" },
      );
    return rep;
  }

  /** An AEX, then the kernel's fault handling up to encl->lock (faultStart()). */
  private aex(
    lp: LogicalProcessor,
    f: Fault,
    tcs: number,
    work: EnclaveCall,
    base: number,
  ): FaultResult | FaultPending {
    this.interrupted.set(tcs, work, base);
    AEX(this.k.cpu, lp, f);
    return this.faultStart(f);
  }

  /**
   * The kernel's #PF handler up to taking encl->lock (encl.c: sgx_vma_fault()); anything but a
   * #PF is not the kernel's to fix. The locked part follows in afterFault() or, in a race, driveSteps(), between two
   * lock boundaries (kernel/locks.ts), so a race can interleave it. Plain functions here, one
   * generator per entry: every EACCEPT-driven EAUG passes this way.
   */
  private faultStart(f: Fault): FaultResult | FaultPending {
    return f.vector === VEC_PF ? sgxVmaFault(this.k, f.addr, f.code) : "BAD_AREA";
  }

  /** Did the handler fix the fault (the access is retried)? BUSY lets ksgxd reclaim first. */
  private fixed(r: FaultResult): boolean {
    if (r === "BUSY") {
      runKsgxd(this.k);
      return true;
    }
    return r === "NOPAGE" || r === "WAIT";
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
      ...enclaveFaultBasis(f.vector, f.code),
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
        `The exception is reported to the caller: run.function = ${fn}, exception_vector = ${f.vector}, exception_error_code = ${hex(f.code)}${addr ? `, exception_addr = ${k.label(addr)}` : ""}; the vDSO returns 0.`,
        "extable.c: fixup_vdso_exception() / vsgx.S",
        reportedBasis(k, f),
      );
    return { run: { function: fn, vector: f.vector, code: f.code, addr }, ...(stalled ? { stalled } : {}) };
  }

  /**
   * An enclave data access at `addr`: the EPC page it reaches, or the call's outcome when it
   * faulted or fell on the abort page (outside ELRANGE on EPC memory: writes are dropped,
   * reads return all ones; SDM §38.1).
   */
  private dataAccess(
    lp: LogicalProcessor,
    addr: number,
    kind: "read" | "write",
  ): number | { out: Outcome; value?: bigint } {
    const k = this.k;
    const t = enclaveAccess(k.cpu, lp, addr, kind, k.mm);
    if (isFault(t)) return { out: t };
    if (t !== ABORT_PAGE) return t;
    if (k.cpu.log.on)
      k.ev(
        "access",
        kind === "write"
          ? `The write to ${k.label(addr)} is outside ELRANGE and lands on EPC memory: dropped (abort page).`
          : `The read of ${k.label(addr)} is outside ELRANGE and lands on EPC memory: all ones (abort page).`,
        "SDM §38.1: non-enclave access to EPC",
      );
    return kind === "write" ? { out: 0 } : { out: 0, value: 0xffffffffffffffffn };
  }

  /** Execute the call inside the enclave. */
  private exec(
    lp: LogicalProcessor,
    base: number,
    c: EnclaveCall,
  ): { out: Outcome; rax?: number; value?: bigint } {
    const k = this.k;
    const { cpu, mm } = k;
    switch (c.call) {
      case "nop":
        return DONE;
      case "write": {
        const t = this.dataAccess(lp, base + c.addr, "write");
        if (typeof t !== "number") return t;
        cpu.epc.writeWord(t, (c.addr % 4096) - (c.addr % 8), c.value);
        if (k.cpu.log.on)
          k.ev(
            "access",
            `The enclave writes ${hex(c.value)} to ${k.label(base + c.addr)} (EPC page ${t}).`,
            "SDM: EPCM access check",
            { epc: t },
          );
        return DONE;
      }
      case "read": {
        const t = this.dataAccess(lp, base + c.addr, "read");
        if (typeof t !== "number") return t;
        const value = cpu.epc.readWord(t, (c.addr % 4096) - (c.addr % 8));
        if (k.cpu.log.on)
          k.ev(
            "access",
            `The enclave reads ${hex(value)} from ${k.label(base + c.addr)} (EPC page ${t}).`,
            "SDM: EPCM access check",
            { epc: t },
          );
        return { out: 0, value };
      }
      case "exec": {
        const t = enclaveAccess(cpu, lp, base + c.addr, "fetch", mm);
        if (isFault(t)) return { out: t };
        if (k.cpu.log.on)
          k.ev(
            "access",
            `The enclave executes code at ${k.label(base + c.addr)}.`,
            "SDM: EPCM access check",
            { epc: t },
          );
        return DONE;
      }
      case "init_tcs": {
        // ENCL_OP_INIT_TCS_PAGE: plain stores of a TCS image into a REG page (the page must be writable).
        const t = enclaveAccess(cpu, lp, base + c.addr, "write", mm);
        if (isFault(t)) return { out: t };
        if (t === ABORT_PAGE) return DONE; // outside ELRANGE on EPC memory: the stores are dropped
        cpu.epc.zeroPage(t);
        cpu.epc.writeWord(t, TCS_OSSA, BigInt(c.ssa));
        cpu.epc.writeWord(t, TCS_CSSA_NSSA, 1n << 32n);
        cpu.epc.writeWord(t, TCS_OENTRY, BigInt(c.entry));
        cpu.epc.writeWord(t, TCS_FSGSLIMIT, 0xffffffffffffffffn);
        if (k.cpu.log.on)
          k.ev(
            "access",
            `The enclave writes a TCS image (OSSA ${hex(c.ssa)}, NSSA 1, OENTRY ${hex(c.entry)}) into the REG page ${k.label(base + c.addr)}.`,
            "selftests: encl_init_tcs_page()",
            // The selftest enclave's own code (tools/testing/selftests/sgx/test_encl.c) states it.
            { epc: t, basis: "kernel" },
          );
        return DONE;
      }
      case "EACCEPT": {
        const out = EACCEPT(cpu, lp, c.secinfo, base + c.addr, mm);
        return isFault(out) ? { out } : returned(out);
      }
      case "EACCEPTCOPY": {
        const out = EACCEPTCOPY(cpu, lp, c.secinfo, base + c.addr, base + c.src, mm);
        return isFault(out) ? { out } : returned(out);
      }
      case "EMODPE": {
        const out = EMODPE(cpu, lp, c.secinfo, base + c.addr, mm);
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

const EEXIT_REPORT =
  "selftests/sgx/main.c: EXPECT_EEXIT() asserts run.function == EEXIT after ENCL_CALL() returned 0";

/**
 * The basis of "the vDSO reports this exception": the reporting is the kernel's code; the error
 * code is as strong as the fault event that produced it (hardware-observed or the model's
 * inference), so a hardware or model basis of that fault carries over.
 */
function reportedBasis(k: Kernel, f: Fault): Provenance {
  if (f.vector === VEC_PF) {
    const hw = HARDWARE_PF_CODES.get(f.code);
    if (hw) return { basis: "hardware", basis_ref: hw };
  }
  const events = k.cpu.log.events;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.kind !== "fault") continue;
    if (e.basis === "model") return { basis: "model", basis_ref: e.basis_ref };
    break;
  }
  return { basis: "kernel" };
}

/** What exec() answers for a call that completed: shared, frozen objects (one entry per page runs millions). */
const DONE: { out: Outcome } = Object.freeze({ out: 0 });
const RETURNED = new Map<number, { out: Outcome; rax: number }>();

/** A completed ENCLU leaf's call with its RAX. */
function returned(rax: number): { out: Outcome; rax: number } {
  let r = RETURNED.get(rax);
  if (!r) {
    r = Object.freeze({ out: 0, rax });
    RETURNED.set(rax, r);
  }
  return r;
}

/** run.function = EEXIT, no exception: one frozen object for every entry that ends so. */
const EEXIT_RUN: RunReport = Object.freeze({ function: "EEXIT", vector: 0, code: 0, addr: 0 });

/** The report of a call that ended in EEXIT: run.function = EEXIT, with what the enclave saw or read. */
function eexitReport(r: { rax?: number; value?: bigint }, stayed = false): CallReport {
  if (r.value !== undefined) return newEexitReport(r, stayed);
  // Without a value read, one frozen report per RAX (and stayed) serves every entry.
  const key = (r.rax ?? -1) * 2 + (stayed ? 1 : 0);
  let rep = EEXIT_REPORTS.get(key);
  if (!rep) {
    rep = Object.freeze(newEexitReport(r, stayed));
    EEXIT_REPORTS.set(key, rep);
  }
  return rep;
}

const EEXIT_REPORTS = new Map<number, CallReport>();

function newEexitReport(r: { rax?: number; value?: bigint }, stayed: boolean): CallReport {
  const rep: CallReport = { run: EEXIT_RUN };
  if (stayed) rep.stayed = true;
  if (r.rax !== undefined) rep.ret = r.rax;
  if (r.value !== undefined) rep.value = r.value;
  return rep;
}
