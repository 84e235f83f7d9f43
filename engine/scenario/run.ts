// The scenario runner: executes a validated scenario step by step against the kernel model and
// records the trace (docs/scenario-format.md, Trace). Deterministic: the
// same scenario always gives the same trace.

import { MODEL_REF } from "../arch/basis.ts";
import { sgxCodeName } from "../arch/constants.ts";
import { grown, NONE } from "../arch/epc.ts";
import { reviewOf } from "../kernel/checks.ts";
import type { Encl } from "../kernel/encl.ts";
import {
  ioctlAddPages,
  ioctlCreate,
  ioctlInit,
  ioctlModifyTypes,
  ioctlProvision,
  ioctlRemovePages,
  ioctlRestrictPermissions,
  type SyscallResult,
  sgx2IoctlSteps,
} from "../kernel/ioctl.ts";
import { Kernel } from "../kernel/kernel.ts";
import { drain, settled } from "../kernel/locks.ts";
import { reclaimOp, runKsgxd } from "../kernel/main.ts";
import { KernelOops } from "../kernel/oops.ts";
import { sysClose, sysMmap, sysMprotect, sysMunmap } from "../kernel/syscalls.ts";
import { userAccessSteps } from "../kernel/uaccess.ts";
import { type CallReport, Vdso } from "../kernel/vdso.ts";
import { KernelConfig } from "../kernel/versions.ts";
import {
  E_VALID,
  epcmFlagFields,
  PAGE_TYPE_NAMES,
  PT_SECS,
  PT_VA,
  permsText,
  SECINFO_PT_MASK,
} from "../vocabulary/epcm.ts";
import { hex } from "../vocabulary/hex.ts";
import { EventDiffRecorder, type EventDiffs } from "./event-diffs.ts";
import { checkExpectation } from "./expect.ts";
import { mmapFlagsToString, permissionsToString, protToString, secinfoFlagsToString } from "./names.ts";
import { runRace } from "./race.ts";
import { threadJson, userAccess } from "./threads.ts";
import type { EpcmEntryJson, KernelPageJson, Trace, TraceEvent, TraceStep } from "./trace-types.ts";
import { DEFAULT_CPUS, type EnclaveCall, type IoctlArg, type Scenario, type Step } from "./types.ts";

/**
 * A step the scenario itself got wrong at run time (contract, "Threads": a CPU with a thread
 * inside runs only run, EEXIT and interrupt; run/EEXIT need a thread inside; EENTER on a TCS a
 * thread is using). The run stops at that step, as for a validation error.
 */
export class ScenarioError extends Error {
  readonly index: number;
  constructor(index: number, message: string) {
    super(`steps[${index}]: ${message}`);
    this.index = index;
  }
}

/** Default enclave bases start here (docs/scenario-format.md, Driver calls: SGX_IOC_ENCLAVE_CREATE). */
export const DEFAULT_BASE = 0x7f0000000000;

/**
 * Bases are chosen before the run, in the order of the scenario's CREATE steps: an explicit
 * `base`, else the lowest multiple of `size` at or above 0x7f0000000000 whose range overlaps no
 * enclave placed before. Mappings made before CREATE use the same base.
 */
function planBases(s: Scenario): Map<string, number> {
  const bases = new Map<string, number>();
  const ranges: Array<[number, number]> = [];
  for (const step of s.steps) {
    if (step.op !== "ioctl" || step.arg.cmd !== "SGX_IOC_ENCLAVE_CREATE" || bases.has(step.enclave)) continue;
    const size = step.arg.size;
    let base = step.arg.base;
    if (base === undefined) {
      const align = size > 0 ? size : 4096;
      base = Math.ceil(DEFAULT_BASE / align) * align;
      while (ranges.some(([a, b]) => (base as number) < b && a < (base as number) + Math.max(size, 1)))
        base += align;
    }
    bases.set(step.enclave, base);
    ranges.push([base, base + Math.max(size, 1)]);
  }
  return bases;
}

/**
 * The EPCM entries one step changed, as they were after the step, in compact columns (a step
 * that EAUGs millions of pages stays affordable; JSON is built only when asked for).
 */
export interface StepDiff {
  epc: Int32Array;
  /** EPCM flag byte (epc.ts E_* bits, VALID included). */
  flags: Uint8Array;
  pt: Uint8Array;
  /** Owning enclave's index in kernel.enclaves, -1 for none. */
  encl: Int32Array;
  /** Offset in the enclave, -1 for SECS and VA pages and free pages. */
  offset: Float64Array;
}

/** Entries an event's `epcm` list shows; the rest are counted in `epcm_more` (contract, "Trace"). */
const EVENT_EPCM_LISTED = 64;

export interface SimulationOptions {
  /** Build each TraceStep's `epcm` JSON as the step runs (default true; the worker and benchmarks keep diffs only). */
  materialize?: boolean;
  /**
   * Keep every entry each event changed (`eventDiffs`, the session's per-event views; default
   * true). The CLI writes only the trace, whose events list their first entries either way.
   */
  eventDiffs?: boolean;
}

