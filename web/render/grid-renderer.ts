// A zoomable grid of cells drawn on two stacked canvases:
// - the static layer (bottom): the one-pixel-per-cell bitmap drawn scaled, cell borders, and
//   per-cell details (labels, badges) for the visible cells once they are big enough;
// - the interactive layer (top, the one users point at): hover, selection and changed-cell
//   outlines. Hovering repaints only this layer, never the cells.
// Zoom and pan come from d3-zoom on the top canvas; every repaint goes through the one frame
// scheduler (scheduler.ts), so many updates in a frame paint once.

import { select } from "d3-selection";
import { type D3ZoomEvent, type ZoomBehavior, zoom, zoomIdentity } from "d3-zoom";
import { type Palette, packRgb, palette, rgbCss } from "./colors.ts";
import {
  cellAt,
  cellRect,
  type GridLayout,
  IDENTITY,
  maxZoom,
  type Transform,
  visibleRange,
} from "./layout.ts";
import type { LodDrawing } from "./lod-draw.ts";
import { LOD_CELLS, type LodSource } from "./lod-types.ts";
import { cancelDraw, scheduleDraw } from "./scheduler.ts";
import {
  cellBounds,
  followChanged,
  isIdentity,
  panExtent,
  screenBounds,
  zoomExtent,
  zoomTarget,
} from "./zoom.ts";

/** On-screen cell sizes (CSS px) at which more detail appears. */
export const DETAIL = {
  /** Cell borders. */
  borders: 5,
  /** Per-cell details (badges, hatching). */
  cells: 12,
} as const;

export interface VisibleCell {
  i: number;
  /** Screen position and size (CSS px). */
  x: number;
  y: number;
  s: number;
}

export interface GridHooks {
  /** Paint the static bitmap: one pixel per cell, `out.length` = cols × rows. */
  paint(out: Uint32Array, p: Palette): void;
  /** Draw details over the visible cells (called when cells are at least DETAIL.cells px). */
  detail?(ctx: CanvasRenderingContext2D, cells: VisibleCell[], p: Palette): void;
  /** Draw axes in the margins (screen space, unclipped). */
  axes?(ctx: CanvasRenderingContext2D, layout: GridLayout, t: Transform, p: Palette): void;
  /**
   * The engine's columns for a grid of LOD_CELLS cells or more: it is then drawn as summary
   * tiles where cells are under a pixel (render/lod.ts, loaded on demand), not as a bitmap.
   */
  lod?(): LodSource | null;
  /** A cell's position as the axis names it (the overview's ticks and text). */
  label?(cell: number): string;
  /** What the grid's cells are, for the overview's text ("ELRANGE", "the EPC"). */
  whole?: string;
}

let lodModule: Promise<typeof import("./lod-draw.ts")> | null = null;

type Bitmap = {
  canvas: HTMLCanvasElement | OffscreenCanvas;
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
};

function makeBitmap(w: number, h: number): Bitmap | null {
  const width = Math.max(1, w);
  const height = Math.max(1, h);
  if (typeof OffscreenCanvas === "function") {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext("2d");
    return ctx ? { canvas, ctx } : null;
  }
  if (typeof document === "undefined") return null;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  return ctx ? { canvas, ctx } : null;
}

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  try {
    return canvas.getContext("2d");
  } catch {
    return null;
  }
}

const FLASH_MS = 900;
/** Beyond this many changed cells, the changed layer is drawn from a bitmap instead of outlines. */
const MANY_CHANGED = 1500;
/** The largest one-pixel-per-cell bitmap a large grid keeps for drawing cells of a pixel or more. */
const BITMAP_CELLS = 1 << 22;
/** Cell indices as the engine sends them (an Int32Array), or any list of numbers. */
type Cells = ArrayLike<number> & Iterable<number>;
/** No changed cells. */
const NO_CELLS: Cells = new Int32Array(0);

export class GridRenderer {
  layout: GridLayout;
  transform: Transform = IDENTITY;
  hover = -1;
  selected = -1;
  /** The cells this step changed (the engine's typed array as it came, never copied). */
  changed: Cells = NO_CELLS;
  /** Cells whose page some CPU's TLB caches (engine-reported: RunInfo.cpus), marked by a corner. */
  cached: number[] = [];
  private flashUntil = 0;
  private bitmap: Bitmap | null = null;
  private mask: Bitmap | null = null;
  private cellsDirty = true;
  private maskDirty = true;
  /** Membership of `changed` by cell, built on demand when many cells changed and the view is zoomed in. */
  private changedSet: Uint8Array | null = null;

