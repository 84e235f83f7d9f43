// Level of detail for the grids (loaded on demand, for grids of LOD_CELLS cells or more): when a
// cell would be smaller than a pixel, the grid shows tiles that summarise the cells they hold.
//
// - Runs: the engine's columns as ranges of consecutive cells that look the same (category =
//   colour, and PENDING/MODIFIED/PR marks); a 2^20-page enclave committed in one go is one run.
// - The pyramid: tiles of 2^L x 2^L cells (the grid has a power-of-two column count, so tiles
//   align), counting per tile the cells of each category, of each mark, and those changed at this
//   position. The finest level is filled from the runs (work proportional to the tiles a run
//   covers, never to cells one by one), each coarser level by adding four tiles of the one below.
// - Drawing: one pass over the canvas's pixels (not over the cells): a pixel shows its cell when
//   cells are at least a pixel, else the tile of the finest level that is at least MIN_TILE
//   pixels: its colour is the cells' colours averaged by count (so a half-filled tile looks
//   half-filled), a bar along its bottom shows the PENDING, MODIFIED and PR share of its pages,
//   and the overlay marks tiles that hold changed cells.
//
// Pure: no DOM; the renderer (grid-renderer.ts) puts the pixels on its canvases.

import { E_MODIFIED, E_PENDING, E_PR, E_VALID, PT_SECS, PT_VA } from "../../engine/vocabulary/index.ts";
import type { EpcColumns } from "../../engine/vocabulary/view.ts";
import { enclaveColour, type Palette, type PaletteVar, packRgb, pageTypeColour } from "./colors.ts";
import type { LodSource } from "./lod-types.ts";
import type { PageTable } from "./pages.ts";

/** Mark bits of a run. */
export const MARK_PENDING = 1;
export const MARK_MODIFIED = 2;
export const MARK_PR = 4;
/** Mark counters per tile: PENDING, MODIFIED, PR, changed. */
const MARKS = 4;
const CHANGED = 3;

/** Ranges of consecutive cells with one category and one set of marks, in order, not overlapping. */
export interface RunList {
  n: number;
  start: Float64Array;
  length: Float64Array;
  cat: Uint8Array;
  marks: Uint8Array;
}

/** A run list from plain objects (tests). */
export function runList(runs: ReadonlyArray<{ start: number; length: number; cat: number; marks?: number }>) {
  const r = newRuns(runs.length);
  for (const x of runs) pushRun(r, x.start, x.length, x.cat, x.marks ?? 0);
  return r;
}

function newRuns(capacity: number): RunList {
  const c = Math.max(16, capacity);
  return {
    n: 0,
    start: new Float64Array(c),
    length: new Float64Array(c),
    cat: new Uint8Array(c),
    marks: new Uint8Array(c),
  };
}

/** Appends a run, merging it into the previous one when it continues it. */
function pushRun(r: RunList, start: number, length: number, cat: number, marks: number): void {
  const last = r.n - 1;
  if (
    last >= 0 &&
    r.cat[last] === cat &&
    r.marks[last] === marks &&
    r.start[last] + r.length[last] === start
  ) {
    r.length[last] += length;
    return;
  }
  if (r.n === r.start.length) {
    const grow = newRuns(r.n * 2);
    grow.start.set(r.start);
    grow.length.set(r.length);
    grow.cat.set(r.cat);
    grow.marks.set(r.marks);
    r.start = grow.start;
    r.length = grow.length;
    r.cat = grow.cat;
    r.marks = grow.marks;
  }
  r.start[r.n] = start;
  r.length[r.n] = length;
  r.cat[r.n] = cat;
  r.marks[r.n] = marks;
  r.n++;
}

function marksOf(flags: number): number {
  return (
    (flags & E_PENDING ? MARK_PENDING : 0) |
    (flags & E_MODIFIED ? MARK_MODIFIED : 0) |
    (flags & E_PR ? MARK_PR : 0)
  );
}

/** Enclave categories: 0 no page (the background), 1 evicted, 2 + page type. */
export const ENCLAVE_HOLE = 0;
export const ENCLAVE_EVICTED = 1;

