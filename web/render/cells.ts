// Per-cell details drawn over the bitmap when cells are big enough: type labels, R/W/X letters,
// flag badges (letters, not colour alone), hatching for evicted pages, the VMA/PTE band, and the
// axes. Each function draws only the cells it is given (the visible ones).

import {
  E_BLOCKED,
  E_MODIFIED,
  E_PENDING,
  E_PR,
  E_VALID,
  hex,
  PAGE_TYPE_NAMES,
  PT_SECS,
  PT_VA,
  permsText,
} from "../../engine/vocabulary/index.ts";
import type { EnclaveColumns, EpcColumns } from "../../engine/vocabulary/view.ts";
import { enclaveCellColour } from "./bitmap.ts";
import { enclaveColour, type Palette, type PaletteVar, textOn } from "./colors.ts";
import type { VisibleCell } from "./grid-renderer.ts";
import { type GridLayout, rowTicks, type Transform, visibleRange } from "./layout.ts";
import { BADGES, type PageTable, pteInfo, rowAt } from "./pages.ts";

export const SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
export const MONO = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace';

/** Axis margins (CSS px). */
export const AXIS_TOP = 18;

/** Width of the left axis for labels up to `maxLabel` characters. */
export function axisWidth(maxLabel: number): number {
  return Math.ceil(maxLabel * 7.4 + 12);
}

const hatchCache = new WeakMap<Palette, CanvasPattern | null>();

/** Diagonal stripes for evicted pages (in the page-evicted colour over the background). */
function hatch(ctx: CanvasRenderingContext2D, p: Palette): CanvasPattern | null {
  if (hatchCache.has(p)) return hatchCache.get(p) ?? null;
  let pattern: CanvasPattern | null = null;
  if (typeof document !== "undefined") {
    const tile = document.createElement("canvas");
    tile.width = 8;
    tile.height = 8;
    const t = tile.getContext("2d");
    if (t) {
      t.fillStyle = p.css.bg;
      t.fillRect(0, 0, 8, 8);
      t.strokeStyle = p.css["page-evicted"];
      t.lineWidth = 2.5;
      t.beginPath();
      for (const d of [-8, 0, 8]) {
        t.moveTo(d, 8);
        t.lineTo(d + 8, 0);
      }
      t.stroke();
      pattern = ctx.createPattern(tile, "repeat");
    }
  }
  hatchCache.set(p, pattern);
  return pattern;
}

/** Draws flag badges left to right from (x, y), each `h` tall; returns the x after the last. */
export function drawBadges(
  ctx: CanvasRenderingContext2D,
  p: Palette,
  flags: number,
  x: number,
  y: number,
  h: number,
  maxX: number,
): number {
  const set = BADGES.filter((b) => flags & b.bit);
  const shortFont = `700 ${Math.max(8, Math.round(h * 0.72))}px ${SANS}`;
  const longFont = `700 ${Math.max(8, Math.round(h * 0.64))}px ${SANS}`;
  const width = (text: string) => Math.max(h, ctx.measureText(text).width + h * 0.45);
  // Whole names when they all fit (PENDING reads better than P), letters otherwise.
  ctx.font = longFont;
  const long = set.reduce((sum, b) => sum + width(b.name) + 2, 0) <= maxX - x + 2;
  ctx.font = long ? longFont : shortFont;
  ctx.textBaseline = "middle";
  ctx.textAlign = "center";
  for (const b of set) {
    const text = long ? b.name : b.short;
    const w = width(text);
    if (x + w > maxX + 0.5) break;
    const colour = p.rgb[b.colour as PaletteVar];
    ctx.fillStyle = p.css[b.colour as PaletteVar];
    roundRect(ctx, x, y, w, h, Math.min(3, h / 4));
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = p.css.bg;
    ctx.stroke();
    ctx.fillStyle = textOn(p, colour);
    ctx.fillText(text, x + w / 2, y + h / 2 + 0.5);
    x += w + 2;
  }
  return x;
}

/** Small coloured corner marks for flags when cells are too small for letters. */
function drawFlagDots(ctx: CanvasRenderingContext2D, p: Palette, flags: number, c: VisibleCell): void {
  const d = Math.max(4, c.s * 0.32);
  let x = c.x + c.s - d - 1;
  for (const b of BADGES) {
    if (!(flags & b.bit)) continue;
    ctx.fillStyle = p.css[b.colour as PaletteVar];
    ctx.fillRect(x, c.y + 1, d, d);
    ctx.strokeStyle = p.css.bg;
    ctx.lineWidth = 1;
    ctx.strokeRect(x, c.y + 1, d, d);
    x -= d + 1;
  }
}

function roundRect(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  w: number,
  h: number,
  r: number,
): void {
  ctx.beginPath();
  if (typeof ctx.roundRect === "function") ctx.roundRect(x, y, w, h, r);
  else ctx.rect(x, y, w, h);
}

