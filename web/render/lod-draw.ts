// The level-of-detail drawing of one large grid (loaded with render/lod.ts on demand): keeps the
// summary pyramid of what is shown (rebuilt only when the position or the layout's columns
// change), its colours for the current theme, and puts the pixels on the grid's canvases; draws
// the overview strip (where the view is in the whole range) and its text alternative.

import { scaleLinear } from "d3-scale";
import type { Palette } from "./colors.ts";
import type { GridLayout, Transform } from "./layout.ts";
import {
  binRuns,
  isFull,
  type LodState,
  type Look,
  makeLook,
  mixColour,
  pyramidOf,
  type RasterView,
  rasterize,
} from "./lod.ts";
import type { LodSource } from "./lod-types.ts";

/** The overview strip's tick labels (as the canvas serializes it back, so the comparison holds). */
const TICK_FONT = "10px ui-monospace, Menlo, Consolas, monospace";

type Scratch = {
  canvas: OffscreenCanvas | HTMLCanvasElement;
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
};

function scratch(w: number, h: number, old: Scratch | null): Scratch | null {
  if (old && old.canvas.width === w && old.canvas.height === h) return old;
  const canvas =
    typeof OffscreenCanvas === "function"
      ? new OffscreenCanvas(w, h)
      : Object.assign(document.createElement("canvas"), { width: w, height: h });
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  return ctx ? { canvas, ctx } : null;
}

function rasterView(layout: GridLayout, t: Transform, dpr: number): RasterView {
  return {
    left: layout.left,
    top: layout.top,
    cell: layout.cell,
    width: layout.width,
    height: layout.height,
    ...t,
    dpr,
  };
}

/** The share of the whole range a view covers, as words ("all", "12.5%", "0.0061%"). */
export function shareText(shown: number, total: number): string {
  if (total <= 0 || shown >= total) return "all";
  const pct = (100 * shown) / total;
  return `${pct >= 1 ? pct.toFixed(1) : pct.toPrecision(2)}%`;
}

/** Ticks at multiples of a power of two (round in hex and in pages), at most `most` + 1 of them, 0 first. */
export function binaryTicks(count: number, most: number): number[] {
  if (count <= 0) return [0];
  let step = 1;
  while (count / step > most) step *= 2;
  const out: number[] = [];
  for (let v = 0; v < count; v += step) out.push(v);
  return out;
}

/** The pages [from, to) a view shows: the first visible row's first page to the last visible row's end. */
export function shownPages(layout: GridLayout, t: Transform): [number, number] {
  const s = layout.cell * t.k;
  const gy = layout.top * t.k + t.y;
  const r0 = Math.max(0, Math.floor((layout.top - gy) / s));
  const r1 = Math.min(layout.rows, Math.ceil((layout.height - gy) / s));
  if (r1 <= r0 || layout.count === 0) return [0, 0];
  return [Math.min(layout.count, r0 * layout.cols), Math.min(layout.count, r1 * layout.cols)];
}

export class LodDrawing {
  private state: LodState | null = null;
  private key: { src: object; changed: unknown; cols: number; count: number } | null = null;
  private look: Look | null = null;
  private lookFor: { palette: Palette; vars: string } | null = null;
  private image: ImageData | null = null;
  private changedImage: { scratch: Scratch; key: string } | null = null;
  private strip: { scratch: Scratch; key: string } | null = null;

  private ensure(
    src: LodSource,
    layout: GridLayout,
    p: Palette,
    full: boolean,
  ): { state: LodState; look: Look } {
    const k = this.key;
    if (
      !this.state ||
      !k ||
      k.src !== src.key ||
      k.changed !== src.changed ||
      k.cols !== layout.cols ||
      k.count !== layout.count ||
      (full && !isFull(this.state.pyramid))
    ) {
      const before = this.state?.pyramid ?? null;
      this.state = pyramidOf(src, layout.cols, p, before, full);
      this.key = { src: src.key, changed: src.changed, cols: layout.cols, count: layout.count };
      // The same counts (a step that changed nothing this grid shows): colours stay, marks are redone.
      this.changedImage = null;
      if (!before || this.state.pyramid.levels !== before.levels) this.look = null;
    }
    if (!this.look || this.lookFor?.palette !== p || this.lookFor.vars !== this.state.vars.join()) {
      this.look = makeLook(p, this.state.vars);
      this.lookFor = { palette: p, vars: this.state.vars.join() };
      this.changedImage = null;
      this.strip = null;
    }
    return { state: this.state, look: this.look };
  }

  /**
   * Brings the pyramid up to date with what the grid shows: `full` (summary tiles drawn) builds
   * its cells and levels; else the overview's runs are enough.
   */
  prepare(src: LodSource, layout: GridLayout, p: Palette, full: boolean): void {
    this.ensure(src, layout, p, full);
  }

