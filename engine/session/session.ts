// A session: one scenario run once, then viewed at any step (or any event inside a step) as
// compact typed arrays the UI can draw without parsing JSON of every page. Time travel is cheap
// because the run is deterministic: the session keeps a live simulation and re-runs from the
// start (or steps forward) to reach the requested step.

import { TCS_CSSA_NSSA, TCS_OENTRY, TCS_OSSA, TCS_STATE } from "../arch/constants.ts";
import { grown, NONE } from "../arch/epc.ts";
import { type EventDiffs, eventRows } from "../scenario/event-diffs.ts";
import { collectUnmet, Simulation, type SimulationOptions, type StepDiff } from "../scenario/run.ts";
import { formatTraceText } from "../scenario/text.ts";
import type { EpcmEntryJson, FinalThreadJson, Trace, TraceStep } from "../scenario/trace-types.ts";
import { DEFAULT_CPUS, type Scenario } from "../scenario/types.ts";
import { PT_TCS } from "../vocabulary/epcm.ts";
import { hex } from "../vocabulary/hex.ts";
import {
  type EnclaveColumns,
  PTE_ACCESSED,
  PTE_NONE,
  PTE_PRESENT,
  type StateView,
} from "../vocabulary/view.ts";
import { ChangeLog, type ChangeScope, type EpcmChanges } from "./changes.ts";
import { type EpcUsage, UsageCounter } from "./usage.ts";

export type { ChangeScope, EpcmChanges };

/**
 * Rough bytes one checkpoint of this run holds, from measured clones with a margin of about a
 * third: the EPC's columns for the pages reached so far (~51 bytes each; an EPC's size costs
 * nothing until its pages are reached), each enclave page's kernel record, PTE and reverse map
 * (~31 bytes), and each evicted page's sealed copy and each page's written words. A clone of
 * 2^20 EAUGed pages on a 2^21-page EPC holds 133 MiB (estimated 176 MiB), so a run at real size
 * keeps a checkpoint after its big step and stepping back over it does not run it again.
 */
function checkpointCost(sim: Simulation): number {
  const k = sim.kernel;
  let pages = 0;
  let sealed = 0;
  for (const e of k.enclaves) {
    pages += e.pages.size;
    sealed += e.backing.size;
  }
  return k.cpu.epc.capacity * 64 + pages * 48 + (sealed + k.cpu.epc.words.size) * 256;
}

/** Bytes a view's typed arrays hold. */
function viewBytes(v: StateView): number {
  let n = v.epc.flags.byteLength + v.epc.pt.byteLength + v.epc.encl.byteLength + v.epc.offset.byteLength;
  n += v.changed.byteLength;
  for (const e of v.enclaves)
    for (const a of [e.offset, e.type, e.vmMaxProt, e.epc, e.vaPage, e.vaSlot, e.pte, e.vmaProt])
      n += a.byteLength;
  return n;
}

/** A copy with its own buffers: the worker transfers (detaches) what it returns. */
function copyView(v: StateView): StateView {
  return {
    ...v,
    epc: {
      flags: v.epc.flags.slice(),
      pt: v.epc.pt.slice(),
      encl: v.epc.encl.slice(),
      offset: v.epc.offset.slice(),
    },
    changed: v.changed.slice(),
    enclaves: v.enclaves.map((e) => ({
      ...e,
      offset: e.offset.slice(),
      type: e.type.slice(),
      vmMaxProt: e.vmMaxProt.slice(),
      epc: e.epc.slice(),
      vaPage: e.vaPage.slice(),
      vaSlot: e.vaSlot.slice(),
      pte: e.pte.slice(),
      vmaProt: e.vmaProt.slice(),
      vmas: e.vmas.map((m) => ({ ...m })),
    })),
  };
}

