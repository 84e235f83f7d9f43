import { describe, expect, it } from "vitest";
import type { PageTable } from "./pages.ts";
import { displayRows, RANGE_MIN, RANGE_SPLIT, rangeKey, runEnds } from "./table-ranges.ts";

/** A table of `n` consecutive REG pages on consecutive EPC pages, with one odd page at `odd`. */
function table(n: number, odd = -1): PageTable {
  const t: PageTable = {
    n,
    pages: n,
    index: new Int32Array(n).map((_, i) => i),
    epc: new Int32Array(n).map((_, i) => 100 + i),
    type: new Uint8Array(n).fill(3),
    flags: new Uint8Array(n).fill(7),
    kernel: new Int32Array(n).map((_, i) => i),
  };
  if (odd >= 0) t.flags[odd] = 5;
  return t;
}

describe("EPCM table ranges", () => {
  it("folds a long run into one range and keeps short runs as pages", () => {
    const t = table(1000, 10);
    const ends = runEnds(t);
    expect(Array.from(ends)).toEqual([10, 11, 1000]);
    const rows = displayRows(t, ends, new Set(), null);
    expect(rows.length).toBe(12);
    expect(rows[11]).toMatchObject({ kind: "range", from: 11, to: 1000 });
  });

  it("breaks a run where the EPC pages stop being consecutive, and joins evicted pages", () => {
    const t = table(200);
    t.epc[100] = 5;
    for (let i = 150; i < 200; i++) t.epc[i] = -1;
    expect(Array.from(runEnds(t))).toEqual([100, 101, 150, 200]);
  });

  it("expands a range into at most RANGE_SPLIT parts, down to single pages, and opens the selection's", () => {
    const t = table(2 ** 20);
    const ends = runEnds(t);
    const expanded = new Set([rangeKey(0, 2 ** 20)]);
    const rows = displayRows(t, ends, expanded, null);
    expect(rows.length).toBe(1 + RANGE_SPLIT);
    expect(rows[0]).toMatchObject({ kind: "range", open: true, depth: 0, from: 0, to: 2 ** 20 });
    expect(
      rows.slice(1).every((r) => r.kind === "range" && !r.open && r.depth === 1 && r.to - r.from === 2 ** 16),
    ).toBe(true);
    const withSelection = displayRows(t, ends, new Set(), 123_456);
    expect(withSelection.some((r) => r.kind === "page" && r.r === 123_456)).toBe(true);
    expect(withSelection.length).toBeLessThan(RANGE_SPLIT * 5 + 2 * RANGE_MIN);
  });
});