export class Simulation {
  readonly scenario: Scenario;
  readonly diffs: StepDiff[] = [];
  /** Per step: every EPCM entry each of its events changed, uncapped (parallel to `diffs`). */
  readonly eventDiffs: EventDiffs[] = [];
  private eventRec = new EventDiffRecorder();
  private readonly materialize: boolean;
  private readonly keepEventDiffs: boolean;
  readonly kernel: Kernel;
  private readonly vdso: Vdso;
  private readonly bases: Map<string, number>;
  /** EPC pages changed during the current step (deduplicated by a per-page stamp). */
  private stamp: Uint32Array;
  private dirty = new Int32Array(64);
  private dirtyN = 0;
  /** Events are numbered so eventStamp adds each changed page to the event recorder once. */
  private eventSeq = 1;
  private eventStamp: Uint32Array;
  /** Called every 1024 entries of a repeated step (done, total): long runs report progress. */
  onEntries: (done: number, total: number) => void = () => {};
  private stepNo = 0;
  readonly steps: TraceStep[] = [];

  constructor(scenario: Scenario, options: SimulationOptions = {}) {
    this.scenario = scenario;
    this.materialize = options.materialize ?? true;
    this.keepEventDiffs = options.eventDiffs ?? true;
    this.kernel = new Kernel(
      scenario.machine.epcPages,
      scenario.machine.sgx2,
      scenario.machine.cpus ?? DEFAULT_CPUS,
      new KernelConfig(scenario.machine.kernel, scenario.machine.mutate),
    );
    this.vdso = new Vdso(this.kernel);
    this.bases = planBases(scenario);
    // Sized like the EPC's columns and grown with them (arch/epc.ts).
    this.stamp = new Uint32Array(this.kernel.cpu.epc.capacity);
    this.eventStamp = new Uint32Array(this.kernel.cpu.epc.capacity);
    this.bind();
  }

  /** Route the model's change and event hooks to this simulation. */
  private bind(): void {
    this.kernel.cpu.log.onPush = (e) => this.attachDelta(e);
    this.kernel.cpu.epc.onChange = (epc) => {
      if (epc >= this.stamp.length) {
        const cap = this.kernel.cpu.epc.capacity;
        this.stamp = grown(this.stamp, cap);
        this.eventStamp = grown(this.eventStamp, cap);
      }
      if (this.eventStamp[epc] !== this.eventSeq) {
        this.eventStamp[epc] = this.eventSeq;
        this.eventRec.add(epc);
      }
      if (this.stamp[epc] !== this.stepNo + 1) {
        this.stamp[epc] = this.stepNo + 1;
        if (this.dirtyN === this.dirty.length) this.dirty = grown(this.dirty, 2 * this.dirtyN);
        this.dirty[this.dirtyN++] = epc;
      }
    };
  }

  /**
   * A deep copy of the run so far (a checkpoint): stepping the copy never affects this one. The
   * steps already traced are shared (they are not modified afterwards).
   */
  clone(): Simulation {
    const c = Object.create(Simulation.prototype) as Simulation;
    const kernel = this.kernel.clone();
    Object.assign(c, {
      ...this,
      kernel,
      vdso: this.vdso.clone(kernel),
      stamp: this.stamp.slice(),
      eventStamp: this.eventStamp.slice(),
      dirty: new Int32Array(64),
      dirtyN: 0,
      eventRec: new EventDiffRecorder(),
      diffs: [...this.diffs],
      eventDiffs: [...this.eventDiffs],
      steps: [...this.steps],
      threadSteps: [...this.threadSteps],
      onEntries: () => {},
    });
    c.bind();
    return c;
  }

  get done(): boolean {
    return this.stepNo >= this.scenario.steps.length || this.error !== undefined || this.oopsAt !== undefined;
  }

  /** The step on which the kernel oopsed (KernelOops): the run ended there. */
  oopsAt: number | undefined;

  /** Set when a step misused a CPU (ScenarioError): the run stopped there. */
  error: string | undefined;

  /** The threads inside, per trace step (recorded only once a thread has stayed inside). */
  readonly threadSteps: Array<ReturnType<typeof threadJson>[] | undefined> = [];

  /** The threads inside now (final.threads; the session's per-step CPU view). */
  threadsNow(): ReturnType<typeof threadJson>[] {
    const out: ReturnType<typeof threadJson>[] = [];
    this.vdso.threads.forEach((t, cpu) => {
      if (t) out.push(threadJson(this.kernel, t, cpu));
    });
    return out;
  }