  /** Draws the cells (single or as tiles) over the whole canvas, in device pixels (after prepare). */
  cells(ctx: CanvasRenderingContext2D, canvas: HTMLCanvasElement, layout: GridLayout, t: Transform): void {
    const state = this.state;
    const look = this.look;
    if (!state || !look || !isFull(state.pyramid)) return;
    const w = canvas.width;
    const h = canvas.height;
    if (!this.image || this.image.width !== w || this.image.height !== h)
      this.image = ctx.createImageData(w, h);
    const out = new Uint32Array(this.image.data.buffer);
    rasterize(state.pyramid, look, rasterView(layout, t, w / Math.max(1, layout.width)), out, w, h);
    ctx.putImageData(this.image, 0, 0);
  }

  /** Marks the changed cells or tiles on the overlay (drawn with the context's alpha, for the flash). */
  changed(ctx: CanvasRenderingContext2D, canvas: HTMLCanvasElement, layout: GridLayout, t: Transform): void {
    const state = this.state;
    const look = this.look;
    if (!state || !look || !isFull(state.pyramid) || state.pyramid.changedCount === 0) return;
    const w = canvas.width;
    const h = canvas.height;
    const key = `${t.k},${t.x},${t.y},${w},${h}`;
    let c = this.changedImage;
    if (!c || c.key !== key || c.scratch.canvas.width !== w || c.scratch.canvas.height !== h) {
      const s = scratch(w, h, c?.scratch ?? null);
      if (!s) return;
      const image = s.ctx.createImageData(w, h);
      rasterize(
        state.pyramid,
        look,
        rasterView(layout, t, w / Math.max(1, layout.width)),
        new Uint32Array(image.data.buffer),
        w,
        h,
        true,
      );
      s.ctx.putImageData(image, 0, 0);
      c = { scratch: s, key };
      this.changedImage = c;
    }
    ctx.drawImage(c.scratch.canvas as CanvasImageSource, 0, 0, w, h, 0, 0, layout.width, layout.height);
  }

  /**
   * The overview strip: the whole range, each pixel column coloured by what it holds, the part
   * the grid shows boxed, ticks from a linear scale; its text says where the view is.
   */
  overview(
    target: { canvas: HTMLCanvasElement; text: HTMLElement },
    layout: GridLayout,
    t: Transform,
    p: Palette,
    label: (cell: number) => string,
    whole: string,
  ): void {
    const state = this.state;
    const look = this.look;
    const { canvas, text } = target;
    const ctx = canvas.getContext("2d");
    if (!state || !look || !ctx) return;
    const cssW = Math.max(1, layout.width - layout.left);
    const cssH = 30;
    const dpr = typeof devicePixelRatio === "number" && devicePixelRatio > 0 ? devicePixelRatio : 1;
    const w = Math.round(cssW * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== Math.round(cssH * dpr)) canvas.height = Math.round(cssH * dpr);
    canvas.style.width = `${cssW}px`;
    canvas.style.height = `${cssH}px`;
    canvas.style.marginLeft = `${layout.left}px`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    const count = state.pyramid.count;
    const x = scaleLinear().domain([0, count]).range([0, cssW]);
    const stripH = 12;
    // The strip: one colour per device pixel column (kept until the position or theme changes).
    const key = `${w}`;
    if (!this.strip || this.strip.key !== key) {
      const s = scratch(w, 1, this.strip?.scratch ?? null);
      if (!s) return;
      const bins = binRuns(state.pyramid, w);
      const image = s.ctx.createImageData(w, 1);
      const px = new Uint32Array(image.data.buffer);
      for (let b = 0; b < w; b++) px[b] = mixColour(look, bins, b * state.pyramid.cats, state.pyramid.cats);
      s.ctx.putImageData(image, 0, 0);
      this.strip = { scratch: s, key };
    }
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.strip.scratch.canvas as CanvasImageSource, 0, 0, w, 1, 0, 0, cssW, stripH);
    // The part the grid shows.
    const [from, to] = shownPages(layout, t);
    const bx0 = x(from);
    const bw = Math.max(3, x(to) - bx0);
    ctx.lineWidth = 2;
    ctx.strokeStyle = p.css.bg;
    ctx.strokeRect(Math.min(bx0, cssW - bw) + 1, 1, bw - 2, stripH - 2);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = p.css.selected;
    ctx.strokeRect(Math.min(bx0, cssW - bw) + 0.75, 0.75, bw - 1.5, stripH - 1.5);
    // Ticks.
    ctx.fillStyle = p.css.muted;
    ctx.strokeStyle = p.css.muted;
    // Setting a font parses it (about 2 ms a draw): only when the context does not have it yet.
    if (ctx.font !== TICK_FONT) ctx.font = TICK_FONT;
    ctx.textBaseline = "top";
    for (const tick of binaryTicks(count, Math.max(1, Math.floor(cssW / 120)))) {
      const tx = x(tick);
      const s = label(Math.round(tick));
      const tw = ctx.measureText(s).width;
      ctx.fillRect(Math.round(tx), stripH, 1, 3);
      ctx.textAlign = tx + tw / 2 > cssW ? "right" : tx - tw / 2 < 0 ? "left" : "center";
      ctx.fillText(s, tx, stripH + 4);
    }
    const said = `Shown: ${label(from)}–${label(Math.max(from, to - 1))}, ${shareText(to - from, count)} of ${whole} (${label(0)}–${label(count - 1)}, ${count.toLocaleString("en-US")} pages).`;
    if (text.textContent !== said) text.textContent = said;
  }
}