export interface EnclaveModel {
  cols: EnclaveColumns;
  table: PageTable;
  showPte: boolean;
}

/** Details of enclave pages: hatching, type, R/W/X, badges, and the VMA/PTE band. */
export function drawEnclaveCells(
  ctx: CanvasRenderingContext2D,
  cells: VisibleCell[],
  p: Palette,
  m: EnclaveModel,
): void {
  const pattern = hatch(ctx, p);
  for (const c of cells) {
    const row = rowAt(m.table, c.i);
    const inset = c.s >= 24 ? 1 : 0.5;
    const x = c.x + inset;
    const y = c.y + inset;
    const s = c.s - 2 * inset;
    if (row?.evicted && pattern) {
      ctx.fillStyle = pattern;
      ctx.fillRect(x, y, s, s);
    }
    const fill = enclaveCellColour(row);
    const ink = row?.evicted ? p.css.fg : textOn(p, p.rgb[fill]);
    const band = m.showPte ? Math.max(3, Math.round(s * 0.24)) : 0;
    const pad = Math.max(2, s * 0.07);

    if (row) {
      if (s >= 40) {
        // Type at the top left, R/W/X in the middle, badges below.
        const typeFont = Math.min(14, Math.max(9, Math.round(s * 0.2)));
        ctx.font = `700 ${typeFont}px ${SANS}`;
        ctx.textAlign = "left";
        ctx.textBaseline = "top";
        ctx.fillStyle = ink;
        const label = PAGE_TYPE_NAMES[row.type] ?? "?";
        if (row.evicted) {
          ctx.fillStyle = p.css.bg;
          const w = ctx.measureText(label).width + 4;
          ctx.fillRect(x + pad - 2, y + pad - 1, w, typeFont + 2);
          ctx.fillStyle = p.css.fg;
        }
        ctx.fillText(label, x + pad, y + pad);
        const flagged = (row.flags & (E_PENDING | E_MODIFIED | E_PR | E_BLOCKED)) !== 0;
        const bh = Math.min(18, Math.max(12, Math.round(s * 0.22)));
        const bottom = y + s - band - Math.max(2, pad * 0.5);
        const badgeTop = bottom - bh;
        if (!row.evicted) {
          // R/W/X centred in the room left between the type label and the badges (or the band).
          const roomTop = y + pad + typeFont;
          const roomBottom = flagged ? badgeTop : bottom;
          const permFont = Math.min(
            18,
            Math.max(10, Math.round(s * 0.24)),
            Math.floor((roomBottom - roomTop) * 0.9),
          );
          if (permFont >= 8) {
            ctx.font = `700 ${permFont}px ${MONO}`;
            ctx.textAlign = "center";
            ctx.textBaseline = "middle";
            ctx.fillStyle = ink;
            ctx.fillText(permsText(row.flags), x + s / 2, (roomTop + roomBottom) / 2 + 1);
          }
        }
        if (flagged) drawBadges(ctx, p, row.flags, x + pad * 0.6, badgeTop, bh, x + s - pad * 0.6);
      } else if (s >= 22) {
        const bh = Math.min(14, Math.max(9, Math.round(s * 0.36)));
        if (!row.evicted && s >= 30) {
          ctx.font = `700 ${Math.round(s * 0.26)}px ${MONO}`;
          ctx.textAlign = "center";
          ctx.textBaseline = "top";
          ctx.fillStyle = ink;
          ctx.fillText(permsText(row.flags), x + s / 2, y + pad);
        }
        drawBadges(ctx, p, row.flags, x + pad * 0.5, y + s - band - bh - 1, bh, x + s - 1);
      } else drawFlagDots(ctx, p, row.flags, c);
    }

    if (m.showPte) {
      const info = pteInfo(m.cols, row, c.i * 4096);
      if (info.vmaProt >= 0) drawPteBand(ctx, p, info.vmaProt, info.pte, x, y + s - band, s, band);
    }
  }
}

/** The VMA/PTE band along a cell's bottom: the VMA's protection in lower case and the PTE. */
function drawPteBand(
  ctx: CanvasRenderingContext2D,
  p: Palette,
  prot: number,
  pte: number,
  x: number,
  y: number,
  w: number,
  h: number,
): void {
  ctx.fillStyle = p.css.panel;
  ctx.fillRect(x, y, w, h);
  ctx.strokeStyle = p.css.fg;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x, y + 0.5);
  ctx.lineTo(x + w, y + 0.5);
  ctx.stroke();
  const r = Math.max(1.5, Math.min(h * 0.3, 5));
  const cx = x + w - r - 3;
  const cy = y + h / 2;
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, Math.PI * 2);
  if (pte) {
    ctx.fillStyle = p.css.fg;
    ctx.fill();
  } else {
    ctx.strokeStyle = p.css.fg;
    ctx.lineWidth = 1.2;
    ctx.stroke();
  }
  if (h >= 10 && w >= 34) {
    ctx.font = `600 ${Math.min(13, h - 3)}px ${MONO}`;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.fillStyle = p.css.fg;
    ctx.fillText(permsText(prot).toLowerCase(), x + 3, cy + 0.5);
  }
}