  /** Refuse a step that misuses a CPU (contract, "Threads"). */
  private checkCpu(step: Step, index: number, cpu: number): void {
    const th = this.vdso.threadOn(cpu);
    const err = (m: string): never => {
      const e = new ScenarioError(index, m);
      this.error = e.message;
      throw e;
    };
    const inside = th !== undefined;
    if (inside && step.op !== "run" && step.op !== "EEXIT" && step.op !== "interrupt")
      err(
        `CPU ${cpu} has a thread inside ${th.encl.name} (TCS ${hex(th.tcsOffset)}): it runs only run, EEXIT and interrupt until the thread leaves, not ${step.op}`,
      );
    if (!inside && (step.op === "run" || step.op === "EEXIT"))
      err(`${step.op} needs a thread inside the enclave on CPU ${cpu}, and there is none`);
    if (step.op === "EENTER" || step.op === "ERESUME") {
      this.vdso.threads.forEach((t, c) => {
        if (t && t.encl.name === step.enclave && t.tcsOffset === step.tcs)
          err(
            `${step.op} on TCS ${hex(step.tcs)} of ${step.enclave}, which the thread inside on CPU ${c} is using`,
          );
      });
    }
  }

  /** The expectation's unmet parts against a trace step (docs/scenario-format.md, Expectations). */
  private unmetOf(expect: NonNullable<Step["expect"]>, out: TraceStep, encl: Encl): string[] {
    return checkExpectation(expect, out as unknown as Record<string, unknown>, (offset) => {
      const p = encl.pages.get(Math.floor(offset / 4096));
      return p && p.epc !== NONE ? this.entryJson(p.epc) : undefined;
    });
  }

  /** Run the next step and return its trace step. */
  step(): TraceStep {
    const index = this.stepNo;
    const step = this.scenario.steps[index];
    const k = this.kernel;
    // A list that grew for a huge step is not kept for the small ones after it.
    if (this.dirty.length > 4096) this.dirty = new Int32Array(64);
    this.dirtyN = 0;
    this.eventSeq++;
    this.eventRec.finish();
    k.cpu.log.on = true;
    const cpu = step.cpu ?? 0;
    if (step.op !== "race") this.checkCpu(step, index, cpu);
    k.cpu.log.cpu = cpu;
    // mm_cpumask(): the CPU now runs this process.
    if (!k.ranOn.includes(cpu)) k.ranOn.push(cpu);
    const encl = k.enclave(step.enclave, this.bases.get(step.enclave) ?? DEFAULT_BASE);
    const out: TraceStep = {
      index,
      enclave: step.enclave,
      cpu,
      op: opJson(step),
      ret: 0,
      events: [],
      epcm: [],
    };
    if (step.note !== undefined) out.note = step.note;
    try {
      this.execute(step, encl, out);
    } catch (e) {
      // docs/scenario-format.md, Kernel bugs that crash: the step reports the oops, the run ends.
      if (!(e instanceof KernelOops)) throw e;
      out.oops = { function: e.fn, text: e.text };
      this.oopsAt = index;
    }
    if (this.oopsAt === undefined) {
      if (k.ksgxdWoken) runKsgxd(k);
      this.vdso.resumeWaiting();
    }
    const th = this.vdso.threadOn(cpu);
    if (th) out.thread = { enclave: th.encl.name, tcs: hex(th.tcsOffset), cpu, state: "inside" };
    if (this.threadSteps.length > 0 || this.vdso.threads.some((t) => t)) {
      while (this.threadSteps.length < index) this.threadSteps.push(undefined);
      this.threadSteps.push(this.threadsNow());
    }
    out.events = k.cpu.log.take();
    const diff = this.diffOf(this.dirty.subarray(0, this.dirtyN).sort());
    this.diffs.push(diff);
    this.eventDiffs.push(this.eventRec.finish());
    if (this.materialize) out.epcm = this.diffEntries(diff);
    if (step.expect) {
      const unmet = this.unmetOf(step.expect, out, encl);
      if (unmet.length > 0) out.unmet = [...(out.unmet ?? []), ...unmet];
    }
    this.steps.push(out);
    this.stepNo++;
    return out;
  }

  private ioctl(a: Exclude<IoctlArg, { cmd: "unknown" }>, encl: Encl): SyscallResult {
    const k = this.kernel;
    switch (a.cmd) {
      case "SGX_IOC_ENCLAVE_CREATE":
        return ioctlCreate(k, encl, a);
      case "SGX_IOC_ENCLAVE_ADD_PAGES":
        return ioctlAddPages(k, encl, a);
      case "SGX_IOC_ENCLAVE_INIT":
        return ioctlInit(k, encl, a);
      case "SGX_IOC_ENCLAVE_PROVISION":
        return ioctlProvision(k, encl);
      case "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS":
        return ioctlRestrictPermissions(k, encl, a);
      case "SGX_IOC_ENCLAVE_MODIFY_TYPES":
        return ioctlModifyTypes(k, encl, a);
      case "SGX_IOC_ENCLAVE_REMOVE_PAGES":
        return ioctlRemovePages(k, encl, a);
    }
  }