/** The colour variable of each enclave category. */
export function enclaveVars(): PaletteVar[] {
  return ["page-hole", "page-evicted", ...[0, 1, 2, 3, 4].map(pageTypeColour)];
}

/** An enclave's pages (one row per page with a record or an EPCM entry, sorted) as runs. */
export function enclaveRuns(t: PageTable): RunList {
  const r = newRuns(64);
  for (let i = 0; i < t.n; i++) {
    const evicted = t.epc[i] < 0;
    pushRun(r, t.index[i], 1, evicted ? ENCLAVE_EVICTED : 2 + t.type[i], evicted ? 0 : marksOf(t.flags[i]));
  }
  return r;
}

/** EPC categories: 0 free (the background), 1 SECS, 2 VA, 3 + type for pages of no enclave, 8 + owner colour. */
const EPC_OWNED = 8;

/** The colour variable of each EPC category (as epcCellColour picks it). */
export function epcVars(p: Palette): PaletteVar[] {
  const owners: PaletteVar[] = [];
  for (let k = 0; k < p.enclaveColours; k++) owners.push(enclaveColour(p, k));
  return ["page-free", "page-secs", "page-va", ...[0, 1, 2, 3, 4].map(pageTypeColour), ...owners];
}

/** The EPC's pages as runs (free pages are the background and make no run). */
export function epcRuns(epc: EpcColumns, owners: number): RunList {
  const r = newRuns(64);
  const { flags, pt, encl } = epc;
  const n = flags.length;
  for (let i = 0; i < n; i++) {
    const f = flags[i];
    if (!(f & E_VALID)) continue;
    const t = pt[i];
    const e = encl[i];
    const cat = t === PT_SECS ? 1 : t === PT_VA ? 2 : e < 0 ? 3 + Math.min(4, t) : EPC_OWNED + (e % owners);
    pushRun(r, i, 1, cat, marksOf(f));
  }
  return r;
}

export interface Level {
  /** Tiles are 2^L x 2^L cells. */
  L: number;
  tcols: number;
  trows: number;
  /** Cells per category: counts[tile * cats + cat] (the background included). */
  counts: Uint32Array;
  /** PENDING, MODIFIED, PR and changed cells: marks[tile * 4 + k]. */
  marks: Uint32Array;
}

export interface Pyramid {
  count: number;
  cols: number;
  rows: number;
  cats: number;
  /** The category of cells no run covers. */
  background: number;
  runs: RunList;
  /** Each cell's category (level 0). */
  cell: Uint8Array;
  /** Changed cells (level 0), 1 where changed (empty when none changed). */
  changed: Uint8Array;
  /** The changed cells, once each. */
  changedList: Int32Array;
  changedCount: number;
  maxBaseTiles: number;
  /** levels[L] for L from `base` up to the level with one tile; undefined below `base`. */
  levels: Array<Level | undefined>;
  /** The finest summary level; -1 for a pyramid of runs only (runsOnly()). */
  base: number;
}

/**
 * A pyramid with its runs and nothing else (no cells, no changed marks, no summary levels): what
 * the overview strip draws from while the grid's cells are big enough to draw one by one. A
 * step then costs the runs, not a pyramid of the whole grid.
 */
export function runsOnly(count: number, cols: number, runs: RunList, cats: number, background = 0): Pyramid {
  return {
    count,
    cols,
    rows: Math.max(1, Math.ceil(count / cols)),
    cats,
    background,
    maxBaseTiles: MAX_BASE_TILES,
    runs,
    cell: new Uint8Array(0),
    changed: new Uint8Array(0),
    changedList: new Int32Array(0),
    changedCount: 0,
    levels: [],
    base: -1,
  };
}

/** Whether a pyramid has its cells and summary levels (not runsOnly()). */
export const isFull = (p: Pyramid): boolean => p.base >= 0;

/** The most tiles the finest summary level may have (its counters' memory). */
export const MAX_BASE_TILES = 1 << 18;

const tilesAt = (cols: number, rows: number, L: number) =>
  Math.ceil(cols / 2 ** L) * Math.ceil(rows / 2 ** L);

