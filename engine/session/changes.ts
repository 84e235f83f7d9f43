// "What changed": for a step, or a step up to one of its events, every EPCM entry it changed,
// exactly as it was before and after. Answered from the runner's uncapped per-step and
// per-event columns (StepDiff, EventDiffs), so it needs no re-run and no JSON; the web renders
// the answer and never reconstructs history itself.

import { type DiffColumns, type EventDiffs, eventRows } from "../scenario/event-diffs.ts";
import type { StepDiff } from "../scenario/run.ts";
import type { EpcColumns } from "../vocabulary/index.ts";

/**
 * "step": everything the step changed (up to `event` when given), before = as the step found it.
 * "event": only what event `event` changed, before = as that event found it.
 */
export type ChangeScope = "step" | "event";

/** EPCM entries in rows: row i is EPC page `ChangesView.epc[i]` (columns as in EpcColumns). */
export type EpcmRows = EpcColumns;

export interface EpcmChanges {
  step: number;
  event: number | null;
  scope: ChangeScope;
  /** How many EPC pages changed; `epc` lists the first `limit` of them, ascending. */
  total: number;
  epc: Int32Array;
  before: EpcmRows;
  after: EpcmRows;
}

function rows(n: number): EpcmRows {
  return {
    flags: new Uint8Array(n),
    pt: new Uint8Array(n),
    encl: new Int16Array(n),
    offset: new Float64Array(n),
  };
}

/** A free EPC page as the view columns show it (what every page is before the first step). */
function putFree(out: EpcmRows, i: number): void {
  out.flags[i] = 0;
  out.pt[i] = 0;
  out.encl[i] = -1;
  out.offset[i] = -1;
}

function put(out: EpcmRows, i: number, src: DiffColumns, row: number): void {
  out.flags[i] = src.flags[row];
  out.pt[i] = src.pt[row];
  // Enclave indices: kernel.enclaves only grows, so its indices are RunInfo.enclaveNames' too.
  out.encl[i] = src.encl[row];
  out.offset[i] = src.offset[row];
}

/** The row of page `p` in `src.epc[from, to)` (sorted), or -1. */
function find(src: DiffColumns, p: number, from = 0, to = src.epc.length): number {
  let lo = from;
  let hi = to - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = src.epc[mid];
    if (v === p) return mid;
    if (v < p) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export class ChangeLog {
  /** Per EPC page, the steps (0-based diff indices, ascending) that changed it: CSR, built on first use. */
  private history: { start: Int32Array; steps: Int32Array } | null = null;

  constructor(
    private readonly diffs: readonly StepDiff[],
    private readonly events: readonly EventDiffs[],
    private readonly epcPages: number,
  ) {}

  private index(): { start: Int32Array; steps: Int32Array } {
    if (this.history) return this.history;
    const start = new Int32Array(this.epcPages + 1);
    for (const d of this.diffs) for (const p of d.epc) start[p + 1]++;
    for (let p = 0; p < this.epcPages; p++) start[p + 1] += start[p];
    const fill = start.slice(0, this.epcPages);
    const steps = new Int32Array(start[this.epcPages]);
    this.diffs.forEach((d, t) => {
      for (const p of d.epc) steps[fill[p]++] = t;
    });
    this.history = { start, steps };
    return this.history;
  }

  /** Entry `i` of `out` := page `p` as it was after `done` steps. */
  private putAfterSteps(out: EpcmRows, i: number, p: number, done: number): void {
    const { start, steps } = this.index();
    // The last step before `done` that changed p (its diff holds the entry as that step left it).
    let lo = start[p];
    let hi = start[p + 1] - 1;
    let t = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (steps[mid] < done) {
        t = steps[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (t < 0) putFree(out, i);
    else put(out, i, this.diffs[t], find(this.diffs[t], p));
  }

  /** Entry `i` of `out` := page `p` as it was before event `event` of step `step`. */
  private putBeforeEvent(out: EpcmRows, i: number, p: number, step: number, event: number): void {
    const ev = this.events[step - 1];
    for (let j = event - 1; j >= 0; j--) {
      const [from, to] = eventRows(ev, j);
      const row = find(ev, p, from, to);
      if (row >= 0) {
        put(out, i, ev, row);
        return;
      }
    }
    this.putAfterSteps(out, i, p, step - 1);
  }

  changes(step: number, event: number | null, scope: ChangeScope, limit: number): EpcmChanges {
    const none: EpcmChanges = {
      step,
      event,
      scope,
      total: 0,
      epc: new Int32Array(0),
      before: rows(0),
      after: rows(0),
    };
    if (!Number.isInteger(step) || step < 1 || step > this.diffs.length) return none;
    const ev = this.events[step - 1];
    const last = ev.end.length - 1;
    const cap = Math.max(0, Math.floor(limit));
    if (event !== null && (!Number.isInteger(event) || event < 0)) return none;

    if (scope === "event" && event !== null) {
      // Only what this event changed.
      const [from, to] = eventRows(ev, Math.min(event, last));
      const n = Math.min(to - from, cap);
      const out = {
        ...none,
        total: to - from,
        epc: ev.epc.slice(from, from + n),
        before: rows(n),
        after: rows(n),
      };
      for (let i = 0; i < n; i++) {
        put(out.after, i, ev, from + i);
        this.putBeforeEvent(out.before, i, ev.epc[from + i], step, Math.min(event, last));
      }
      return out;
    }

    if (event === null || event >= last) {
      // The whole step: its diff holds every page it changed, as the step left it.
      const d = this.diffs[step - 1];
      const n = Math.min(d.epc.length, cap);
      const out = { ...none, total: d.epc.length, epc: d.epc.slice(0, n), before: rows(n), after: rows(n) };
      for (let i = 0; i < n; i++) {
        put(out.after, i, d, i);
        this.putAfterSteps(out.before, i, d.epc[i], step - 1);
      }
      return out;
    }

    // The step up to `event`: the pages its events 0..event changed, each as the latest of them left it.
    const latest = new Map<number, number>();
    for (let j = 0; j <= event; j++) {
      const [from, to] = eventRows(ev, j);
      for (let r = from; r < to; r++) latest.set(ev.epc[r], r);
    }
    const pages = Int32Array.from(latest.keys()).sort();
    const n = Math.min(pages.length, cap);
    const out = { ...none, total: pages.length, epc: pages.slice(0, n), before: rows(n), after: rows(n) };
    for (let i = 0; i < n; i++) {
      put(out.after, i, ev, latest.get(pages[i]) as number);
      this.putAfterSteps(out.before, i, pages[i], step - 1);
    }
    return out;
  }
}