  /** docs/scenario-format.md, Races: explicit interleavings (race.ts). */
  private race(step: Step & { op: "race" }, out: TraceStep): undefined {
    const index = this.stepNo;
    runRace(
      {
        kernel: this.kernel,
        enclaveOf: (s) => this.kernel.enclave(s.enclave, this.bases.get(s.enclave) ?? DEFAULT_BASE),
        checkCpu: (s, cpu) => this.checkCpu(s, index, cpu),
        opJson,
        unmetOf: (s, sub, encl) => (s.expect ? this.unmetOf(s.expect, sub, encl) : []),
        participant: (s, encl, sub) => this.participant(s, encl, sub),
      },
      step,
      out,
    );
    return undefined;
  }

  /**
   * An ioctl step: ioctl.c: sgx_ioctl() and the command's handler. The SGX2 range ioctls yield at
   * their lock boundaries (kernel/locks.ts), so a race can interleave them; the others run in one
   * turn.
   */
  private *ioctlSteps(
    step: Step & { op: "ioctl" },
    encl: Encl,
    out: TraceStep,
  ): Generator<string, undefined> {
    const k = this.kernel;
    const a = step.arg;
    const put = (r: SyscallResult): undefined => {
      out.ret = r.ret;
      if (r.errno) out.errno = r.errno;
      if (r.arg) out.arg = r.arg;
      return undefined;
    };
    k.ev(
      "syscall",
      `ioctl(${step.enclave}'s fd, ${a.cmd === "unknown" ? a.name : a.cmd}).`,
      "ioctl.c: sgx_ioctl()",
    );
    if (encl.released) {
      k.ev("kernel", "The enclave's fd was closed.", "fs: fdget()", { result: "EBADF" });
      return put({ ret: -1, errno: "EBADF" });
    }
    if (encl.ioctlRunning) {
      if (!k.config.noIoctlBusy) {
        k.ev(
          "kernel",
          "Another ioctl on this enclave is still running: test_and_set_bit(SGX_ENCL_IOCTL) finds the bit set, -EBUSY.",
          "ioctl.c: sgx_ioctl()",
          { result: "EBUSY" },
        );
        return put({ ret: -1, errno: "EBUSY" });
      }
      // What-if "no-ioctl-busy" (docs/scenario-format.md, Kernel versions and what-ifs).
      k.ev(
        "kernel",
        "What-if no-ioctl-busy: another ioctl on this enclave is still running and this one goes ahead anyway.",
        "ioctl.c: sgx_ioctl()",
      );
    }
    if (a.cmd === "unknown") {
      k.ev(
        "kernel",
        `Unknown command ${a.name}: -ENOIOCTLCMD, which user space sees as ENOTTY.`,
        "ioctl.c: sgx_ioctl()",
        { result: "ENOTTY" },
      );
      return put({ ret: -1, errno: "ENOTTY" });
    }
    // test_and_set_bit(SGX_ENCL_IOCTL) ... clear_bit(SGX_ENCL_IOCTL): one ioctl per enclave at a time.
    const outer = encl.ioctlRunning;
    encl.ioctlRunning = true;
    // Reviewer mode: the ioctl records the checks it makes (kernel/checks.ts). In a race the
    // other steps run between this one's turns, so its record is put in place for each turn.
    const review: NonNullable<Kernel["review"]> = { passed: [], decided: null };
    const g: Generator<string, SyscallResult> =
      a.cmd === "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS" ||
      a.cmd === "SGX_IOC_ENCLAVE_MODIFY_TYPES" ||
      a.cmd === "SGX_IOC_ENCLAVE_REMOVE_PAGES"
        ? sgx2IoctlSteps(k, encl, a, a.cmd)
        : settled(() => this.ioctl(a, encl));
    try {
      for (;;) {
        const saved = k.review;
        k.review = review;
        let r: IteratorResult<string, SyscallResult>;
        try {
          r = g.next();
        } finally {
          k.review = saved;
        }
        if (r.done) {
          out.review = reviewOf(a.cmd, review.passed, review.decided, k.config.version);
          return put(r.value);
        }
        yield r.value;
      }
    } finally {
      encl.ioctlRunning = outer;
    }
  }

  /** A listed step of a race as a generator (scenario/race.ts): access, ioctl, EENTER and ERESUME steps. */
  private *participant(step: Step, encl: Encl, out: TraceStep): Generator<string, void> {
    const k = this.kernel;
    if (step.op === "ioctl") {
      yield* this.ioctlSteps(step, encl, out);
      return;
    }
    if (step.op === "EENTER" || step.op === "ERESUME") {
      // One entry (race-parse.ts refuses `pages` and `stay` here); its faults yield at the fault
      // path's lock boundaries while the thread is out of the enclave after its AEX.
      if (encl.released || !encl.created)
        k.ev(
          "kernel",
          `${step.enclave} has no ${encl.released ? "mappings left" : "enclave yet"}.`,
          "vsgx.S",
        );
      const call = step.op === "EENTER" ? step.call : undefined;
      const report = yield* this.vdso.enterSteps(encl, step.tcs, call, k.cpu.lps[step.cpu ?? 0]);
      this.report(report, encl, out);
      return;
    }
    if (step.op !== "access") throw new Error(`race: ${step.op} cannot take part (validated before)`);
    const r = yield* userAccessSteps(k, encl, step.offset, step.kind, step.value ?? 0n);
    if (r.value !== undefined) out.value = `0x${r.value.toString(16)}`;
    if (r.signal) out.signal = r.signal;
  }