/** Whether two run lists are the same ranges with the same categories and marks. */
export function sameRuns(a: RunList, b: RunList): boolean {
  if (a.n !== b.n) return false;
  for (let k = 0; k < a.n; k++)
    if (
      a.start[k] !== b.start[k] ||
      a.length[k] !== b.length[k] ||
      a.cat[k] !== b.cat[k] ||
      a.marks[k] !== b.marks[k]
    )
      return false;
  return true;
}

/**
 * Builds the summary pyramid of `count` cells laid out `cols` across from runs and changed cells.
 * Given the pyramid shown before (`previous`) with the same layout, it is brought up to date in
 * place instead: with the same runs (a step that changed no EPCM entry the grid shows) only the
 * changed cells are redone; with other runs, only the cells whose category or marks differ are
 * moved between counts (a step that changed a few pages of a 64 GiB range costs those pages, not
 * the range). `previous` must not be used afterwards.
 */
export function buildPyramid(
  count: number,
  cols: number,
  runs: RunList,
  changed: ArrayLike<number>,
  cats: number,
  background = 0,
  maxBaseTiles = MAX_BASE_TILES,
  previous: Pyramid | null = null,
): Pyramid {
  const rows = Math.max(1, Math.ceil(count / cols));
  // Typed arrays and index loops: a step that changed a million pages passes a million cells.
  const list = new Int32Array(changed.length);
  let listed = 0;
  for (let k = 0; k < changed.length; k++) {
    const i = changed[k];
    if (i >= 0 && i < count) list[listed++] = i;
  }
  const sameLayout =
    previous !== null &&
    isFull(previous) &&
    previous.count === count &&
    previous.cols === cols &&
    previous.cats === cats &&
    previous.background === background &&
    previous.maxBaseTiles === maxBaseTiles;
  const reuse = sameLayout && sameRuns(previous.runs, runs);
  const patch = sameLayout && !reuse && patchable(previous, runs);
  // Changed cells, once each (the level-0 marks reuse the previous buffer, cleared).
  let changedCells: Uint8Array;
  if ((reuse || patch) && previous.changed.length === count) {
    changedCells = previous.changed;
    const old = previous.changedList;
    for (let k = 0; k < old.length; k++) changedCells[old[k]] = 0;
  } else changedCells = new Uint8Array(listed > 0 ? count : 0);
  if (listed > 0 && changedCells.length === 0) changedCells = new Uint8Array(count);
  let kept = 0;
  for (let k = 0; k < listed; k++) {
    const i = list[k];
    if (!changedCells[i]) {
      changedCells[i] = 1;
      list[kept++] = i;
    }
  }
  const distinct = list.subarray(0, kept);
  if (reuse) {
    countChanged(previous.levels, previous.base, cols, distinct);
    return { ...previous, runs, changed: changedCells, changedList: distinct, changedCount: distinct.length };
  }
  if (patch) {
    diffRuns(previous.runs, runs, count, background, (from, to, oldCat, oldMarks, newCat, newMarks) => {
      addRange(previous, from, to, oldCat, oldMarks, -1);
      addRange(previous, from, to, newCat, newMarks, 1);
      previous.cell.fill(newCat, from, to);
    });
    countChanged(previous.levels, previous.base, cols, distinct);
    // A new levels array: what was drawn from the old counts (tile colours) is not reused.
    return {
      ...previous,
      runs,
      levels: [...previous.levels],
      changed: changedCells,
      changedList: distinct,
      changedCount: distinct.length,
    };
  }
  const cell = new Uint8Array(count);
  if (background !== 0) cell.fill(background);
  for (let k = 0; k < runs.n; k++) {
    const a = Math.max(0, runs.start[k]);
    const b = Math.min(count, runs.start[k] + runs.length[k]);
    if (b > a) cell.fill(runs.cat[k], a, b);
  }
  let base = 1;
  while (tilesAt(cols, rows, base) > maxBaseTiles) base++;
  const levels: Array<Level | undefined> = [];
  let level = baseLevel(count, cols, rows, base, runs, cats, background);
  levels[base] = level;
  while (level.tcols > 1 || level.trows > 1) {
    level = coarser(level, cats);
    levels[level.L] = level;
  }
  countChanged(levels, base, cols, distinct);
  return {
    count,
    cols,
    rows,
    cats,
    background,
    maxBaseTiles,
    runs,
    cell,
    changed: changedCells,
    changedList: distinct,
    changedCount: distinct.length,
    levels,
    base,
  };
}

