// The EPCM table's ranges: consecutive pages of an enclave that share an entry (type, flags) and
// sit on consecutive EPC pages (or are all evicted) are one row, "0xc000–0x40c000 REG RW-
// ×1,048,576", as the trace writes them (docs/scenario-format.md, Compact traces). A range
// expands into at most RANGE_SPLIT smaller ranges, down to single pages, so the table never
// holds more than a few hundred rows whatever the enclave's size (an open range shows at most
// RANGE_SPLIT parts, or under 2 x RANGE_MIN pages).

import { type PageRow, type PageTable, pageRow } from "./pages.ts";

/** Runs shorter than this stay single rows (small enclaves look as they always did). */
export const RANGE_MIN = 64;
/** How many parts an expanded range shows. */
export const RANGE_SPLIT = 16;

export type DisplayRow =
  | { kind: "page"; r: number; depth: number }
  | {
      kind: "range";
      key: string;
      from: number;
      to: number;
      first: PageRow;
      last: PageRow;
      /** Open: its parts follow it, one level deeper. */
      open: boolean;
      depth: number;
    };

/** Whether row r + 1 continues the run of row r. */
function continues(t: PageTable, r: number): boolean {
  const s = r + 1;
  if (t.index[s] !== t.index[r] + 1 || t.type[s] !== t.type[r] || t.flags[s] !== t.flags[r]) return false;
  return t.epc[r] < 0 ? t.epc[s] < 0 : t.epc[s] === t.epc[r] + 1;
}

/** The end (exclusive) of each run of the table, in order. */
export function runEnds(t: PageTable): Int32Array {
  const out: number[] = [];
  for (let r = 0; r < t.n; r++) if (r === t.n - 1 || !continues(t, r)) out.push(r + 1);
  return Int32Array.from(out);
}

/** A range's key for the expanded set. */
export const rangeKey = (from: number, to: number) => `${from}:${to}`;

/**
 * The rows the table shows: pages, and ranges of at least RANGE_MIN pages unless expanded (or
 * holding row `keep`, which must stay visible).
 */
export function displayRows(
  t: PageTable,
  ends: Int32Array,
  expanded: ReadonlySet<string>,
  keep: number | null,
): DisplayRow[] {
  const out: DisplayRow[] = [];
  const pages = (from: number, to: number, depth: number) => {
    for (let r = from; r < to; r++) out.push({ kind: "page", r, depth });
  };
  const emit = (from: number, to: number, depth: number) => {
    const count = to - from;
    if (count < RANGE_MIN) return pages(from, to, depth);
    const key = rangeKey(from, to);
    const open = expanded.has(key) || (keep !== null && keep >= from && keep < to);
    out.push({
      kind: "range",
      key,
      from,
      to,
      first: pageRow(t, from),
      last: pageRow(t, to - 1),
      open,
      depth,
    });
    if (!open) return;
    // Parts of at least RANGE_MIN pages: a range under twice that opens into its pages.
    if (count < 2 * RANGE_MIN) return pages(from, to, depth + 1);
    const size = Math.max(RANGE_MIN, Math.ceil(count / RANGE_SPLIT));
    for (let s = from; s < to; s += size) emit(s, Math.min(to, s + size), depth + 1);
  };
  let from = 0;
  for (const end of ends) {
    emit(from, end, 0);
    from = end;
  }
  return out;
}