  /** The changed cells inside the visible window (all of them when few changed). */
  private visibleChanged(
    t: { k: number; x: number; y: number },
    width: number,
    height: number,
  ): Iterable<number> {
    if (this.changed.length <= MANY_CHANGED) return this.changed;
    const { left, top, cell, cols, count } = this.layout;
    if (!this.changedSet || this.changedSet.length !== count) {
      this.changedSet = new Uint8Array(count);
      const changed = this.changed;
      for (let k = 0; k < changed.length; k++) {
        const i = changed[k];
        if (i >= 0 && i < count) this.changedSet[i] = 1;
      }
    }
    const set = this.changedSet;
    const rows = Math.ceil(count / cols);
    const c0 = Math.max(0, Math.floor((-t.x / t.k - left) / cell) - 1);
    const c1 = Math.min(cols - 1, Math.ceil(((width - t.x) / t.k - left) / cell) + 1);
    const r0 = Math.max(0, Math.floor((-t.y / t.k - top) / cell) - 1);
    const r1 = Math.min(rows - 1, Math.ceil(((height - t.y) / t.k - top) / cell) + 1);
    const out: number[] = [];
    for (let r = r0; r <= r1; r++)
      for (let c = c0; c <= c1; c++) {
        const i = r * cols + c;
        if (i < count && set[i]) out.push(i);
      }
    return out;
  }
  private zoomBehavior: ZoomBehavior<HTMLCanvasElement, unknown> | null = null;
  /** The level-of-detail drawing, once its module has loaded (large grids only). */
  private lod: LodDrawing | null = null;
  /** The overview strip and its text alternative (large grids), set by the view. */
  overview: { canvas: HTMLCanvasElement; text: HTMLElement } | null = null;
  private readonly baseKey = {};
  private readonly overlayKey = {};
  private readonly reducedMotion: boolean;
  /** Called after the user zooms or pans. */
  onTransform: ((t: Transform) => void) | null = null;
  /** Called after every zoom or pan with whether the view is zoomed or panned (not as laid out). */
  onZoomed: ((zoomed: boolean) => void) | null = null;
  /**
   * An element inside the grid's box, placed over the cells to bring into the page's view and
   * scrolled to (so every scrolling ancestor, not only the window, follows).
   */
  marker: HTMLElement | null = null;
  /** Set by Fit before it changes the layout: once the new layout is in, bring the grid into view. */
  private revealAfterLayout = false;
  private readonly stopPageZoom = (e: WheelEvent) => {
    // A pinch (a wheel with Ctrl) over the grid zooms the grid, never the page, even at the limits.
    if (e.ctrlKey) e.preventDefault();
  };

  constructor(
    private readonly base: HTMLCanvasElement,
    private readonly overlay: HTMLCanvasElement,
    private readonly hooks: GridHooks,
    layout: GridLayout,
  ) {
    this.layout = layout;
    this.reducedMotion =
      typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches === true;
    this.sizeCanvases();
    this.attachZoom();
  }

  destroy(): void {
    cancelDraw(this.baseKey);
    cancelDraw(this.overlayKey);
    select(this.overlay).on(".zoom", null);
    this.overlay.removeEventListener("wheel", this.stopPageZoom);
    this.zoomBehavior = null;
  }

  /** Whether this grid is drawn with summary tiles (large grids; the view supplies its columns, `lod`). */
  get lodMode(): boolean {
    return this.layout.count >= LOD_CELLS;
  }

  /**
   * Whether the cells are drawn as summary tiles (or single cells) pixel by pixel now: a large
   * grid whose cells are under a device pixel, or too many for the one-pixel-per-cell bitmap.
   * Otherwise the bitmap drawn scaled is the cheapest way to draw them.
   */
  private tiled(t: Transform): boolean {
    if (!this.lodMode) return false;
    const dpr = this.base.width / Math.max(1, this.layout.width);
    return this.layout.cell * t.k * dpr < 1 || this.layout.cols * this.layout.rows > BITMAP_CELLS;
  }