/**
 * Whether patching `previous` to `runs` is cheaper than building anew: the cells whose category
 * or marks differ are under half the grid.
 */
function patchable(previous: Pyramid, runs: RunList): boolean {
  let differ = 0;
  diffRuns(previous.runs, runs, previous.count, previous.background, (from, to) => {
    differ += to - from;
  });
  return differ < previous.count / 2;
}

/**
 * Calls `visit` for each stretch of cells [from, to) whose category or marks differ between the
 * run lists `a` and `b` (cells no run covers are `background` with no marks). Linear in the runs.
 */
function diffRuns(
  a: RunList,
  b: RunList,
  count: number,
  background: number,
  visit: (
    from: number,
    to: number,
    oldCat: number,
    oldMarks: number,
    newCat: number,
    newMarks: number,
  ) => void,
): void {
  let i = 0;
  let j = 0;
  for (let x = 0; x < count; ) {
    while (i < a.n && a.start[i] + a.length[i] <= x) i++;
    while (j < b.n && b.start[j] + b.length[j] <= x) j++;
    const inA = i < a.n && a.start[i] <= x;
    const inB = j < b.n && b.start[j] <= x;
    let next = count;
    if (i < a.n) next = Math.min(next, inA ? a.start[i] + a.length[i] : a.start[i]);
    if (j < b.n) next = Math.min(next, inB ? b.start[j] + b.length[j] : b.start[j]);
    const oldCat = inA ? a.cat[i] : background;
    const oldMarks = inA ? a.marks[i] : 0;
    const newCat = inB ? b.cat[j] : background;
    const newMarks = inB ? b.marks[j] : 0;
    if (oldCat !== newCat || oldMarks !== newMarks) visit(x, next, oldCat, oldMarks, newCat, newMarks);
    x = next;
  }
}

/** Adds `sign` times the cells [from, to), of category `cat` with marks `m`, to every level's tiles. */
function addRange(p: Pyramid, from: number, to: number, cat: number, m: number, sign: number): void {
  for (let L = p.base; p.levels[L]; L++) {
    const level = p.levels[L] as Level;
    forEachTileSpan(from, to, p.cols, 2 ** L, level.tcols, (tile, n) =>
      addCells(level, p.cats, tile, cat, m, sign * n),
    );
  }
}

/**
 * Calls `visit(tile, n)` for each tile (2^L cells a side, `tcols` across) that the cells [from, to)
 * of a grid `cols` across cross, row segment by row segment, with the number of them it holds.
 */
function forEachTileSpan(
  from: number,
  to: number,
  cols: number,
  side: number,
  tcols: number,
  visit: (tile: number, n: number) => void,
): void {
  for (let i = from; i < to; ) {
    const r = Math.floor(i / cols);
    const c0 = i - r * cols;
    const c1 = Math.min(cols, c0 + (to - i)); // exclusive
    const tr = Math.floor(r / side);
    for (let tc = Math.floor(c0 / side); tc * side < c1; tc++)
      visit(tr * tcols + tc, Math.min(c1, (tc + 1) * side) - Math.max(c0, tc * side));
    i += c1 - c0;
  }
}

/** Counts `n` cells of category `cat` with marks `m` in tile `tile` (n < 0 takes them out). */
function addCells(level: Level, cats: number, tile: number, cat: number, m: number, n: number): void {
  level.counts[tile * cats + cat] += n;
  if (m & MARK_PENDING) level.marks[tile * MARKS] += n;
  if (m & MARK_MODIFIED) level.marks[tile * MARKS + 1] += n;
  if (m & MARK_PR) level.marks[tile * MARKS + 2] += n;
}