  private execute(step: Step, encl: Encl, out: TraceStep): undefined {
    const k = this.kernel;
    const put = (r: SyscallResult): undefined => {
      out.ret = r.ret;
      if (r.errno) out.errno = r.errno;
      if (r.arg && step.op === "ioctl") out.arg = r.arg;
      return undefined;
    };
    switch (step.op) {
      case "ioctl":
        return drain(this.ioctlSteps(step, encl, out));
      case "mmap":
        k.ev(
          "syscall",
          `mmap(${step.enclave}+${hex(step.offset)}, ${hex(step.length)}, ${protToString(step.prot)}, ${mmapFlagsToString(step.flags)}).`,
          "mm/mmap.c",
        );
        return put(sysMmap(k, encl, step.offset, step.length, step.prot, step.flags));
      case "mprotect":
        k.ev(
          "syscall",
          `mprotect(${step.enclave}+${hex(step.offset)}, ${hex(step.length)}, ${protToString(step.prot)}).`,
          "mm/mprotect.c",
        );
        return put(sysMprotect(k, encl, step.offset, step.length, step.prot));
      case "munmap":
        k.ev("syscall", `munmap(${step.enclave}+${hex(step.offset)}, ${hex(step.length)}).`, "mm/mmap.c");
        return put(sysMunmap(k, encl, step.offset, step.length));
      case "close":
        return put(sysClose(k, encl));
      case "reclaim": {
        k.ev(
          "syscall",
          `Memory pressure: the reclaimer is asked for ${step.pages} page(s).`,
          "main.c: sgx_reclaim_pages()",
        );
        const n = reclaimOp(k, step.pages);
        k.ev("reclaim", `${n} page(s) evicted.`, "main.c: sgx_reclaim_pages()");
        out.ret = 0;
        return undefined;
      }
      case "EENTER":
        return this.enter(step, encl, out, step.call, step.pages ?? 1, step.stay === true);
      case "ERESUME":
        return this.enter(step, encl, out, undefined, 1, step.stay === true);
      case "run": {
        const lp = k.cpu.lps[step.cpu ?? 0];
        const th = this.vdso.threadOn(lp.id);
        return this.report(this.vdso.run(lp, step.call), th ? th.encl : encl, out);
      }
      case "EEXIT": {
        const lp = k.cpu.lps[step.cpu ?? 0];
        const th = this.vdso.threadOn(lp.id);
        return this.report(this.vdso.eexit(lp), th ? th.encl : encl, out);
      }
      case "interrupt": {
        const c = step.cpu ?? 0;
        if (!this.vdso.interrupt(c, "an interrupt (the scenario's interrupt step)"))
          k.ev(
            "kernel",
            `An interrupt on CPU ${c}: no thread is inside an enclave there, so nothing else happens.`,
            "arch/x86: interrupt entry",
            { basis: "model", basis_ref: "engine/MODEL.md: Many CPUs" },
          );
        out.ret = 0;
        return undefined;
      }
      case "race":
        return this.race(step, out);
      case "access": {
        const r = userAccess(k, encl, step.offset, step.kind, step.value ?? 0n);
        out.ret = 0;
        if (r.value !== undefined) out.value = `0x${r.value.toString(16)}`;
        if (r.signal) out.signal = r.signal;
        return undefined;
      }
    }
  }

  private enter(
    step: Step & { tcs: number },
    encl: Encl,
    out: TraceStep,
    call: EnclaveCall | undefined,
    pages: number,
    stay = false,
  ): undefined {
    const k = this.kernel;
    if (encl.released || !encl.created) {
      // Nothing is mapped at the TCS: EENTER's own access faults and the vDSO reports it.
      k.ev("kernel", `${step.enclave} has no ${encl.released ? "mappings left" : "enclave yet"}.`, "vsgx.S");
    }
    const before = { ...k.stats };
    let report: CallReport | undefined;
    let done = 0;
    // Page i's call is the step's with addr moved on by i pages: one copy, moved on in place (the
    // vDSO keeps a call only while its thread is interrupted, and the loop stops there).
    const moving =
      call && pages > 1 && "addr" in call ? ({ ...call } as EnclaveCall & { addr: number }) : undefined;
    for (let i = 0; i < pages; i++) {
      if (i === 1) k.cpu.log.on = false;
      if (i % 1024 === 1023) this.onEntries(i + 1, pages);
      let c = call;
      if (moving && i > 0) {
        moving.addr = (call as { addr: number }).addr + i * 4096;
        c = moving;
      }
      report = this.vdso.enter(encl, step.tcs, c, k.cpu.lps[step.cpu ?? 0], stay);
      const clean = report.run.function === "EEXIT" && (report.ret === undefined || report.ret === 0);
      if (!clean) break;
      done++;
    }
    k.cpu.log.on = true;
    if (!report) return undefined;
    if (pages > 1) {
      out.repeated = done;
      k.ev(
        "kernel",
        `Repeated on ${pages} consecutive page(s) (events above are the first entry's): ${done} entr${done === 1 ? "y" : "ies"} completed; ${k.stats.eaug - before.eaug} EAUG, ${k.stats.eldu - before.eldu} ELDU, ${k.stats.ewb - before.ewb} EWB, ${k.stats.faults - before.faults} fault(s) handled by the kernel.`,
        "scenario: pages",
        { basis: "model", basis_ref: MODEL_REF.repeated },
      );
    }
    return this.report(report, encl, out);
  }