  /** The level-of-detail drawing, loading its module the first time (null until it is in). */
  private lodDrawing(): LodDrawing | null {
    if (this.lod) return this.lod;
    lodModule ??= import("./lod-draw.ts");
    void lodModule.then((m) => {
      if (this.lod || !this.zoomBehavior) return;
      this.lod = new m.LodDrawing();
      this.requestAll();
    });
    return null;
  }

  /** A new layout (size or column count changed): the view goes back to zoom 1. */
  setLayout(layout: GridLayout): void {
    const same =
      layout.cols === this.layout.cols &&
      layout.rows === this.layout.rows &&
      layout.cell === this.layout.cell &&
      layout.width === this.layout.width &&
      layout.height === this.layout.height &&
      layout.count === this.layout.count;
    if (same) {
      this.revealAfterLayout = false;
      return;
    }
    const grid = layout.cols !== this.layout.cols || layout.rows !== this.layout.rows;
    this.layout = layout;
    if (grid) {
      this.cellsDirty = true;
      this.maskDirty = true;
    }
    this.sizeCanvases();
    this.configureZoom();
    this.resetZoom();
    this.requestAll();
    if (this.revealAfterLayout) {
      this.revealAfterLayout = false;
      this.bringIntoPage(true);
    }
  }

  /** The next layout (Fit's) is brought into the page's view once it is in. */
  revealNextLayout(): void {
    this.revealAfterLayout = true;
  }

  /** The cells' colours changed (new view or theme). */
  invalidateCells(): void {
    this.cellsDirty = true;
    this.maskDirty = true;
    this.requestAll();
  }

  /** Repaint everything (e.g. labels changed) without rebuilding the bitmap. */
  redraw(): void {
    this.requestAll();
  }

  setHover(i: number): void {
    if (i === this.hover) return;
    this.hover = i;
    this.requestOverlay();
  }

  setSelected(i: number): void {
    if (i === this.selected) return;
    this.selected = i;
    this.requestOverlay();
  }

  setCached(cells: number[]): void {
    if (cells.length === this.cached.length && cells.every((c, i) => c === this.cached[i])) return;
    this.cached = cells;
    this.requestOverlay();
  }

  setChanged(cells: Cells, flash: boolean): void {
    this.changed = cells;
    this.changedSet = null;
    this.maskDirty = true;
    this.flashUntil = flash && cells.length > 0 && !this.reducedMotion ? now() + FLASH_MS : 0;
    this.requestOverlay();
    // Zoomed in and the step changed cells out of view: pan to them, keeping the zoom.
    const next = followChanged(this.layout, this.transform, cells);
    if (next !== this.transform) this.applyTransform(next);
  }

  cellAtPoint(px: number, py: number): number {
    return cellAt(this.layout, this.transform, px, py);
  }

  /**
   * Enlarge (factor > 1) or Shrink: around the cells this step changed, or around the middle of
   * what is shown when none did; then the changed cells are scrolled into the page's view.
   */
  zoomBy(factor: number): void {
    if (!this.zoomBehavior) return;
    this.applyTransform(zoomTarget(this.layout, this.transform, factor, this.changed));
    this.bringIntoPage(false);
  }

  /** Whether the view is zoomed or panned away from the grid as laid out. */
  get zoomed(): boolean {
    return !isIdentity(this.transform);
  }

  private applyTransform(t: Transform): void {
    if (!this.zoomBehavior) return;
    this.zoomBehavior.transform(select(this.overlay), zoomIdentity.translate(t.x, t.y).scale(t.k));
  }

  /**
   * Scrolls the page (and any scrolling ancestor) so the changed cells on screen are in view; with
   * `whole`, the whole grid when it fits the window's height.
   */
  private bringIntoPage(whole: boolean): void {
    const fits = typeof innerHeight === "number" && this.layout.height <= innerHeight;
    if (whole && fits) {
      scrollIntoView(this.overlay);
      return;
    }
    const b = cellBounds(this.layout, this.changed);
    const m = this.marker;
    if (!b || !m) return;
    const s = screenBounds(b, this.transform);
    const { left, top, width, height } = this.layout;
    const x0 = Math.max(left, s.x0);
    const y0 = Math.max(top, s.y0);
    const x1 = Math.min(width, s.x1);
    const y1 = Math.min(height, s.y1);
    if (x1 <= x0 || y1 <= y0) return;
    m.style.left = `${x0}px`;
    m.style.top = `${y0}px`;
    m.style.width = `${x1 - x0}px`;
    m.style.height = `${y1 - y0}px`;
    scrollIntoView(m);
  }

