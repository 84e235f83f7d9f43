// Where the grids zoom to: Enlarge and Shrink zoom around the cells the engine reported as
// changed by this step (or, when none changed, around the centre of what is shown), and Fit
// either shows all cells again or lets them fill the width. Pure: no DOM, unit-tested directly;
// the renderer applies the transforms through d3-zoom.

import { type GridLayout, maxZoom, type Transform } from "./layout.ts";

/** Room kept below the last row (as chooseLayout's default), so its outlines are not cut. */
const BOTTOM = 6;

/** The part of the canvas the cells are drawn in (right of and below the axes), canvas CSS px. */
export function zoomExtent(layout: GridLayout): [[number, number], [number, number]] {
  return [
    [layout.left, layout.top],
    [layout.width, layout.height],
  ];
}

/** The world (zoom-1 coordinates) the view may pan over: the cells, or the extent when larger. */
export function panExtent(layout: GridLayout): [[number, number], [number, number]] {
  const { left, top, width, height, cols, rows, cell } = layout;
  return [
    [left, top],
    [Math.max(left + cols * cell, width), Math.max(top + rows * cell, height)],
  ];
}

/** Keeps the view inside `panExtent` (the rule d3-zoom's default constrain applies). */
export function constrain(layout: GridLayout, t: Transform): Transform {
  const [[ex0, ey0], [ex1, ey1]] = zoomExtent(layout);
  const [[px0, py0], [px1, py1]] = panExtent(layout);
  const dx0 = (ex0 - t.x) / t.k - px0;
  const dx1 = (ex1 - t.x) / t.k - px1;
  const dy0 = (ey0 - t.y) / t.k - py0;
  const dy1 = (ey1 - t.y) / t.k - py1;
  const dx = dx1 > dx0 ? (dx0 + dx1) / 2 : Math.min(0, dx0) || Math.max(0, dx1);
  const dy = dy1 > dy0 ? (dy0 + dy1) / 2 : Math.min(0, dy0) || Math.max(0, dy1);
  return { k: t.k, x: t.x + t.k * dx, y: t.y + t.k * dy };
}

/** Whether `t` shows the grid as laid out (zoom 1, not panned). */
export function isIdentity(t: Transform): boolean {
  return Math.abs(t.k - 1) < 1e-6 && Math.abs(t.x) < 0.5 && Math.abs(t.y) < 0.5;
}

export interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The world rectangle around cells `cells` (those outside the grid ignored), or null. */
export function cellBounds(layout: GridLayout, cells: Iterable<number>): Bounds | null {
  const { cols, cell, left, top, count } = layout;
  let c0 = Number.POSITIVE_INFINITY;
  let c1 = -1;
  let r0 = Number.POSITIVE_INFINITY;
  let r1 = -1;
  for (const i of cells) {
    if (!(i >= 0 && i < count)) continue;
    const c = i % cols;
    const r = Math.floor(i / cols);
    if (c < c0) c0 = c;
    if (c > c1) c1 = c;
    if (r < r0) r0 = r;
    if (r > r1) r1 = r;
  }
  if (c1 < 0) return null;
  return { x0: left + c0 * cell, y0: top + r0 * cell, x1: left + (c1 + 1) * cell, y1: top + (r1 + 1) * cell };
}

/** `b` (world) on screen under `t`. */
export function screenBounds(b: Bounds, t: Transform): Bounds {
  return { x0: b.x0 * t.k + t.x, y0: b.y0 * t.k + t.y, x1: b.x1 * t.k + t.x, y1: b.y1 * t.k + t.y };
}

/** Whether any part of world rectangle `b` is inside the grid's part of the canvas under `t`. */
export function overlapsView(layout: GridLayout, t: Transform, b: Bounds): boolean {
  const s = screenBounds(b, t);
  return s.x1 > layout.left && s.y1 > layout.top && s.x0 < layout.width && s.y0 < layout.height;
}

/** The view at zoom `k` with world point (wx, wy) in the middle of the grid's area, kept in bounds. */
export function centredOn(layout: GridLayout, k: number, wx: number, wy: number): Transform {
  const cx = (layout.left + layout.width) / 2;
  const cy = (layout.top + layout.height) / 2;
  return constrain(layout, { k, x: cx - wx * k, y: cy - wy * k });
}

/**
 * The view after zooming by `factor` (within 1..maxZoom): centred on the cells this step changed
 * when there are any (so they stay in view however far the zoom goes), otherwise around the
 * middle of what is shown now.
 */
export function zoomTarget(
  layout: GridLayout,
  t: Transform,
  factor: number,
  changed: Iterable<number>,
): Transform {
  const k = Math.max(1, Math.min(maxZoom(layout), t.k * factor));
  const b = cellBounds(layout, changed);
  if (b) return centredOn(layout, k, (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2);
  const cx = (layout.left + layout.width) / 2;
  const cy = (layout.top + layout.height) / 2;
  return centredOn(layout, k, (cx - t.x) / t.k, (cy - t.y) / t.k);
}

/**
 * The view after the cells changed (a new step), keeping the zoom: unchanged when some changed
 * cell is in view (or nothing is zoomed), otherwise panned so the changed cells are centred.
 */
export function followChanged(layout: GridLayout, t: Transform, changed: Iterable<number>): Transform {
  if (t.k <= 1 + 1e-6) return t;
  const b = cellBounds(layout, changed);
  if (!b || overlapsView(layout, t, b)) return t;
  return centredOn(layout, t.k, (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2);
}

/**
 * Fit's "fill the width": the same columns with cells as wide as the canvas allows, no taller in
 * all than `maxHeight` and no bigger than `maxCell`; never smaller than the layout's own cells.
 */
export function fillWidth(layout: GridLayout, maxHeight: number, maxCell: number): GridLayout {
  const { left, top, cols, rows, width } = layout;
  if (layout.count === 0) return layout;
  const availW = Math.max(1, width - left - 4);
  const availH = Math.max(1, maxHeight - top - BOTTOM);
  const cell = Math.max(layout.cell, Math.min(availW / cols, availH / rows, maxCell));
  if (cell === layout.cell) return layout;
  const height = Math.max(layout.height, Math.ceil(top + rows * cell + BOTTOM));
  return { ...layout, cell, height };
}

/** Whether filling the width would make the cells visibly (at least 10%) bigger. */
export function canFill(layout: GridLayout, filled: GridLayout): boolean {
  return filled.cell >= layout.cell * 1.1;
}