/** Recently returned views kept for stepping back and forth without re-running (bytes). */
const VIEW_CACHE_BUDGET = 64 * 2 ** 20;
/**
 * A view that took at least this long to build (it ran a long step, e.g. a million EAUGs) is
 * kept whatever its size, among the last SLOW_VIEWS such views: stepping back to it again must
 * not run that step again. On a 2^21-page EPC a view is ~50 MB, so this costs the worker ~100 MB.
 */
const SLOW_VIEW_MS = 200;
const SLOW_VIEWS = 2;

/** Session.warm() builds the next view ahead only for a step that changed at most this many pages… */
const WARM_PAGES = 2 ** 17;
/** …on an EPC of at most this many pages (a view of the EPC costs its size, changed or not). */
const WARM_EPC = 2 ** 18;

// The view columns' layout (EpcColumns, EnclaveColumns, StateView) is part of the vocabulary.
export type { EnclaveColumns, EpcColumns, StateView } from "../vocabulary/view.ts";

/** What the UI needs to know about a run, without any per-page state. */
export interface RunInfo {
  title: string;
  description?: string;
  /** As run: `kernel` and `mutate` when the scenario (or the explorer's pickers) gave them. */
  machine: {
    epcPages: number;
    sgx2: boolean;
    kernel?: Scenario["machine"]["kernel"];
    mutate?: Scenario["machine"]["mutate"];
  };
  enclaveNames: string[];
  /** Trace steps without their `epcm` lists (events, outcome, expectations). */
  steps: TraceStep[];
  unmet: string[];
  /** Set when a kernel oops ended the run (docs/scenario-format.md, Kernel bugs that crash). */
  stopped?: { step: number; reason: "oops"; not_run: number };
  /**
   * Scenarios that name a CPU or keep a thread inside (docs/scenario-format.md, "Logical
   * processors"): the processors, and after each step (index k-1 for step k) the threads inside
   * with their TLBs, stale entries marked by the engine. Absent for single-CPU scenarios.
   */
  cpus?: { count: number; threads: FinalThreadJson[][] };
}

function stoppedOf(t: { stopped?: RunInfo["stopped"] }): Pick<RunInfo, "stopped"> {
  return t.stopped ? { stopped: t.stopped } : {};
}

export interface PageDetail {
  epcm: EpcmEntryJson | null;
  kernel: {
    enclave: string;
    offset: number;
    type: number;
    vmMaxProt: number;
    resident: boolean;
    epc: number;
    vaPage: number;
    vaSlot: number;
  } | null;
  /** Page-table view per mapping (one process: one mapping covers an address at most). */
  mappings: Array<{
    vmaStart: number;
    vmaEnd: number;
    prot: number;
    pte: "none" | "present" | "present, accessed";
  }>;
  /** Non-zero 8-byte words (offset within the page, value as hex). */
  words: Array<[number, string]>;
  /** For a TCS: its state as stored in the page. */
  tcs?: { state: number; cssa: number; nssa: number; ossa: string; oentry: string };
  /** For a SECS: its control state. */
  secs?: {
    base: string;
    size: string;
    initialized: boolean;
    childCount: number;
    epoch: number;
    attributes: string;
  };
  /** For a VA page: slots in use. */
  vaSlotsUsed?: number;
}

/**
 * How far a replay is (Session.onReplay): steps completed towards `target`, and inside a long
 * step its entries done of all.
 */
export interface ReplayProgress {
  stepsDone: number;
  target: number;
  entries?: [number, number];
}

/** Memory the session may spend on checkpoints (estimated). */
const CHECKPOINT_BUDGET = 256 * 2 ** 20;