  /** The vDSO's report as the trace step's ret/run/call (a thread that stayed has no run, no ret). */
  private report(report: CallReport, encl: Encl, out: TraceStep): undefined {
    if (report.stayed) {
      delete (out as { ret?: number }).ret;
      if (report.ret !== undefined || report.value !== undefined) {
        out.call = {};
        if (report.ret !== undefined) {
          out.call.ret = report.ret;
          out.call.ret_name = sgxCodeName(report.ret);
        }
        if (report.value !== undefined) out.call.value = `0x${report.value.toString(16)}`;
      }
      return undefined;
    }
    out.ret = 0;
    const r = report.run;
    out.run = {
      function: r.function,
      exception_vector: r.vector,
      exception_error_code: hex(r.code),
      exception_addr: hex(r.addr),
      exception_offset: hex(r.addr ? r.addr - encl.base : 0),
    };
    if (report.ret !== undefined || report.value !== undefined) {
      out.call = {};
      if (report.ret !== undefined) {
        out.call.ret = report.ret;
        out.call.ret_name = sgxCodeName(report.ret);
      }
      if (report.value !== undefined) out.call.value = hex(report.value);
    }
    if (report.stalled) out.stalled = true;
    return undefined;
  }

  private diffOf(pages: Int32Array): StepDiff {
    const k = this.kernel;
    const e = k.cpu.epc;
    const n = pages.length;
    const d: StepDiff = {
      epc: pages.slice(),
      flags: new Uint8Array(n),
      pt: new Uint8Array(n),
      encl: new Int32Array(n),
      offset: new Float64Array(n),
    };
    for (let i = 0; i < n; i++) {
      const p = pages[i];
      d.flags[i] = e.flags[p];
      d.pt[i] = e.pt[p];
      const valid = e.isValid(p);
      d.encl[i] = valid ? k.ownerEncl[p] : -1;
      const index = k.ownerIndex[p];
      d.offset[i] = valid && index >= 0 ? index * 4096 : -1;
    }
    return d;
  }

  /**
   * Attach the EPCM entries changed since the previous event: the trace lists the first 64
   * changed (sorted by page), the event columns keep all of them.
   */
  private attachDelta(e: TraceEvent): void {
    const changed = this.eventRec.pending;
    if (changed > 0) {
      const listed = this.eventRec.firstPending(EVENT_EPCM_LISTED).sort((a, b) => a - b);
      e.epcm = listed.map((p) => this.entryJson(p));
      if (changed > listed.length) e.epcm_more = changed - listed.length;
      const epc = this.kernel.cpu.epc;
      if (this.keepEventDiffs)
        this.eventRec.record((p, row) => {
          const o = this.ownerOf(p);
          row.flags = epc.flags[p];
          row.pt = epc.pt[p];
          row.encl = o.encl;
          row.offset = o.offset;
        });
      else this.eventRec.skip();
      this.eventSeq++;
    }
    this.eventRec.endEvent();
  }

  /** A step's diff as trace JSON entries. */
  diffEntries(d: StepDiff): EpcmEntryJson[] {
    const out: EpcmEntryJson[] = [];
    for (let i = 0; i < d.epc.length; i++) {
      const f = d.flags[i];
      const valid = (f & E_VALID) !== 0;
      out.push({
        epc: d.epc[i],
        enclave: valid && d.encl[i] >= 0 ? this.kernel.enclaves[d.encl[i]].name : null,
        offset: valid && d.offset[i] >= 0 ? hex(d.offset[i]) : null,
        valid,
        type: valid ? (PAGE_TYPE_NAMES[d.pt[i]] ?? null) : null,
        perms: valid ? permsText(f) : "---",
        ...epcmFlagFields(f),
      });
    }
    return out;
  }

