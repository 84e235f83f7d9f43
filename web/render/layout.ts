// Cell layout maths shared by the grids: how many columns, how big a cell, which cell is under a
// point, which cells are visible under a zoom transform, and the offset axis's ticks. Pure: no
// DOM, so it is unit-tested directly.

export interface GridLayout {
  /** Number of cells. */
  count: number;
  /** Columns (a power of two, so a row starts at a round hex offset). */
  cols: number;
  rows: number;
  /** Cell size in CSS pixels at zoom 1. */
  cell: number;
  /** Where the grid starts inside the canvas (room for the axes), in CSS pixels. */
  left: number;
  top: number;
  /** Canvas size in CSS pixels. */
  width: number;
  height: number;
}

export interface LayoutOptions {
  /** Room on the left for the row axis. */
  left?: number;
  /** Room on top for the column axis. */
  top?: number;
  /** The tallest the grid may be at zoom 1 (CSS pixels). */
  maxHeight: number;
  /** The largest a cell may be at zoom 1. */
  maxCell?: number;
  /** The most columns (keeps the 1-pixel-per-cell bitmap within canvas limits). */
  maxCols?: number;
  /** The shortest the canvas may be. */
  minHeight?: number;
  /** Room below the grid (so outlines on the last row are not cut). */
  bottom?: number;
}

/** An affine zoom transform (d3-zoom's ZoomTransform has this shape). */
export interface Transform {
  k: number;
  x: number;
  y: number;
}

export const IDENTITY: Transform = { k: 1, x: 0, y: 0 };

/**
 * Picks the power-of-two column count that gives the largest cells that fit `width` by
 * `maxHeight` (cells capped at maxCell); among column counts within 10% of the best, the widest.
 */
export function chooseLayout(count: number, width: number, opts: LayoutOptions): GridLayout {
  const left = opts.left ?? 0;
  const top = opts.top ?? 0;
  const maxCell = opts.maxCell ?? 64;
  const maxCols = opts.maxCols ?? 2048;
  const availW = Math.max(1, width - left - 4);
  const bottom = opts.bottom ?? 6;
  const availH = Math.max(1, opts.maxHeight - top - bottom);
  const n = Math.max(0, Math.floor(count));
  if (n === 0) {
    const height = Math.max(opts.minHeight ?? 0, top + 1);
    return { count: 0, cols: 1, rows: 0, cell: Math.min(maxCell, availW), left, top, width, height };
  }
  const candidates: Array<{ cols: number; cell: number }> = [];
  for (let cols = 1; cols <= maxCols; cols *= 2) {
    const rows = Math.ceil(n / cols);
    const cell = Math.min(availW / cols, availH / rows, maxCell);
    candidates.push({ cols, cell });
    if (cols >= n) break;
  }
  const best = Math.max(...candidates.map((c) => c.cell));
  let pick = candidates[0];
  for (const c of candidates) if (c.cell >= best * 0.9) pick = c;
  const cols = pick.cols;
  const rows = Math.ceil(n / cols);
  const cell = pick.cell;
  const height = Math.max(opts.minHeight ?? 0, Math.ceil(top + rows * cell + bottom));
  return { count: n, cols, rows, cell, left, top, width, height };
}

/**
 * The most columns a grid of `count` cells may have: `usual`, or, for a grid so large that it is
 * drawn as summary tiles (no one-pixel-per-cell bitmap to keep within canvas limits), enough for
 * a wide, short grid (2^24 cells fill the width instead of a narrow column).
 */
export function wideCols(count: number, usual: number): number {
  return count >= 4 * usual * usual ? 16_384 : usual;
}

/** Top-left corner of cell `i` in world coordinates (CSS pixels at zoom 1). */
export function cellOrigin(layout: GridLayout, i: number): [number, number] {
  const c = i % layout.cols;
  const r = Math.floor(i / layout.cols);
  return [layout.left + c * layout.cell, layout.top + r * layout.cell];
}

/** The cell under a point in canvas CSS pixels, or -1. */
export function cellAt(layout: GridLayout, t: Transform, px: number, py: number): number {
  if (px < layout.left || py < layout.top) return -1;
  const wx = (px - t.x) / t.k;
  const wy = (py - t.y) / t.k;
  const c = Math.floor((wx - layout.left) / layout.cell);
  const r = Math.floor((wy - layout.top) / layout.cell);
  if (c < 0 || r < 0 || c >= layout.cols || r >= layout.rows) return -1;
  const i = r * layout.cols + c;
  return i < layout.count ? i : -1;
}

export interface VisibleRange {
  c0: number;
  c1: number;
  r0: number;
  r1: number;
}

/** The columns c0..c1 and rows r0..r1 (inclusive; empty when c1 < c0) visible in the canvas. */
export function visibleRange(layout: GridLayout, t: Transform): VisibleRange {
  const s = layout.cell * t.k;
  const gx = layout.left * t.k + t.x; // screen x of column 0
  const gy = layout.top * t.k + t.y;
  const c0 = Math.max(0, Math.floor((layout.left - gx) / s));
  const r0 = Math.max(0, Math.floor((layout.top - gy) / s));
  const c1 = Math.min(layout.cols - 1, Math.floor((layout.width - gx) / s));
  const r1 = Math.min(layout.rows - 1, Math.floor((layout.height - gy) / s));
  return { c0, c1, r0, r1 };
}

/** Screen rectangle of cell `i` under transform `t`. */
export function cellRect(layout: GridLayout, t: Transform, i: number): [number, number, number] {
  const [wx, wy] = cellOrigin(layout, i);
  return [wx * t.k + t.x, wy * t.k + t.y, layout.cell * t.k];
}

/**
 * The largest zoom: enough to make a cell `target` CSS pixels wide, and at least `least` times
 * the laid-out size (so even big cells can be enlarged to read one page on a projector).
 */
export function maxZoom(layout: GridLayout, target = 120, least = 4): number {
  return Math.max(least, target / Math.max(layout.cell, 1e-6));
}

/**
 * Row ticks for the offset axis: every 2^j-th row, j the smallest that leaves `minGap` pixels
 * between labels at row height `rowPx`; only rows r0..r1.
 */
export function rowTicks(r0: number, r1: number, rowPx: number, minGap = 18): number[] {
  let every = 1;
  while (every * rowPx < minGap && every < 1 << 30) every *= 2;
  const out: number[] = [];
  for (let r = Math.ceil(r0 / every) * every; r <= r1; r += every) out.push(r);
  return out;
}