export class Session {
  readonly scenario: Scenario;
  readonly info: RunInfo;
  private readonly diffs: StepDiff[];
  /** Per step, every EPCM entry each event changed (uncapped). */
  private readonly eventDiffs: EventDiffs[];
  private readonly changeLog: ChangeLog;
  private live: Simulation;
  /**
   * Copies of the run at some steps: seeking backwards starts from the nearest one instead of
   * from the beginning. Taken after slow steps and every 32 steps, within a memory budget.
   */
  private readonly checkpoints = new Map<number, Simulation>();
  /**
   * Views already built, most recently used last: stepping back to a step seen a moment ago
   * must not clone a checkpoint and re-run (that costs ~100 ms on a 65,000-page run).
   */
  private readonly recentViews = new Map<string, { view: StateView; bytes: number }>();
  private recentBytes = 0;
  /** Views that were slow to build (SLOW_VIEW_MS), kept whatever their size, most recent last. */
  private readonly slowViews = new Map<string, StateView>();
  /** The clock the slow-view rule reads (tests replace it). */
  now: () => number = () => Date.now();
  /** EPC pages by kind after every step, counted from the diffs while the run is made. */
  private readonly usage: UsageCounter;

  constructor(
    scenario: Scenario,
    onProgress: (stepsDone: number, stepsTotal: number, entries?: [number, number]) => void = () => {},
  ) {
    this.scenario = scenario;
    const sim = this.fresh();
    const total = scenario.steps.length;
    sim.onEntries = (done, of) => onProgress(sim.steps.length, total, [done, of]);
    this.checkpoints.set(0, sim.clone());
    const usage = new UsageCounter(sim.kernel);
    let spent = 0;
    let last = 0;
    while (!sim.done) {
      const t0 = Date.now();
      sim.step();
      const n = sim.steps.length;
      usage.addStep(sim.diffs[n - 1], sim.kernel);
      onProgress(n, total);
      if (!sim.done && (Date.now() - t0 > 30 || n - last >= 32)) {
        const cost = checkpointCost(sim);
        if (spent + cost <= CHECKPOINT_BUDGET) {
          this.checkpoints.set(n, sim.clone());
          spent += cost;
          last = n;
        }
      }
    }
    this.diffs = sim.diffs;
    this.usage = usage;
    this.eventDiffs = sim.eventDiffs;
    this.changeLog = new ChangeLog(sim.diffs, sim.eventDiffs, scenario.machine.epcPages);
    this.live = sim;
    this.info = {
      title: scenario.title,
      ...(scenario.description !== undefined ? { description: scenario.description } : {}),
      machine: { ...scenario.machine },
      enclaveNames: sim.kernel.enclaves.map((e) => e.name),
      steps: sim.steps,
      unmet: collectUnmet(sim.steps),
      ...stoppedOf(sim.trace({ final: false })),
      ...(sim.usesCpus()
        ? {
            cpus: {
              count: scenario.machine.cpus ?? DEFAULT_CPUS,
              threads: sim.steps.map((_, i) => sim.threadSteps[i] ?? []),
            },
          }
        : {}),
    };
  }

  private fresh(opts: SimulationOptions = { materialize: false }): Simulation {
    return new Simulation(this.scenario, opts);
  }

  /**
   * The live simulation as it was before the last seek backwards (the end of the run, after the
   * first look at step 0): seeking forward again resumes it instead of re-running the steps
   * between, which for a step of a million EAUGs is seconds. It holds the memory the live
   * simulation held before; never cloned.
   */
  private parked: Simulation | null = null;

  /** Bring the live simulation to `k` completed steps, from itself, the parked one or the nearest checkpoint. */
  private seek(k: number): Simulation {
    const target = Math.max(0, Math.min(k, this.scenario.steps.length));
    const at = this.live.steps.length;
    if (at !== target) {
      let best = 0;
      for (const c of this.checkpoints.keys()) if (c <= target && c > best) best = c;
      const parked = this.parked;
      const p = parked ? parked.steps.length : -1;
      if (parked && p <= target && p > best && (at > target || p > at)) {
        this.parked = at > p ? this.live : null;
        this.live = parked;
      } else if (at > target || best > at) {
        if (at > target && at > (this.parked?.steps.length ?? -1)) this.parked = this.live;
        this.live = (this.checkpoints.get(best) as Simulation).clone();
      }
      // A replay may take seconds (a step of a million EAUGs): it reports how far it is.
      const live = this.live;
      live.onEntries = (done, of) =>
        this.onReplay?.({ stepsDone: live.steps.length, target, entries: [done, of] });
      while (live.steps.length < target) {
        live.step();
        this.onReplay?.({ stepsDone: live.steps.length, target });
      }
    }
    return this.live;
  }