  /**
   * The owner (index in kernel.enclaves, -1 none) and offset (-1 none) of an EPCM entry. They
   * come from the EPCM itself (ENCLAVESECS, ENCLAVEADDRESS), so an entry is named even before
   * the kernel has recorded the page (events right after EAUG or ELDU).
   */
  private ownerOf(epc: number): { encl: number; offset: number } {
    const k = this.kernel;
    const e = k.cpu.epc;
    // One answer object reused (read at once by every caller): the event diff of a step that
    // EAUGs millions of pages asks once per page.
    const o = this.owner;
    o.encl = NONE;
    o.offset = NONE;
    if (!e.isValid(epc)) return o;
    const pt = e.pt[epc];
    if (pt === PT_SECS) {
      const base = e.secs.get(epc)?.baseaddr;
      for (const y of k.enclaves)
        if (y.secsEpc === epc || (y.secsEpc === NONE && y.base === base)) {
          o.encl = y.id;
          break;
        }
      return o;
    }
    if (pt === PT_VA) {
      o.encl = k.pageOf(epc)?.encl.id ?? NONE;
      return o;
    }
    let x: Encl | undefined;
    for (const y of k.enclaves)
      if (y.secsEpc === e.owner[epc]) {
        x = y;
        break;
      }
    x ??= k.pageOf(epc)?.encl;
    if (x) {
      o.encl = x.id;
      o.offset = e.linaddr[epc] - x.base;
    }
    return o;
  }
  private readonly owner = { encl: NONE, offset: NONE };

  /** The trace's view of one EPCM entry. */
  entryJson(epc: number): EpcmEntryJson {
    const k = this.kernel;
    const e = k.cpu.epc;
    const f = e.flags[epc];
    const valid = e.isValid(epc);
    const pt = e.pt[epc];
    const owner = this.ownerOf(epc);
    return {
      epc,
      enclave: owner.encl !== NONE ? k.enclaves[owner.encl].name : null,
      offset: owner.offset !== NONE ? hex(owner.offset) : null,
      valid,
      type: valid ? (PAGE_TYPE_NAMES[pt] ?? null) : null,
      perms: valid ? e.permString(epc) : "---",
      ...epcmFlagFields(f),
    };
  }

  /** Every valid EPCM entry (final.epcm). */
  epcmSnapshot(): EpcmEntryJson[] {
    return [...this.epcmEntries()];
  }

  /** final.epcm one entry at a time (the trace writer streams it). */
  *epcmEntries(): Generator<EpcmEntryJson> {
    const e = this.kernel.cpu.epc;
    // Pages past reachedEnd were never touched: not valid (arch/epc.ts).
    for (let i = 0; i < e.reachedEnd; i++) if (e.isValid(i)) yield this.entryJson(i);
  }

  /** The kernel's records of every enclave page (final.pages). */
  pagesSnapshot(): KernelPageJson[] {
    return [...this.pageRecords()];
  }

  /**
   * final.pages one record at a time (the trace writer streams it). With `runs`, resident pages
   * whose offset and EPC page advance by one with equal type and vm_max_prot come as one range
   * record (docs/scenario-format.md, Compact traces), not one object per page.
   */
  *pageRecords(runs = false): Generator<KernelPageJson & { count?: number }> {
    for (const encl of this.kernel.enclaves)
      for (const p of encl.pages.runs(runs)) {
        const rec: KernelPageJson & { count?: number } = {
          enclave: encl.name,
          offset: hex(p.index * 4096),
          type: PAGE_TYPE_NAMES[p.type],
          resident: p.epc !== NONE,
          epc: p.epc === NONE ? null : p.epc,
          vm_max_prot: permsText(p.vmMaxProt),
        };
        if (p.epc === NONE) {
          rec.va_page = p.vaPage;
          rec.va_slot = p.vaSlot;
        }
        if (p.count > 1) rec.count = p.count;
        yield rec;
      }
  }

  /** Whether the scenario names a CPU or keeps a thread inside (then the trace says more). */
  usesCpus(): boolean {
    return (
      this.threadSteps.length > 0 ||
      this.scenario.steps.some(
        (s) => s.cpu !== undefined || (s.op === "EENTER" || s.op === "ERESUME" ? s.stay : false),
      )
    );
  }

  /** The trace so far; `final: false` leaves final.epcm and final.pages empty (streamed instead). */
  trace(options: { final?: boolean } = {}): Trace {
    const enclaves: Trace["enclaves"] = {};
    for (const e of this.kernel.enclaves)
      if (e.created) enclaves[e.name] = { base: hex(e.base), size: hex(e.size) };
    return {
      format: "epcm-trace/1",
      title: this.scenario.title,
      machine: {
        ...this.scenario.machine,
        ...(this.scenario.machine.mutate ? { mutate: [...this.scenario.machine.mutate] } : {}),
      },
      enclaves,
      steps: this.steps,
      final: {
        ...(options.final === false
          ? { epcm: [], pages: [] }
          : { epcm: this.epcmSnapshot(), pages: this.pagesSnapshot() }),
        ...(this.usesCpus() ? { threads: this.threadsNow() } : {}),
      },
      ...(this.oopsAt !== undefined
        ? {
            stopped: {
              step: this.oopsAt,
              reason: "oops" as const,
              not_run: this.scenario.steps.length - this.oopsAt - 1,
            },
          }
        : {}),
    };
  }
}

