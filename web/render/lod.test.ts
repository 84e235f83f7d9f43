import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  E_MODIFIED,
  E_PENDING,
  E_PR,
  E_VALID,
  PT_REG,
  PT_SECS,
  PT_TCS,
  PT_VA,
} from "../../engine/vocabulary/index.ts";
import { paletteFrom } from "./colors.ts";
import {
  binRuns,
  buildPyramid,
  ENCLAVE_EVICTED,
  enclaveRuns,
  epcRuns,
  levelFor,
  MARK_MODIFIED,
  MARK_PENDING,
  MARK_PR,
  makeLook,
  mixColour,
  rasterize,
  runList,
  tileSummary,
} from "./lod.ts";
import { binaryTicks, shareText, shownPages } from "./lod-draw.ts";
import type { PageTable } from "./pages.ts";

/** Runs that do not overlap, from sorted gaps and lengths. */
const runsArb = (cats: number) =>
  fc.array(
    fc.record({
      gap: fc.integer({ min: 0, max: 40 }),
      length: fc.integer({ min: 1, max: 90 }),
      cat: fc.integer({ min: 1, max: cats - 1 }),
      marks: fc.integer({ min: 0, max: 7 }),
    }),
    { maxLength: 20 },
  );

function place(spec: Array<{ gap: number; length: number; cat: number; marks: number }>) {
  const out: Array<{ start: number; length: number; cat: number; marks: number }> = [];
  let at = 0;
  for (const s of spec) {
    at += s.gap;
    out.push({ start: at, length: s.length, cat: s.cat, marks: s.marks });
    at += s.length;
  }
  return out;
}

/** What tile (tc, tr) of 2^L x 2^L cells holds, counted cell by cell. */
function bruteTile(
  count: number,
  cols: number,
  runs: ReturnType<typeof place>,
  changed: Set<number>,
  cats: number,
  L: number,
  tc: number,
  tr: number,
) {
  const byCat = new Array(cats).fill(0);
  let pending = 0;
  let modified = 0;
  let pr = 0;
  let ch = 0;
  const side = 2 ** L;
  for (let r = tr * side; r < (tr + 1) * side; r++)
    for (let c = tc * side; c < Math.min(cols, (tc + 1) * side); c++) {
      const i = r * cols + c;
      if (i >= count) continue;
      const run = runs.find((x) => i >= x.start && i < x.start + x.length);
      byCat[run ? run.cat : 0]++;
      if (run && run.marks & MARK_PENDING) pending++;
      if (run && run.marks & MARK_MODIFIED) modified++;
      if (run && run.marks & MARK_PR) pr++;
      if (changed.has(i)) ch++;
    }
  return { cells: byCat.reduce((a, b) => a + b, 0), byCat, pending, modified, pr, changed: ch };
}