  /** Called while a view re-runs steps (per step, and per batch of entries inside a long one). */
  onReplay: ((p: ReplayProgress) => void) | null = null;

  /** The state after `step` steps; with `event`, the state inside step `step` right after that event. */
  view(step: number, event: number | null = null): StateView {
    const key = `${step}:${event}`;
    const hit = this.recentViews.get(key);
    if (hit) {
      this.recentViews.delete(key);
      this.recentViews.set(key, hit);
      return copyView(hit.view);
    }
    const slow = this.slowViews.get(key);
    if (slow) {
      this.slowViews.delete(key);
      this.slowViews.set(key, slow);
      return copyView(slow);
    }
    const t0 = this.now();
    const view = this.buildView(step, event);
    if (this.now() - t0 >= SLOW_VIEW_MS) {
      this.slowViews.set(key, view);
      for (const k of this.slowViews.keys()) {
        if (this.slowViews.size <= SLOW_VIEWS) break;
        this.slowViews.delete(k);
      }
      return copyView(view);
    }
    return this.remember(key, view) ? copyView(view) : view;
  }

  /** Keep a view among the recent ones if it fits the budget (oldest dropped first). */
  private remember(key: string, view: StateView): boolean {
    const bytes = viewBytes(view);
    if (bytes > VIEW_CACHE_BUDGET / 4) return false;
    this.recentViews.set(key, { view, bytes });
    this.recentBytes += bytes;
    for (const [k, old] of this.recentViews) {
      if (this.recentBytes <= VIEW_CACHE_BUDGET) break;
      this.recentViews.delete(k);
      this.recentBytes -= old.bytes;
    }
    return true;
  }

  /**
   * Build the view of step `step` ahead of time, while the reader looks at the one before: the
   * next Step forward is then answered from the recent views. Only where it is cheap and fits
   * the cache: the step changed at most WARM_PAGES pages, the EPC is at most WARM_EPC pages, and
   * the live run is one step short of it (no checkpoint cloned). Returns whether it built one.
   */
  warm(step: number): boolean {
    const key = `${step}:null`;
    if (step < 1 || step > this.diffs.length || this.recentViews.has(key) || this.slowViews.has(key))
      return false;
    if (this.live.steps.length !== step - 1) return false;
    if (this.diffs[step - 1].epc.length > WARM_PAGES || this.scenario.machine.epcPages > WARM_EPC)
      return false;
    this.remember(key, this.buildView(step, null));
    return true;
  }

  private buildView(step: number, event: number | null): StateView {
    if (event === null || step < 1) return this.columns(this.seek(step), step, null, this.changedBy(step));
    const st = this.info.steps[step - 1];
    const last = st.events.length - 1;
    if (event >= last) return this.columns(this.seek(step), step, last, this.changedBy(step));
    const sim = this.seek(step - 1);
    const view = this.columns(sim, step, event, new Int32Array(0));
    // Apply the EPCM entries the step's events changed (all of them), up to `event`.
    const ev = this.eventDiffs[step - 1];
    for (let r = 0; r < eventRows(ev, event)[1]; r++) {
      const p = ev.epc[r];
      view.epc.flags[p] = ev.flags[r];
      view.epc.pt[p] = ev.pt[r];
      view.epc.encl[p] = ev.encl[r];
      view.epc.offset[p] = ev.offset[r];
    }
    const [from, to] = eventRows(ev, event);
    view.changed = ev.epc.slice(from, to);
    return view;
  }

  private changedBy(step: number): Int32Array {
    return step >= 1 ? this.diffs[step - 1].epc.slice() : new Int32Array(0);
  }