  resetZoom(): void {
    if (!this.zoomBehavior) {
      this.transform = IDENTITY;
      return;
    }
    this.zoomBehavior.transform(select(this.overlay), zoomIdentity);
  }

  /** Pan (at the current zoom) so that cell `i` is in view. */
  reveal(i: number): void {
    if (!this.zoomBehavior || i < 0) return;
    const [x, y, s] = cellRect(this.layout, this.transform, i);
    const { left, top, width, height } = this.layout;
    if (x >= left && y >= top && x + s <= width && y + s <= height) return;
    const dx = (left + width) / 2 - (x + s / 2);
    const dy = (top + height) / 2 - (y + s / 2);
    this.zoomBehavior.translateBy(select(this.overlay), dx / this.transform.k, dy / this.transform.k);
  }

  private attachZoom(): void {
    const z = zoom<HTMLCanvasElement, unknown>()
      .clickDistance(4)
      .on("zoom", (event: D3ZoomEvent<HTMLCanvasElement, unknown>) => {
        const t = event.transform;
        this.transform = { k: t.k, x: t.x, y: t.y };
        this.publishTransform();
        this.onTransform?.(this.transform);
        this.onZoomed?.(this.zoomed);
        this.requestAll();
      });
    this.zoomBehavior = z;
    this.configureZoom();
    select(this.overlay).call(z);
    this.overlay.addEventListener("wheel", this.stopPageZoom, { passive: false });
  }

  /** The zoom transform, for tests and tools that need to find a cell on screen. */
  private publishTransform(): void {
    const d = this.overlay.dataset;
    d.k = String(this.transform.k);
    d.x = String(this.transform.x);
    d.y = String(this.transform.y);
  }

  private configureZoom(): void {
    const z = this.zoomBehavior;
    if (!z) return;
    z.extent(zoomExtent(this.layout))
      .translateExtent(panExtent(this.layout))
      .scaleExtent([1, maxZoom(this.layout)]);
  }

  private sizeCanvases(): void {
    // The layout, for tests and tools that need to point at a cell.
    const d = this.overlay.dataset;
    d.cols = String(this.layout.cols);
    d.cell = String(this.layout.cell);
    d.left = String(this.layout.left);
    d.top = String(this.layout.top);
    this.publishTransform();
    const dpr = typeof devicePixelRatio === "number" && devicePixelRatio > 0 ? devicePixelRatio : 1;
    for (const c of [this.base, this.overlay]) {
      const w = Math.max(1, Math.round(this.layout.width * dpr));
      const h = Math.max(1, Math.round(this.layout.height * dpr));
      if (c.width !== w) c.width = w;
      if (c.height !== h) c.height = h;
      c.style.width = `${this.layout.width}px`;
      c.style.height = `${this.layout.height}px`;
    }
  }

  private requestAll(): void {
    scheduleDraw(this.baseKey, () => this.drawBase());
    this.requestOverlay();
  }

  private requestOverlay(): void {
    scheduleDraw(this.overlayKey, (t) => this.drawOverlay(t));
  }

  private rebuildBitmap(p: Palette): void {
    const { cols, rows } = this.layout;
    if (!this.bitmap || this.bitmap.canvas.width !== cols || this.bitmap.canvas.height !== Math.max(1, rows))
      this.bitmap = makeBitmap(cols, rows);
    if (!this.bitmap) return;
    const image = this.bitmap.ctx.createImageData(cols, Math.max(1, rows));
    this.hooks.paint(new Uint32Array(image.data.buffer), p);
    this.bitmap.ctx.putImageData(image, 0, 0);
    this.cellsDirty = false;
  }

  private rebuildMask(p: Palette): void {
    const { cols, rows } = this.layout;
    if (!this.mask || this.mask.canvas.width !== cols || this.mask.canvas.height !== Math.max(1, rows))
      this.mask = makeBitmap(cols, rows);
    if (!this.mask) return;
    const image = this.mask.ctx.createImageData(cols, Math.max(1, rows));
    const out = new Uint32Array(image.data.buffer);
    const colour = packRgb(p.rgb.changed);
    const changed = this.changed;
    for (let k = 0; k < changed.length; k++) {
      const i = changed[k];
      if (i >= 0 && i < out.length) out[i] = colour;
    }
    this.mask.ctx.putImageData(image, 0, 0);
    this.maskDirty = false;
  }