/**
 * Sets the changed counts of every level: the finest from the changed cells, each coarser one by
 * adding the four tiles below it.
 */
function countChanged(levels: Array<Level | undefined>, base: number, cols: number, changed: Int32Array) {
  const first = levels[base];
  if (!first) return;
  const { marks, tcols } = first;
  for (let t = CHANGED; t < marks.length; t += MARKS) marks[t] = 0;
  const side = 2 ** base;
  for (let k = 0; k < changed.length; k++) {
    const i = changed[k];
    const r = Math.floor(i / cols);
    marks[(Math.floor(r / side) * tcols + Math.floor((i - r * cols) / side)) * MARKS + CHANGED]++;
  }
  for (let L = base + 1; levels[L]; L++) {
    const f = levels[L - 1] as Level;
    const to = levels[L] as Level;
    for (let t = CHANGED; t < to.marks.length; t += MARKS) to.marks[t] = 0;
    for (let r = 0; r < f.trows; r++)
      for (let c = 0; c < f.tcols; c++)
        to.marks[((r >> 1) * to.tcols + (c >> 1)) * MARKS + CHANGED] +=
          f.marks[(r * f.tcols + c) * MARKS + CHANGED];
  }
}

function baseLevel(
  count: number,
  cols: number,
  rows: number,
  L: number,
  runs: RunList,
  cats: number,
  background: number,
): Level {
  const side = 2 ** L;
  const tcols = Math.ceil(cols / side);
  const trows = Math.ceil(rows / side);
  const tiles = tcols * trows;
  const level: Level = {
    L,
    tcols,
    trows,
    counts: new Uint32Array(tiles * cats),
    marks: new Uint32Array(tiles * MARKS),
  };
  const { counts } = level;
  const used = new Float64Array(tiles);
  // Each run adds its overlap with each tile it crosses.
  for (let k = 0; k < runs.n; k++) {
    const cat = runs.cat[k];
    const m = runs.marks[k];
    const from = Math.max(0, runs.start[k]);
    const to = Math.min(count, runs.start[k] + runs.length[k]);
    forEachTileSpan(from, to, cols, side, tcols, (tile, n) => {
      addCells(level, cats, tile, cat, m, n);
      used[tile] += n;
    });
  }
  // The background: what each tile holds of the grid's cells and no run covers. Every row is
  // full but the last, which has `tail` cells.
  const tail = count - (rows - 1) * cols;
  for (let tr = 0; tr < trows; tr++) {
    const h = Math.min(rows, (tr + 1) * side) - tr * side;
    const holdsLast = (rows - 1) >> Math.log2(side) === tr;
    for (let tc = 0; tc < tcols; tc++) {
      const tile = tr * tcols + tc;
      const w = Math.min(cols, (tc + 1) * side) - tc * side;
      let cap = w * h;
      if (holdsLast) cap -= w - Math.max(0, Math.min(w, tail - tc * side));
      counts[tile * cats + background] += cap - used[tile];
    }
  }
  return level;
}

function coarser(f: Level, cats: number): Level {
  const tcols = Math.ceil(f.tcols / 2);
  const trows = Math.ceil(f.trows / 2);
  const counts = new Uint32Array(tcols * trows * cats);
  const marks = new Uint32Array(tcols * trows * MARKS);
  for (let r = 0; r < f.trows; r++)
    for (let c = 0; c < f.tcols; c++) {
      const from = r * f.tcols + c;
      const to = (r >> 1) * tcols + (c >> 1);
      for (let k = 0; k < cats; k++) counts[to * cats + k] += f.counts[from * cats + k];
      for (let k = 0; k < MARKS; k++) marks[to * MARKS + k] += f.marks[from * MARKS + k];
    }
  return { L: f.L + 1, tcols, trows, counts, marks };
}

export interface TileSummary {
  /** Cells of the grid in the tile. */
  cells: number;
  byCat: number[];
  pending: number;
  modified: number;
  pr: number;
  changed: number;
}