describe("summary pyramid", () => {
  it("counts exactly what every tile of every level holds (runs crossing rows and tiles)", () => {
    fc.assert(
      fc.property(
        runsArb(5),
        fc.integer({ min: 1, max: 700 }),
        fc.constantFrom(1, 4, 16, 32),
        fc.array(fc.integer({ min: 0, max: 800 }), { maxLength: 30 }),
        (spec, count, cols, changedList) => {
          const runs = place(spec);
          const changed = new Set(changedList.filter((i) => i < count));
          // As the grids pass them: a typed array, repeats and cells past the end included.
          const p = buildPyramid(count, cols, runList(runs), Int32Array.from(changedList), 5);
          expect([...p.changedList]).toEqual([...changed]);
          for (let L = p.base; p.levels[L]; L++) {
            const level = p.levels[L];
            if (!level) break;
            for (let tr = 0; tr < level.trows; tr++)
              for (let tc = 0; tc < level.tcols; tc++)
                expect(tileSummary(p, L, tc, tr)).toEqual(
                  bruteTile(count, cols, runs, changed, 5, L, tc, tr),
                );
          }
          const top = p.levels[p.levels.length - 1];
          expect(top?.tcols).toBe(1);
          expect(top?.trows).toBe(1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("brought up to date in place from the pyramid shown before, equals one built anew", () => {
    const NONE = -1;
    /** Each cell's [category, marks] under `runs` (NONE: no run, the background). */
    const cellsOf = (count: number, runs: ReturnType<typeof place>) => {
      const cat = new Array<number>(count).fill(NONE);
      const marks = new Array<number>(count).fill(0);
      for (const r of runs)
        for (let i = r.start; i < Math.min(count, r.start + r.length); i++) {
          cat[i] = r.cat;
          marks[i] = r.marks;
        }
      return { cat, marks };
    };
    /** Runs of equal cells (cells of no run make none). */
    const runsOf = (c: { cat: number[]; marks: number[] }) => {
      const out: ReturnType<typeof place> = [];
      for (let i = 0; i < c.cat.length; i++) {
        if (c.cat[i] === NONE) continue;
        const last = out[out.length - 1];
        if (last && last.start + last.length === i && last.cat === c.cat[i] && last.marks === c.marks[i])
          last.length++;
        else out.push({ start: i, length: 1, cat: c.cat[i], marks: c.marks[i] });
      }
      return out;
    };
    const edit = fc.record({
      at: fc.integer({ min: 0, max: 700 }),
      length: fc.integer({ min: 1, max: 80 }),
      cat: fc.integer({ min: NONE, max: 4 }),
      marks: fc.integer({ min: 0, max: 7 }),
    });
    fc.assert(
      fc.property(
        runsArb(5),
        fc.oneof(fc.array(edit, { maxLength: 4 }), runsArb(5)),
        fc.integer({ min: 1, max: 700 }),
        fc.constantFrom(1, 4, 16, 32),
        fc.constantFrom(4, 16, 1 << 18),
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 800 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 800 }), { maxLength: 20 }),
        (specA, change, count, cols, maxBaseTiles, background, changedA, changedB) => {
          const a = place(specA);
          const before = cellsOf(count, a);
          let b: ReturnType<typeof place>;
          if (change.length > 0 && "at" in change[0]) {
            // A few stretches of cells edited (a step that changed some pages).
            const c = { cat: [...before.cat], marks: [...before.marks] };
            for (const e of change as Array<{ at: number; length: number; cat: number; marks: number }>)
              for (let i = e.at; i < Math.min(count, e.at + e.length); i++) {
                c.cat[i] = e.cat;
                c.marks[i] = e.cat === NONE ? 0 : e.marks;
              }
            b = runsOf(c);
          } else b = place(change as Parameters<typeof place>[0]);
          const after = cellsOf(count, b);
          let differ = 0;
          for (let i = 0; i < count; i++) {
            const o = before.cat[i] === NONE ? background : before.cat[i];
            const n = after.cat[i] === NONE ? background : after.cat[i];
            if (o !== n || before.marks[i] !== after.marks[i]) differ++;
          }
          const fresh = buildPyramid(count, cols, runList(b), changedB, 5, background, maxBaseTiles);
          const first = buildPyramid(count, cols, runList(a), changedA, 5, background, maxBaseTiles);
          const baseLevel = first.levels[first.base];
          const next = buildPyramid(count, cols, runList(b), changedB, 5, background, maxBaseTiles, first);
          // Patched in place while under half the cells differ, else built anew; after any
          // change a new levels array, so colours drawn from the old counts are not reused.
          expect(next.levels[next.base] === baseLevel).toBe(differ < count / 2);
          if (differ > 0) expect(next.levels).not.toBe(first.levels);
          expect(next.base).toBe(fresh.base);
          expect([...next.cell]).toEqual([...fresh.cell]);
          expect([...next.changedList]).toEqual([...fresh.changedList]);
          expect([...next.changed].flatMap((v, i) => (v ? [i] : []))).toEqual(
            [...fresh.changed].flatMap((v, i) => (v ? [i] : [])),
          );
          for (let L = fresh.base; fresh.levels[L]; L++) {
            const x = next.levels[L] as NonNullable<(typeof next.levels)[number]>;
            const y = fresh.levels[L] as NonNullable<(typeof fresh.levels)[number]>;
            expect([x.tcols, x.trows]).toEqual([y.tcols, y.trows]);
            expect([...x.counts]).toEqual([...y.counts]);
            expect([...x.marks]).toEqual([...y.marks]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps the counts of the pyramid shown before when the runs are the same, and redoes the changed cells", () => {
    const runs = () => runList([{ start: 3, length: 40, cat: 2, marks: MARK_PR }]);
    const first = buildPyramid(200, 16, runs(), [1, 2, 150], 4);
    const next = buildPyramid(200, 16, runs(), [5], 4, 0, undefined, first);
    expect(next.levels).toBe(first.levels);
    const changed = new Set([5]);
    const placed = [{ start: 3, length: 40, cat: 2, marks: MARK_PR }];
    for (let L = next.base; next.levels[L]; L++) {
      const level = next.levels[L];
      if (!level) break;
      for (let tr = 0; tr < level.trows; tr++)
        for (let tc = 0; tc < level.tcols; tc++)
          expect(tileSummary(next, L, tc, tr)).toEqual(bruteTile(200, 16, placed, changed, 4, L, tc, tr));
    }
    expect([...next.changed].flatMap((v, i) => (v ? [i] : []))).toEqual([5]);
    // Other runs: counted anew.
    const other = buildPyramid(
      200,
      16,
      runList([{ start: 0, length: 10, cat: 1 }]),
      [],
      4,
      0,
      undefined,
      next,
    );
    expect(other.levels).not.toBe(first.levels);
    expect(tileSummary(other, other.levels.length - 1, 0, 0).byCat).toEqual([190, 10, 0, 0]);
  });

  it("builds 2^24 cells from a few runs: one committed range, holes elsewhere", () => {
    const count = 2 ** 24;
    const cols = 16_384;
    const runs = runList([
      { start: 0, length: 12, cat: 4 },
      { start: 12, length: 2 ** 20, cat: 4, marks: MARK_PENDING },
    ]);
    const changed = Array.from({ length: 1000 }, (_, i) => 12 + i);
    const p = buildPyramid(count, cols, runs, changed, 7);
    const top = p.levels.length - 1;
    expect(tileSummary(p, top, 0, 0)).toEqual({
      cells: count,
      byCat: [count - 12 - 2 ** 20, 0, 0, 0, 12 + 2 ** 20, 0, 0],
      pending: 2 ** 20,
      modified: 0,
      pr: 0,
      changed: 1000,
    });
    // The finest level stays within its budget of tiles.
    const base = p.levels[p.base];
    expect((base?.tcols ?? 0) * (base?.trows ?? 0)).toBeLessThanOrEqual(1 << 18);
    // The first base tile (2^L x 2^L from the top left) is all pages: row 0 to row 2^L - 1.
    const side = 2 ** p.base;
    expect(tileSummary(p, p.base, 0, 0).byCat[4]).toBe(side * side);
  });
});

function table(rows: Array<{ index: number; epc: number; type: number; flags: number }>): PageTable {
  const n = rows.length;
  const pages = n ? rows[n - 1].index + 1 : 0;
  return {
    n,
    pages,
    index: Int32Array.from(rows.map((r) => r.index)),
    epc: Int32Array.from(rows.map((r) => r.epc)),
    type: Uint8Array.from(rows.map((r) => r.type)),
    flags: Uint8Array.from(rows.map((r) => r.flags)),
    kernel: Int32Array.from(rows.map((_, i) => i)),
  };
}

describe("runs from the engine's columns", () => {
  it("an enclave's pages: consecutive pages that look the same are one run; evicted pages have no marks", () => {
    const v = E_VALID | 3;
    const t = table([
      { index: 0, epc: 5, type: PT_TCS, flags: E_VALID },
      { index: 1, epc: 6, type: PT_REG, flags: v },
      { index: 2, epc: 9, type: PT_REG, flags: v },
      { index: 3, epc: 7, type: PT_REG, flags: v | E_PENDING },
      { index: 5, epc: -1, type: PT_REG, flags: 0 },
      { index: 6, epc: -1, type: PT_REG, flags: 0 },
    ]);
    const r = enclaveRuns(t);
    const rows = Array.from({ length: r.n }, (_, k) => [r.start[k], r.length[k], r.cat[k], r.marks[k]]);
    expect(rows).toEqual([
      [0, 1, 2 + PT_TCS, 0],
      [1, 2, 2 + PT_REG, 0],
      [3, 1, 2 + PT_REG, MARK_PENDING],
      [5, 2, ENCLAVE_EVICTED, 0],
    ]);
  });

  it("the EPC's pages: free pages make no run; SECS, VA, owners and marks", () => {
    const epc = {
      flags: Uint8Array.from([E_VALID, E_VALID, 0, E_VALID | E_MODIFIED, E_VALID | E_PR, E_VALID]),
      pt: Uint8Array.from([PT_SECS, PT_VA, 0, PT_REG, PT_REG, PT_REG]),
      encl: Int16Array.from([0, 0, -1, 1, 1, 6]),
      offset: new Float64Array(6),
    };
    const r = epcRuns(epc, 5);
    const rows = Array.from({ length: r.n }, (_, k) => [r.start[k], r.length[k], r.cat[k], r.marks[k]]);
    expect(rows).toEqual([
      [0, 1, 1, 0],
      [1, 1, 2, 0],
      [3, 1, 9, MARK_MODIFIED],
      [4, 1, 9, MARK_PR],
      [5, 1, 9, 0],
    ]);
  });
});

describe("overview bins", () => {
  it("bins hold exactly the cells of each category, fractions at bin edges included", () => {
    fc.assert(
      fc.property(
        runsArb(4),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 37 }),
        (spec, count, bins) => {
          const runs = place(spec);
          const p = buildPyramid(count, 8, runList(runs), [], 4);
          const out = binRuns(p, bins);
          const span = count / bins;
          for (let b = 0; b < bins; b++)
            for (let cat = 0; cat < 4; cat++) {
              let want = 0;
              for (let i = 0; i < count; i++) {
                const lo = Math.max(i, b * span);
                const hi = Math.min(i + 1, (b + 1) * span);
                if (hi <= lo) continue;
                const run = runs.find((x) => i >= x.start && i < x.start + x.length);
                if ((run ? run.cat : 0) === cat) want += hi - lo;
              }
              expect(out[b * 4 + cat]).toBeCloseTo(want, 6);
            }
        },
      ),
      { numRuns: 40 },
    );
  });
});

const pal = paletteFrom(
  (name) =>
    ({
      "page-hole": "#ffffff",
      "page-evicted": "#888888",
      "page-reg": "#0000ff",
      "flag-pending": "#ffaa00",
      changed: "#ff0000",
      bg: "#ffffff",
      "grid-line": "#cccccc",
    })[name as string] ?? "#000000",
);
const vars = ["page-hole", "page-evicted", "page-reg"] as const;

describe("pixels", () => {
  const look = () => makeLook(pal, [...vars]);
  const view = (k: number, cell: number) => ({
    left: 0,
    top: 0,
    cell,
    width: 64,
    height: 64,
    k,
    x: 0,
    y: 0,
    dpr: 1,
  });

  it("single cells where a cell is at least a pixel", () => {
    const p = buildPyramid(16, 4, runList([{ start: 5, length: 2, cat: 2 }]), [6], 3);
    const out = new Uint32Array(64 * 64);
    rasterize(p, look(), view(1, 4), out, 64, 64);
    const l = look();
    // Cell 5 is column 1, row 1: pixels 4..7 x 4..7.
    expect(out[5 * 64 + 5]).toBe(l.cat[2]);
    expect(out[1 * 64 + 1]).toBe(l.cat[0]);
    expect(levelFor(p, 4)).toBe(0);
    const changed = new Uint32Array(64 * 64);
    rasterize(p, look(), view(1, 4), changed, 64, 64, true);
    expect(changed[5 * 64 + 9]).toBe(l.changed); // cell 6
    expect(changed[5 * 64 + 5]).toBe(0);
  });

  it("tiles where cells are under a pixel: their cells' colours averaged, PENDING as a tint", () => {
    // 64 x 64 cells in a 16 x 16 pixel area: 4 cells a pixel, tiles of 2^L >= MIN_TILE pixels.
    const count = 64 * 64;
    const half = runList([{ start: 0, length: count / 2, cat: 2, marks: MARK_PENDING }]);
    const p = buildPyramid(count, 64, half, [], 3);
    const L = levelFor(p, 0.25);
    expect(2 ** L * 0.25).toBeGreaterThanOrEqual(1);
    const l = look();
    const out = new Uint32Array(16 * 16);
    rasterize(p, l, { ...view(1, 0.25), width: 16, height: 16 }, out, 16, 16);
    // The top half is REG (all PENDING: tinted towards the PENDING colour), the bottom half holes.
    expect(out[1 * 16 + 1]).not.toBe(l.cat[2]);
    expect(out[1 * 16 + 1]).not.toBe(l.pending);
    expect(out[14 * 16 + 14]).toBe(l.cat[0]);
    // At the top level, REG and holes mix evenly.
    const top = p.levels[p.levels.length - 1];
    expect(mixColour(l, top?.counts ?? [], 0, 3)).not.toBe(l.cat[2]);
  });

  it("tiles of 4 pixels or more: a bar along the bottom with the PENDING share", () => {
    const count = 64 * 64;
    const runs = runList([
      { start: 0, length: 4, cat: 2, marks: MARK_PENDING },
      { start: 4, length: 4, cat: 2 },
    ]);
    // At most 64 tiles: the finest level has tiles of 8 x 8 cells, 4 pixels at half a pixel a cell.
    const p = buildPyramid(count, 64, runs, [], 3, 0, 64);
    expect(p.base).toBe(3);
    const l = look();
    const out = new Uint32Array(32 * 32);
    rasterize(p, l, { ...view(1, 0.5), width: 32, height: 32 }, out, 32, 32);
    // Tile (0, 0) holds 8 REG pages, 4 of them PENDING: its bottom pixel row is half PENDING.
    const colour = out[0];
    expect(colour).not.toBe(l.cat[2]);
    expect(out[3 * 32 + 0]).toBe(l.pending);
    expect(out[3 * 32 + 1]).toBe(l.pending);
    expect(out[3 * 32 + 3]).toBe(colour);
    // The next tile holds no pages: no bar.
    expect(out[3 * 32 + 5]).toBe(l.cat[0]);
  });
});

describe("overview geometry", () => {
  it("binary ticks, the pages a view shows, its share in words", () => {
    expect(binaryTicks(2 ** 24, 4)).toEqual([0, 2 ** 22, 2 ** 23, 3 * 2 ** 22]);
    expect(binaryTicks(100, 3)).toEqual([0, 64]);
    const layout = { count: 1000, cols: 10, rows: 100, cell: 1, left: 0, top: 0, width: 10, height: 100 };
    expect(shownPages(layout, { k: 1, x: 0, y: 0 })).toEqual([0, 1000]);
    // Zoomed 10x on the top left: rows 0..9 of 100 are in view.
    expect(shownPages(layout, { k: 10, x: 0, y: 0 })).toEqual([0, 100]);
    expect(shareText(100, 1000)).toBe("10.0%");
    expect(shareText(1000, 1000)).toBe("all");
    expect(shareText(1, 2 ** 24)).toBe("0.0000060%");
  });
});