  private begin(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
    const ctx = context(canvas);
    if (!ctx) return null;
    const dpr = canvas.width / Math.max(1, this.layout.width);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return ctx;
  }

  /** Clip to the grid's area (plus `margin` px, so outlines on the edge cells show whole). */
  private clipGrid(ctx: CanvasRenderingContext2D, margin = 0): void {
    const { left, top, width, height } = this.layout;
    ctx.beginPath();
    ctx.rect(left - margin, top - margin, width - left + margin, height - top + margin);
    ctx.clip();
  }

  /** Visible cells with their screen rectangles. */
  visibleCells(): VisibleCell[] {
    const { cols, count } = this.layout;
    const r = visibleRange(this.layout, this.transform);
    const out: VisibleCell[] = [];
    for (let row = r.r0; row <= r.r1; row++)
      for (let col = r.c0; col <= r.c1; col++) {
        const i = row * cols + col;
        if (i >= count) break;
        const [x, y, s] = cellRect(this.layout, this.transform, i);
        out.push({ i, x, y, s });
      }
    return out;
  }

  private drawBase(): undefined {
    const ctx = this.begin(this.base);
    if (!ctx) return;
    const p = palette();
    const t = this.transform;
    const tiled = this.tiled(t);
    const lod = this.lodMode ? this.lodDrawing() : null;
    if (this.cellsDirty && !tiled) this.rebuildBitmap(p);
    const { left, top, width, height, cols, rows, cell, count } = this.layout;
    ctx.clearRect(0, 0, width, height);
    if (lod) {
      const src = this.hooks.lod?.() ?? null;
      if (src) {
        lod.prepare(src, this.layout, p, tiled);
        if (tiled) lod.cells(ctx, this.base, this.layout, t);
        if (this.overview)
          lod.overview(
            this.overview,
            this.layout,
            t,
            p,
            this.hooks.label ?? String,
            this.hooks.whole ?? "the grid",
          );
      }
    }
    ctx.save();
    this.clipGrid(ctx);
    const s = cell * t.k;
    const gx = left * t.k + t.x;
    const gy = top * t.k + t.y;
    if (this.bitmap && count > 0 && !tiled) {
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(this.bitmap.canvas as CanvasImageSource, 0, 0, cols, rows, gx, gy, cols * s, rows * s);
    }
    if (s >= DETAIL.borders && count > 0) {
      const r = visibleRange(this.layout, t);
      const lw = s >= 24 ? 2 : 1;
      ctx.strokeStyle = p.css["grid-line"];
      ctx.lineWidth = lw;
      ctx.beginPath();
      // Full rows as one lattice; the last, partial row (if any) cell by cell.
      const fullRows = Math.floor(count / cols);
      const rEnd = Math.min(r.r1 + 1, fullRows);
      if (rEnd > r.r0) {
        for (let c = r.c0; c <= r.c1 + 1; c++) {
          ctx.moveTo(gx + c * s, gy + r.r0 * s);
          ctx.lineTo(gx + c * s, gy + rEnd * s);
        }
        for (let row = r.r0; row <= rEnd; row++) {
          ctx.moveTo(gx + r.c0 * s, gy + row * s);
          ctx.lineTo(gx + (r.c1 + 1) * s, gy + row * s);
        }
      }
      if (fullRows >= r.r0 && fullRows <= r.r1)
        for (let c = r.c0; c <= Math.min(r.c1, count - fullRows * cols - 1); c++)
          ctx.rect(gx + c * s, gy + fullRows * s, s, s);
      ctx.stroke();
    }
    if (s >= DETAIL.cells && this.hooks.detail) this.hooks.detail(ctx, this.visibleCells(), p);
    ctx.restore();
    this.hooks.axes?.(ctx, this.layout, t, p);
  }