  private columns(sim: Simulation, step: number, event: number | null, changed: Int32Array): StateView {
    const k = sim.kernel;
    const e = k.cpu.epc;
    const n = e.size;
    const encl = new Int16Array(n);
    const offset = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const valid = e.isValid(i);
      encl[i] = valid ? k.ownerEncl[i] : -1;
      const index = k.ownerIndex[i];
      offset[i] = valid && index >= 0 ? index * 4096 : -1;
    }
    // Enclave indices follow RunInfo.enclaveNames (the full run's order).
    const names = this.info?.enclaveNames ?? k.enclaves.map((x) => x.name);
    const remap = k.enclaves.map((x) => names.indexOf(x.name));
    for (let i = 0; i < n; i++) if (encl[i] >= 0) encl[i] = remap[encl[i]];
    const enclaves: EnclaveColumns[] = names.map((name) => {
      const x = k.enclaves.find((y) => y.name === name);
      const m = x ? x.pages.size : 0;
      const cols: EnclaveColumns = {
        name,
        base: x?.base ?? 0,
        size: x?.size ?? 0,
        created: x?.created ?? false,
        released: x?.released ?? false,
        offset: new Float64Array(m),
        type: new Uint8Array(m),
        vmMaxProt: new Uint8Array(m),
        epc: new Int32Array(m),
        vaPage: new Int32Array(m),
        vaSlot: new Int32Array(m),
        pte: new Uint8Array(m),
        vmaProt: new Int8Array(m),
        vmas: x
          ? k.mm.vmas
              .filter((v) => v.encl === x)
              .map((v) => ({ start: v.start - x.base, end: v.end - x.base, prot: v.prot }))
          : [],
        secsEpc: x?.secsEpc ?? -1,
      };
      let j = 0;
      x?.pages.forEachInIndexOrder((index, epc, vaPage, vaSlot, type, vmMaxProt) => {
        const addr = x.base + index * 4096;
        cols.offset[j] = index * 4096;
        cols.type[j] = type;
        cols.vmMaxProt[j] = vmMaxProt;
        cols.epc[j] = epc;
        cols.vaPage[j] = epc === NONE ? vaPage : -1;
        cols.vaSlot[j] = epc === NONE ? vaSlot : -1;
        const pte = k.mm.ptes.get(Math.floor(addr / 4096));
        cols.pte[j] = pte === undefined ? PTE_NONE : pte & 1 ? PTE_PRESENT | PTE_ACCESSED : PTE_PRESENT;
        cols.vmaProt[j] = k.mm.findVma(addr)?.prot ?? -1;
        j++;
      });
      return cols;
    });
    return {
      step,
      event,
      // One entry per EPC page: the EPC's columns stop at the pages reached (arch/epc.ts).
      epc: { flags: grown(e.flags.slice(), n), pt: grown(e.pt.slice(), n), encl, offset },
      changed,
      enclaves,
      freeCount: k.freeCount,
      activeCount: k.activeCount,
    };
  }

  /** EPC pages by kind (SECS, TCS, REG, VA, TRIM, free) and pages evicted, after every step. */
  epcUsage(): EpcUsage {
    return this.usage.usage();
  }

  /**
   * The EPCM entries step `step` changed (up to event `event` when given; only that event's with
   * scope "event"), exactly as they were before and after, ascending by EPC page, at most `limit`.
   */
  changes(
    step: number,
    event: number | null = null,
    scope: ChangeScope = "step",
    limit = Number.POSITIVE_INFINITY,
  ): EpcmChanges {
    return this.changeLog.changes(step, event, scope, limit);
  }

  /** Everything the inspector shows about one EPC page at a step. */
  epcDetail(step: number, epcIndex: number): PageDetail {
    const sim = this.seek(step);
    const k = sim.kernel;
    const e = k.cpu.epc;
    if (!e.inEpc(epcIndex)) return { epcm: null, kernel: null, mappings: [], words: [] };
    const owner = k.pageOf(epcIndex);
    if (owner?.page) return this.pageDetail(step, owner.encl.name, owner.page.index * 4096);
    return this.detail(sim, epcIndex, undefined, undefined);
  }

  /** Everything the inspector shows about one enclave page at a step. */
  pageDetail(step: number, enclave: string, offset: number): PageDetail {
    const sim = this.seek(step);
    const x = sim.kernel.enclaves.find((y) => y.name === enclave);
    const page = x?.pages.get(Math.floor(offset / 4096));
    return this.detail(sim, page ? page.epc : NONE, x, page ? page.index * 4096 : offset);
  }

  private detail(
    sim: Simulation,
    epcIndex: number,
    x: Simulation["kernel"]["enclaves"][number] | undefined,
    offset: number | undefined,
  ): PageDetail {
    const k = sim.kernel;
    const e = k.cpu.epc;
    const valid = epcIndex !== NONE && e.isValid(epcIndex);
    const page = x && offset !== undefined ? x.pages.get(Math.floor(offset / 4096)) : undefined;
    const out: PageDetail = {
      epcm: valid ? sim.entryJson(epcIndex) : null,
      kernel:
        x && page
          ? {
              enclave: x.name,
              offset: page.index * 4096,
              type: page.type,
              vmMaxProt: page.vmMaxProt,
              resident: page.epc !== NONE,
              epc: page.epc,
              vaPage: page.vaPage,
              vaSlot: page.vaSlot,
            }
          : null,
      mappings: [],
      words: [],
    };
    if (x && offset !== undefined) {
      const addr = x.base + offset;
      const vma = k.mm.findVma(addr);
      if (vma) {
        const pte = k.mm.ptes.get(Math.floor(addr / 4096));
        out.mappings.push({
          vmaStart: vma.start - x.base,
          vmaEnd: vma.end - x.base,
          prot: vma.prot,
          pte: pte === undefined ? "none" : pte & 1 ? "present, accessed" : "present",
        });
      }
    }
    if (valid) {
      const words = [...(e.words.get(epcIndex) ?? new Map<number, bigint>()).entries()]
        .filter(([, v]) => v !== 0n)
        .sort((a, b) => a[0] - b[0]);
      out.words = words.slice(0, 512).map(([o, v]) => [o, hex(v)]);
      const pt = e.pt[epcIndex];
      if (pt === PT_TCS) {
        const cssaNssa = e.readWord(epcIndex, TCS_CSSA_NSSA);
        out.tcs = {
          state: Number(e.readWord(epcIndex, TCS_STATE)),
          cssa: Number(cssaNssa & 0xffffffffn),
          nssa: Number(cssaNssa >> 32n),
          ossa: hex(e.readWord(epcIndex, TCS_OSSA)),
          oentry: hex(e.readWord(epcIndex, TCS_OENTRY)),
        };
      }
      const secs = e.secs.get(epcIndex);
      if (secs)
        out.secs = {
          base: hex(secs.baseaddr),
          size: hex(secs.size),
          initialized: secs.initialized,
          childCount: secs.childCount,
          epoch: secs.epoch,
          attributes: hex(secs.attributes),
        };
      const slots = e.vaSlots.get(epcIndex);
      if (slots) out.vaSlotsUsed = slots.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
    }
    return out;
  }

  /** The plain-text log (for "Copy as text"): a fresh run that keeps its EPCM diffs as JSON. */
  text(): string {
    return formatTraceText(this.trace());
  }

  private fullTrace: Trace | undefined;

  /** The whole trace (every EPCM entry materialized), as `npm run sim` prints it. Run once, on demand. */
  trace(): Trace {
    if (!this.fullTrace) {
      const sim = new Simulation(this.scenario, { materialize: true });
      while (!sim.done) sim.step();
      this.fullTrace = sim.trace();
    }
    return this.fullTrace;
  }
}