/** Run a whole scenario. Unmet expectations are listed per step (`unmet`) and returned. */
export function runScenario(s: Scenario): { trace: Trace; unmet: string[]; error?: string } {
  const sim = new Simulation(s);
  try {
    while (!sim.done) sim.step();
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
  }
  return {
    trace: sim.trace(),
    unmet: collectUnmet(sim.steps),
    ...(sim.error !== undefined ? { error: sim.error } : {}),
  };
}

/** Every unmet expectation, each named by its step: `steps[11] (EENTER write): run.…`. */
export function collectUnmet(steps: TraceStep[]): string[] {
  const unmet: string[] = [];
  for (const st of steps)
    for (const m of st.unmet ?? []) unmet.push(`steps[${st.index}] (${stepLabel(st)}): ${m}`);
  return unmet;
}

function stepLabel(st: TraceStep): string {
  const op = st.op as Record<string, unknown>;
  if (op.op === "ioctl") return String(op.cmd);
  if (op.op === "EENTER") return `EENTER ${op.call}`;
  return String(op.op);
}

/** SECINFO flags by name; a page-type field of 0 (PT_SECS) is left implicit, as in "R|W" for EMODPE. */
function secinfoName(v: number): string {
  return (v & SECINFO_PT_MASK) === 0
    ? secinfoFlagsToString(v)
        .replace(/\|?SECS\b/, "")
        .replace(/^\|/, "") || "0x0"
    : secinfoFlagsToString(v);
}

/** The step's op with numbers as hex and flag words by name (the trace's `op`). */
export function opJson(step: Step): Record<string, unknown> {
  switch (step.op) {
    case "ioctl": {
      const a = step.arg as unknown as Record<string, unknown>;
      if (a.cmd === "unknown") return { op: "ioctl", cmd: a.name };
      const arg: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(a)) {
        if (key === "cmd") continue;
        if (key === "secinfo") arg[key] = secinfoName(v as number);
        else if (key === "permissions") arg[key] = permissionsToString(v as number);
        else if (key === "page_type") arg[key] = PAGE_TYPE_NAMES[v as number] ?? hex(v as number);
        else if (typeof v === "number" || typeof v === "bigint") arg[key] = hex(v);
        else if (key === "data" && Array.isArray(v))
          arg[key] = Object.fromEntries((v as Array<[number, bigint]>).map(([o, w]) => [hex(o), hex(w)]));
        else if (key === "tcs" && Array.isArray(v))
          arg[key] = (v as Array<Record<string, number>>).map((t) => ({
            ossa: hex(t.ossa),
            nssa: hex(t.nssa),
            oentry: hex(t.oentry),
          }));
        else if (v !== undefined) arg[key] = v;
      }
      return { op: "ioctl", cmd: a.cmd, arg };
    }
    case "mmap":
      return {
        op: "mmap",
        offset: hex(step.offset),
        length: hex(step.length),
        prot: protToString(step.prot),
        flags: mmapFlagsToString(step.flags),
      };
    case "mprotect":
      return {
        op: "mprotect",
        offset: hex(step.offset),
        length: hex(step.length),
        prot: protToString(step.prot),
      };
    case "munmap":
      return { op: "munmap", offset: hex(step.offset), length: hex(step.length) };
    case "close":
      return { op: "close" };
    case "reclaim":
      return { op: "reclaim", pages: step.pages };
    case "ERESUME":
      return { op: "ERESUME", tcs: hex(step.tcs), ...(step.stay !== undefined ? { stay: step.stay } : {}) };
    case "run":
      return { op: "run", ...callJson(step.call) };
    case "EEXIT":
      return { op: "EEXIT" };
    case "interrupt":
      return { op: "interrupt" };
    case "race":
      return { op: "race", steps: step.steps.map(opJson), order: step.order };
    case "access":
      return {
        op: "access",
        offset: hex(step.offset),
        kind: step.kind,
        ...(step.value !== undefined ? { value: `0x${step.value.toString(16)}` } : {}),
      };
    case "EENTER": {
      const o: Record<string, unknown> = { op: "EENTER", tcs: hex(step.tcs), ...callJson(step.call) };
      if (step.pages !== undefined) o.pages = step.pages;
      if (step.clobbered !== undefined) o.clobbered = step.clobbered;
      if (step.stay !== undefined) o.stay = step.stay;
      return o;
    }
  }
}

/** An enclave call's fields as the trace writes them. */
function callJson(call: EnclaveCall): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(call as unknown as Record<string, unknown>)) {
    if (key === "secinfo") o[key] = secinfoName(v as number);
    else if (typeof v === "number") o[key] = hex(v);
    else if (typeof v === "bigint") o[key] = hex(v);
    else o[key] = v;
  }
  return o;
}