/** Details of EPC pages: type labels, an owner ring on SECS and VA pages, and flag badges. */
export function drawEpcCells(
  ctx: CanvasRenderingContext2D,
  cells: VisibleCell[],
  p: Palette,
  epc: EpcColumns,
): void {
  for (const c of cells) {
    const f = epc.flags[c.i];
    if (!(f & E_VALID)) continue;
    const pt = epc.pt[c.i];
    const owner = epc.encl[c.i];
    const inset = c.s >= 24 ? 1 : 0.5;
    const x = c.x + inset;
    const y = c.y + inset;
    const s = c.s - 2 * inset;
    const typed = pt === PT_SECS || pt === PT_VA;
    const fillVar: PaletteVar = typed
      ? pt === PT_SECS
        ? "page-secs"
        : "page-va"
      : owner >= 0
        ? enclaveColour(p, owner)
        : "page-reg";
    if (typed && owner >= 0) {
      // The owner's colour as a strip along the bottom, so SECS and VA pages still show whose they are.
      const strip = Math.max(2, Math.round(s * 0.16));
      ctx.fillStyle = p.css[enclaveColour(p, owner)];
      ctx.fillRect(x, y + s - strip, s, strip);
    }
    const ink = textOn(p, p.rgb[fillVar]);
    if (s >= 30) {
      const font = Math.min(14, Math.max(9, Math.round(s * 0.24)));
      ctx.font = `700 ${font}px ${SANS}`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillStyle = ink;
      ctx.fillText(PAGE_TYPE_NAMES[pt] ?? "?", x + s / 2, y + s * 0.38);
      const bh = Math.min(14, Math.max(9, Math.round(s * 0.26)));
      drawBadges(ctx, p, f, x + 2, y + s - bh - 2, bh, x + s - 2);
    } else if (s >= 16) {
      const badged = s >= 22 && (f & (E_PENDING | E_MODIFIED | E_PR | E_BLOCKED)) !== 0;
      const font = Math.max(8, Math.round(s * (badged ? 0.36 : 0.42)));
      ctx.font = `700 ${font}px ${SANS}`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillStyle = ink;
      ctx.fillText((PAGE_TYPE_NAMES[pt] ?? "?")[0], x + s / 2, y + (badged ? s * 0.3 : s / 2 + 0.5));
      if (badged) {
        const bh = Math.max(9, Math.round(s * 0.4));
        drawBadges(ctx, p, f, x + 1, y + s - bh - 1, bh, x + s - 1);
      } else drawFlagDots(ctx, p, f, c);
    } else drawFlagDots(ctx, p, f, c);
  }
}

/**
 * Axes in the margins: each visible row's first cell on the left (hex offsets for the enclave,
 * EPC page numbers for the EPC) and the column step on top.
 */
export function drawAxes(
  ctx: CanvasRenderingContext2D,
  layout: GridLayout,
  t: Transform,
  p: Palette,
  label: (cellIndex: number) => string,
  columnLabel: (col: number) => string,
): void {
  const { left, top, cols, count } = layout;
  if (count === 0) return;
  const s = layout.cell * t.k;
  const gx = left * t.k + t.x;
  const gy = top * t.k + t.y;
  const r = visibleRange(layout, t);
  ctx.save();
  ctx.fillStyle = p.css.muted;
  ctx.font = `500 11px ${MONO}`;
  // Rows.
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, top, left, layout.height - top);
  ctx.clip();
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const row of rowTicks(r.r0, r.r1, s, 16)) {
    if (gy + row * s < top - 2) continue; // scrolled up under the column axis
    const y = gy + row * s + Math.min(s / 2, 8);
    ctx.fillText(label(row * cols), left - 6, y);
  }
  ctx.restore();
  // Columns.
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, 0, layout.width - left, top);
  ctx.clip();
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";
  const sample = ctx.measureText(columnLabel(Math.max(1, cols - 1))).width + 8;
  for (const col of rowTicks(r.c0, r.c1, s, sample)) {
    const x = gx + col * s + 2;
    if (x < left) continue; // half hidden under the row axis
    ctx.fillText(columnLabel(col), x, top - 5);
  }
  ctx.restore();
  ctx.restore();
}

export const enclaveRowLabel = (cell: number) => hex(cell * 4096);
export const enclaveColumnLabel = (col: number) => `+${hex(col * 4096)}`;
export const epcRowLabel = (cell: number) => String(cell);
export const epcColumnLabel = (col: number) => `+${col}`;
