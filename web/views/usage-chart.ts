// What the EPC usage chart and its table show, from the engine's counts: which steps to draw or
// list when a run has more steps than pixels or rows, and the rows themselves. Nothing here
// counts EPC pages; the numbers are the engine's (Session.epcUsage).
import type { EpcUsage } from "../engine/client.ts";

/** Stacking order, bottom to top (each drawn in its page-type colour, usage.css). */
export const CHART_KINDS = ["SECS", "TCS", "REG", "VA", "TRIM", "free"] as const;

export type ChartKind = (typeof CHART_KINDS)[number];

/** The table's columns after "Step". */
export const TABLE_COLUMNS = [...CHART_KINDS, "evicted"] as const;

/** Rows the table twin lists at most; longer runs are sampled evenly (first and last step kept). */
export const MAX_TABLE_ROWS = 400;

/**
 * Steps 0..total, or at most `max` of them spread evenly (always the first and the last), each
 * once, ascending.
 */
export function sampleSteps(total: number, max: number): number[] {
  const n = total + 1;
  if (n <= max) return Array.from({ length: n }, (_, k) => k);
  const out: number[] = [];
  let last = -1;
  for (let i = 0; i < max; i++) {
    const k = Math.round((i * total) / (max - 1));
    if (k !== last) out.push(k);
    last = k;
  }
  return out;
}

export interface UsageRow {
  step: number;
  SECS: number;
  TCS: number;
  REG: number;
  VA: number;
  TRIM: number;
  free: number;
  evicted: number;
}

/** The engine's counts after `step` steps, as one row. */
export function usageRow(u: EpcUsage, step: number): UsageRow {
  return {
    step,
    SECS: u.kinds.SECS[step],
    TCS: u.kinds.TCS[step],
    REG: u.kinds.REG[step],
    VA: u.kinds.VA[step],
    TRIM: u.kinds.TRIM[step],
    free: u.kinds.free[step],
    evicted: u.evicted[step],
  };
}

/** The largest number of evicted pages at any step (the evicted lane's scale). */
export function maxEvicted(u: EpcUsage): number {
  let m = 0;
  for (const v of u.evicted) if (v > m) m = v;
  return m;
}

/** One sentence for assistive technology: the run's peak use and evictions. */
export function usageSummary(u: EpcUsage): string {
  const steps = u.evicted.length - 1;
  let minFree = u.epcPages;
  let at = 0;
  u.kinds.free.forEach((v, k) => {
    if (v < minFree) {
      minFree = v;
      at = k;
    }
  });
  const peak = maxEvicted(u);
  const used = u.epcPages - minFree;
  const fmt = (n: number) => n.toLocaleString("en-US");
  return (
    `${fmt(u.epcPages)} EPC pages over ${fmt(steps)} steps; at most ${fmt(used)} in use (step ${fmt(at)})` +
    (peak > 0 ? `; up to ${fmt(peak)} pages evicted.` : "; no page evicted.")
  );
}