  private drawOverlay(time: number): boolean {
    const ctx = this.begin(this.overlay);
    if (!ctx) return false;
    const p = palette();
    const { width, height, cell, count } = this.layout;
    const t = this.transform;
    ctx.clearRect(0, 0, width, height);
    if (count === 0) return false;
    ctx.save();
    this.clipGrid(ctx, 4);
    const s = cell * t.k;
    const flashing = this.flashUntil > time;
    const flash = flashing ? (this.flashUntil - time) / FLASH_MS : 0;

    // Changed cells: outlined (and briefly flashed) in --changed.
    if (this.changed.length > 0) {
      if (this.tiled(t) && s < DETAIL.borders) {
        ctx.globalAlpha = flashing ? 0.5 + 0.5 * flash : 0.85;
        // The overlay may be drawn before the base has built the summary levels for this view.
        const src = this.lod ? (this.hooks.lod?.() ?? null) : null;
        if (src) this.lod?.prepare(src, this.layout, p, true);
        this.lod?.changed(ctx, this.overlay, this.layout, t);
        ctx.globalAlpha = 1;
      } else if (this.changed.length > MANY_CHANGED && s < DETAIL.borders) {
        if (this.maskDirty) this.rebuildMask(p);
        if (this.mask) {
          const { left, top, cols, rows } = this.layout;
          ctx.imageSmoothingEnabled = false;
          ctx.globalAlpha = flashing ? 0.5 + 0.5 * flash : 0.85;
          ctx.drawImage(
            this.mask.canvas as CanvasImageSource,
            0,
            0,
            cols,
            rows,
            left * t.k + t.x,
            top * t.k + t.y,
            cols * s,
            rows * s,
          );
          ctx.globalAlpha = 1;
        }
      } else {
        const lw = Math.max(2, Math.min(4, s / 10));
        const marker = Math.max(s, 8);
        const visible = [...this.visibleChanged(t, width, height)];
        if (flashing) {
          ctx.fillStyle = rgbCss(p.rgb.changed, 0.55 * flash);
          ctx.beginPath();
          for (const i of visible) {
            const [x, y] = cellRect(this.layout, t, i);
            if (x + marker < 0 || y + marker < 0 || x - marker > width || y - marker > height) continue;
            ctx.rect(x + s / 2 - marker / 2, y + s / 2 - marker / 2, marker, marker);
          }
          ctx.fill();
        }
        ctx.strokeStyle = p.css.changed;
        ctx.lineWidth = lw;
        ctx.beginPath();
        for (const i of visible) {
          const [x, y] = cellRect(this.layout, t, i);
          if (x + marker < 0 || y + marker < 0 || x - marker > width || y - marker > height) continue;
          const m = marker - lw;
          ctx.rect(x + s / 2 - m / 2, y + s / 2 - m / 2, m, m);
        }
        ctx.stroke();
      }
    }

    // Cached by a CPU's TLB: a filled corner triangle in --fg (the "TLB" table is the twin).
    if (this.cached.length > 0) {
      const c = Math.max(4, Math.min(10, s / 3));
      ctx.fillStyle = p.css.fg;
      ctx.beginPath();
      for (const i of this.cached) {
        if (i < 0 || i >= count) continue;
        const [x, y] = cellRect(this.layout, t, i);
        if (x + s < 0 || y + s < 0 || x > width || y > height) continue;
        ctx.moveTo(x, y);
        ctx.lineTo(x + c, y);
        ctx.lineTo(x, y + c);
        ctx.closePath();
      }
      ctx.fill();
    }

    // Selected cell: a thick ring in --selected with a thin background ring for contrast.
    if (this.selected >= 0 && this.selected < count) {
      const [x, y] = cellRect(this.layout, t, this.selected);
      const m = Math.max(s, 10);
      const ox = x + s / 2 - m / 2;
      const oy = y + s / 2 - m / 2;
      ctx.lineWidth = 5;
      ctx.strokeStyle = p.css.bg;
      ctx.strokeRect(ox - 1.5, oy - 1.5, m + 3, m + 3);
      ctx.lineWidth = 3;
      ctx.strokeStyle = p.css.selected;
      ctx.strokeRect(ox - 1.5, oy - 1.5, m + 3, m + 3);
    }

    // Hovered cell.
    if (this.hover >= 0 && this.hover < count) {
      const [x, y] = cellRect(this.layout, t, this.hover);
      const m = Math.max(s, 8);
      ctx.lineWidth = 2;
      ctx.strokeStyle = p.css.fg;
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(x + s / 2 - m / 2 + 1, y + s / 2 - m / 2 + 1, m - 2, m - 2);
      ctx.setLineDash([]);
    }
    ctx.restore();
    return flashing;
  }
}

function scrollIntoView(el: Element): void {
  if (typeof el.scrollIntoView === "function") el.scrollIntoView({ block: "nearest", inline: "nearest" });
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}