/** What tile (tc, tr) of level L holds (L at least the pyramid's base). */
export function tileSummary(p: Pyramid, L: number, tc: number, tr: number): TileSummary {
  const level = p.levels[L];
  if (!level) throw new Error(`no level ${L} (levels ${p.base} and up)`);
  const tile = tr * level.tcols + tc;
  const byCat = Array.from(level.counts.subarray(tile * p.cats, (tile + 1) * p.cats));
  const m = level.marks.subarray(tile * MARKS, (tile + 1) * MARKS);
  return {
    cells: byCat.reduce((a, b) => a + b, 0),
    byCat,
    pending: m[0],
    modified: m[1],
    pr: m[2],
    changed: m[CHANGED],
  };
}

/** Cells of each category in pages [from, to), binned into `bins` equal parts (the overview). */
export function binRuns(p: Pyramid, bins: number, from = 0, to = p.count): Float64Array {
  const out = new Float64Array(bins * p.cats);
  const span = Math.max(1, to - from) / bins;
  // Pages [a, b) of one category, spread over the bins they cross.
  const add = (a: number, b: number, cat: number) => {
    const first = Math.min(bins - 1, Math.floor((a - from) / span));
    const last = Math.min(bins - 1, Math.ceil((b - from) / span) - 1);
    for (let bin = first; bin <= last; bin++) {
      const lo = bin === 0 ? from : from + bin * span;
      const hi = bin === bins - 1 ? to : from + (bin + 1) * span;
      const n = Math.min(b, hi) - Math.max(a, lo);
      if (n > 0) out[bin * p.cats + cat] += n;
    }
  };
  let at = from;
  for (let k = 0; k < p.runs.n; k++) {
    const a = Math.max(from, p.runs.start[k]);
    const b = Math.min(to, p.runs.start[k] + p.runs.length[k]);
    if (b <= a) continue;
    if (a > at) add(at, a, p.background);
    add(a, b, p.runs.cat[k]);
    at = b;
  }
  if (at < to) add(at, to, p.background);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Colours and pixels.

export interface Look {
  /** Packed colour (packRgb) of each category. */
  cat: Uint32Array;
  pending: number;
  modified: number;
  pr: number;
  changed: number;
  line: number;
  bg: number;
  /** Per level: each tile's colour, its cells' colours averaged by count (filled on demand). */
  tiles: Array<Uint32Array | undefined>;
  /** The same, tinted by the share of PENDING, MODIFIED and PR pages (tiles too small for a bar). */
  tinted: Array<Uint32Array | undefined>;
}

export function makeLook(p: Palette, vars: PaletteVar[]): Look {
  return {
    cat: Uint32Array.from(vars.map((v) => packRgb(p.rgb[v]))),
    pending: packRgb(p.rgb["flag-pending"]),
    modified: packRgb(p.rgb["flag-modified"]),
    pr: packRgb(p.rgb["flag-pr"]),
    changed: packRgb(p.rgb.changed),
    line: packRgb(p.rgb["grid-line"]),
    bg: packRgb(p.rgb.bg),
    tiles: [],
    tinted: [],
  };
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Channel `k` (0 red, 1 green, 2 blue) of a packed colour. */
function channel(c: number, k: number): number {
  return littleEndian ? (c >>> (8 * k)) & 255 : (c >>> (24 - 8 * k)) & 255;
}

function pack(r: number, g: number, b: number, a = 255): number {
  return littleEndian
    ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0
    : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}

/** A packed colour with alpha `a` (0–255). */
export function withAlpha(c: number, a: number): number {
  return pack(channel(c, 0), channel(c, 1), channel(c, 2), a);
}

/** The average colour of a tile's cells, weighted by count. */
export function mixColour(look: Look, counts: ArrayLike<number>, offset: number, cats: number): number {
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let k = 0; k < cats; k++) {
    const w = counts[offset + k];
    if (!w) continue;
    const c = look.cat[k];
    r += w * channel(c, 0);
    g += w * channel(c, 1);
    b += w * channel(c, 2);
    n += w;
  }
  return n === 0 ? look.bg : pack(Math.round(r / n), Math.round(g / n), Math.round(b / n));
}

/** Mixes packed colour `b` into `a` by `w` (0–1). */
function blend(a: number, b: number, w: number): number {
  const ch = (k: number) => Math.round(channel(a, k) * (1 - w) + channel(b, k) * w);
  return pack(ch(0), ch(1), ch(2));
}

function tileColours(p: Pyramid, look: Look, L: number, tint: boolean): Uint32Array {
  const hit = (tint ? look.tinted : look.tiles)[L];
  if (hit) return hit;
  const level = p.levels[L] as Level;
  const n = level.tcols * level.trows;
  const out = new Uint32Array(n);
  for (let t = 0; t < n; t++) out[t] = mixColour(look, level.counts, t * p.cats, p.cats);
  if (tint)
    for (let t = 0; t < n; t++) {
      const m = t * MARKS;
      const flagged = level.marks[m] + level.marks[m + 1] + level.marks[m + 2];
      if (flagged === 0) continue;
      const present = tileCells(level.counts, t, p.cats) - level.counts[t * p.cats + p.background];
      // The most common of the three marks gives the tint, half strength at most.
      const k =
        level.marks[m] >= level.marks[m + 1]
          ? level.marks[m] >= level.marks[m + 2]
            ? 0
            : 2
          : level.marks[m + 1] >= level.marks[m + 2]
            ? 1
            : 2;
      const colour = k === 0 ? look.pending : k === 1 ? look.modified : look.pr;
      out[t] = blend(out[t], colour, 0.6 * Math.min(1, flagged / Math.max(1, present)));
    }
  (tint ? look.tinted : look.tiles)[L] = out;
  return out;
}

/** Where the grid is on the canvas: the layout's numbers and the zoom transform. */
export interface RasterView {
  left: number;
  top: number;
  cell: number;
  /** Canvas size in CSS pixels. */
  width: number;
  height: number;
  k: number;
  x: number;
  y: number;
  /** Device pixels per CSS pixel. */
  dpr: number;
}

/** The smallest a tile is drawn, in device pixels. */
export const MIN_TILE = 1;
/** Tiles at least this big (device pixels) show the PENDING/MODIFIED/PR bar; smaller ones a tint. */
const BAR_TILE = 4;

/** The level whose tiles a view shows (0: single cells), for `s` device pixels per cell. */
export function levelFor(p: Pyramid, s: number): number {
  if (s >= 1) return 0;
  let L = p.base;
  while (p.levels[L + 1] && 2 ** L * s < MIN_TILE) L++;
  return L;
}

/** Per device column (or row): the cell coordinate under its centre, -1 outside the grid. */
function axis(n: number, dpr: number, shift: number, k: number, origin: number, cell: number, limit: number) {
  const at = new Float64Array(n);
  for (let d = 0; d < n; d++) {
    const css = (d + 0.5) / dpr;
    const v = ((css - shift) / k - origin) / cell;
    at[d] = v >= 0 && v < limit ? v : -1;
  }
  return at;
}

/**
 * Paints the grid's cells into `out` (the canvas's device pixels, `w` x `h`, row-major): single
 * cells, or tiles with their PENDING/MODIFIED/PR bar. With `changedOnly`, only the changed cells
 * or tiles (a frame around each tile that holds any, the cells themselves when single), the rest
 * transparent. Pixels outside the grid's area are left transparent.
 */
export function rasterize(
  p: Pyramid,
  look: Look,
  v: RasterView,
  out: Uint32Array,
  w: number,
  h: number,
  changedOnly = false,
): void {
  out.fill(0);
  if (p.count === 0) return;
  const s = v.cell * v.k * v.dpr;
  const L = levelFor(p, s);
  const xs = axis(w, v.dpr, v.x, v.k, v.left, v.cell, p.cols);
  const ys = axis(h, v.dpr, v.y, v.k, v.top, v.cell, p.rows);
  const x0 = Math.max(0, Math.floor(v.left * v.dpr));
  const y0 = Math.max(0, Math.floor(v.top * v.dpr));
  if (L === 0) {
    const colours = look.cat;
    for (let py = y0; py < h; py++) {
      const r = ys[py];
      if (r < 0) continue;
      const rowStart = Math.floor(r) * p.cols;
      const o = py * w;
      for (let px = x0; px < w; px++) {
        const c = xs[px];
        if (c < 0) continue;
        const i = rowStart + Math.floor(c);
        if (changedOnly) {
          if (i < p.changed.length && p.changed[i]) out[o + px] = look.changed;
        } else out[o + px] = i < p.count ? colours[p.cell[i]] : look.bg;
      }
    }
    return;
  }
  const level = p.levels[L] as Level;
  if (changedOnly && p.changedCount === 0) return;
  const side = 2 ** L;
  const tilePx = side * s;
  const colours = tileColours(p, look, L, tilePx < BAR_TILE);
  const bar = tilePx >= BAR_TILE ? Math.max(1, Math.round(tilePx * 0.22)) / tilePx : 0;
  const edge = tilePx >= 6 ? 1 / tilePx : 0;
  const frame = Math.max(1, Math.min(3, Math.round(tilePx / 6))) / tilePx;
  const { tcols, marks, counts } = level;
  const cats = p.cats;
  const bgCat = p.background;
  // Changed tiles: framed, lightly filled; too small for a frame, half covered (the type shows through).
  const fill = withAlpha(look.changed, 110);
  const light = withAlpha(look.changed, 150);
  for (let py = y0; py < h; py++) {
    const r = ys[py];
    if (r < 0) continue;
    const tr = Math.floor(r / side);
    const fy = r / side - tr;
    const o = py * w;
    const inBar = fy >= 1 - bar;
    const onEdge = fy < edge;
    const onFrameY = fy < frame || fy >= 1 - frame;
    for (let px = x0; px < w; px++) {
      const c = xs[px];
      if (c < 0) continue;
      const tc = Math.floor(c / side);
      const t = tr * tcols + tc;
      const fx = c / side - tc;
      if (changedOnly) {
        if (marks[t * MARKS + CHANGED] > 0)
          out[o + px] = tilePx < 6 ? light : onFrameY || fx < frame || fx >= 1 - frame ? look.changed : fill;
        continue;
      }
      if (onEdge || fx < edge) {
        out[o + px] = look.line;
        continue;
      }
      let colour = colours[t];
      if (inBar) {
        const m = t * MARKS;
        const present = tileCells(counts, t, cats) - counts[t * cats + bgCat];
        if (present > 0 && (marks[m] | marks[m + 1] | marks[m + 2]) !== 0) {
          const a = marks[m] / present;
          const b = a + marks[m + 1] / present;
          const d = b + marks[m + 2] / present;
          if (fx < a) colour = look.pending;
          else if (fx < b) colour = look.modified;
          else if (fx < d) colour = look.pr;
        }
      }
      out[o + px] = colour;
    }
  }
}

function tileCells(counts: Uint32Array, t: number, cats: number): number {
  let n = 0;
  for (let k = 0; k < cats; k++) n += counts[t * cats + k];
  return n;
}

// ---------------------------------------------------------------------------------------------
// From what a grid hands over to a pyramid and its colours.

export interface LodState {
  pyramid: Pyramid;
  vars: PaletteVar[];
}

/**
 * The pyramid of a grid's source, laid out `cols` across (`previous`: the one shown before);
 * with `full` false, its runs only (runsOnly()).
 */
export function pyramidOf(
  src: LodSource,
  cols: number,
  p: Palette,
  previous: Pyramid | null = null,
  full = true,
): LodState {
  const enclave = src.kind === "enclave";
  const vars = enclave ? enclaveVars() : epcVars(p);
  const count = enclave ? src.count : src.epc.flags.length;
  const runs = enclave ? enclaveRuns(src.table) : epcRuns(src.epc, src.owners);
  const background = enclave ? ENCLAVE_HOLE : 0;
  if (!full) return { vars, pyramid: runsOnly(count, cols, runs, vars.length, background) };
  return {
    vars,
    pyramid: buildPyramid(
      count,
      cols,
      runs,
      src.changed,
      vars.length,
      background,
      MAX_BASE_TILES,
      previous && isFull(previous) ? previous : null,
    ),
  };
}
