// The current view as a standalone SVG (and, rasterized, a PNG): both grids drawn as real <rect>s
// from the same StateView, colour rules and palette as the canvases, with a title, the step,
// axis labels and a legend, so a slide or a doc gets a sharp picture in the current theme.

import { E_VALID, hex, PAGE_TYPE_NAMES, permsText } from "../../engine/vocabulary/index.ts";
import type { StateView } from "../../engine/vocabulary/view.ts";
import { enclaveCellColour, epcCellColour } from "../render/bitmap.ts";
import { type Palette, type PaletteVar, textOn } from "../render/colors.ts";

import { BADGES, type PageTable, pageTable, rowAt } from "../render/pages.ts";

export interface SvgInput {
  view: StateView;
  /** Index into view.enclaves of the enclave the enclave grid shows. */
  enclave: number;
  palette: Palette;
  /** The scenario's title. */
  title: string;
  /** "Step 12 of 16" (and the event, inside a step). */
  position: string;
}

const WIDTH = 960;
const MARGIN = 16;
const AXIS = 64;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Columns and cell size for `count` cells across the drawing's width. */
function gridShape(count: number): { cols: number; size: number } {
  const avail = WIDTH - 2 * MARGIN - AXIS;
  // About twice as wide as tall, in powers of two so rows start at round offsets.
  const cols = Math.min(256, Math.max(4, 2 ** Math.round(Math.log2(Math.sqrt(2 * Math.max(1, count))))));
  return { cols, size: Math.max(3, Math.min(64, Math.floor(avail / Math.max(cols, 12)))) };
}

interface Cell {
  fill: PaletteVar;
  /** Page type, and R/W/X under it (enclave pages). */
  label?: string;
  perms?: string;
  flags: number;
  hatched?: boolean;
}

function drawGrid(
  out: string[],
  p: Palette,
  y: number,
  heading: string,
  count: number,
  cell: (i: number) => Cell,
  rowLabel: (i: number) => string,
  kind: "enclave" | "epc",
): number {
  out.push(
    `<text x="${MARGIN}" y="${y + 16}" font-size="15" font-weight="700" fill="${p.css.fg}">${esc(heading)}</text>`,
  );
  y += 28;
  const { cols, size } = gridShape(count);
  const rows = Math.ceil(count / cols);
  const x0 = MARGIN + AXIS;
  out.push(`<g class="cells-${kind}" font-family="${esc(FONT)}">`);
  for (let i = 0; i < count; i++) {
    const c = cell(i);
    const x = x0 + (i % cols) * size;
    const yy = y + Math.floor(i / cols) * size;
    const s = size - (size >= 8 ? 1 : 0);
    const fill = c.hatched ? `url(#evicted)` : p.css[c.fill];
    out.push(`<rect x="${x}" y="${yy}" width="${s}" height="${s}" fill="${fill}" data-cell="${i}"/>`);
    const ink = textOn(p, p.rgb[c.fill]);
    if (size >= 24 && c.label) {
      out.push(
        `<text x="${x + s / 2}" y="${yy + s * 0.32}" font-size="${Math.min(12, Math.round(s * 0.26))}" font-weight="700" text-anchor="middle" fill="${ink}">${esc(c.label)}</text>`,
      );
      if (c.perms)
        out.push(
          `<text x="${x + s / 2}" y="${yy + s * 0.6}" font-size="${Math.min(12, Math.round(s * 0.24))}" text-anchor="middle" font-family="monospace" fill="${ink}">${esc(c.perms)}</text>`,
        );
    }
    if (size >= 24) {
      const badges = BADGES.filter((b) => c.flags & b.bit).map((b) => b.short);
      if (badges.length > 0)
        out.push(
          `<text x="${x + s / 2}" y="${yy + s * 0.88}" font-size="${Math.min(10, Math.round(s * 0.22))}" font-weight="700" text-anchor="middle" fill="${ink}">${esc(badges.join(" "))}</text>`,
        );
    }
  }
  out.push("</g>");
  // Row labels every few rows, like the canvases' left axis.
  const every = Math.max(1, Math.ceil(14 / size));
  for (let r = 0; r < rows; r += every)
    out.push(
      `<text x="${x0 - 6}" y="${y + r * size + Math.min(size, 14) - 3}" font-size="10" text-anchor="end" fill="${p.css.muted}" font-family="monospace">${esc(rowLabel(r * cols))}</text>`,
    );
  return y + rows * size + 18;
}

/** The legend: page types, free/evicted, and the flag letters. */
function legend(out: string[], p: Palette, y: number): number {
  const items: Array<[PaletteVar, string]> = [
    ["page-secs", "SECS"],
    ["page-tcs", "TCS"],
    ["page-reg", "REG"],
    ["page-va", "VA"],
    ["page-trim", "TRIM"],
    ["page-free", "free"],
    ["page-evicted", "evicted"],
  ];
  let x = MARGIN;
  for (const [v, name] of items) {
    out.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${p.css[v]}" stroke="${p.css.border}"/>`);
    out.push(`<text x="${x + 16}" y="${y + 10}" font-size="11" fill="${p.css.fg}">${name}</text>`);
    x += 30 + name.length * 7;
  }
  const flags = BADGES.map((b) => `${b.short} = ${b.name}`).join(", ");
  out.push(`<text x="${x + 8}" y="${y + 10}" font-size="11" fill="${p.css.muted}">${esc(flags)}</text>`);
  return y + 24;
}

/** The view as SVG markup, with its size. */
export function viewToSvg(input: SvgInput): { svg: string; width: number; height: number } {
  const { view, palette: p } = input;
  const body: string[] = [];
  let y = MARGIN;
  body.push(
    `<text x="${MARGIN}" y="${y + 18}" font-size="19" font-weight="700" fill="${p.css.fg}">EPCM Explorer: ${esc(input.title)}</text>`,
  );
  body.push(
    `<text x="${MARGIN}" y="${y + 40}" font-size="13" fill="${p.css.muted}">${esc(input.position)}</text>`,
  );
  y += 56;

  const encl = view.enclaves[input.enclave];
  if (encl) {
    const table: PageTable = pageTable(view, input.enclave);
    y = drawGrid(
      body,
      p,
      y,
      `Enclave pages: ${encl.name}, ELRANGE ${hex(encl.base)} + ${hex(encl.size)}`,
      table.pages,
      (i) => {
        const row = rowAt(table, i);
        const fill = enclaveCellColour(row);
        return {
          fill,
          hatched: row?.evicted ?? false,
          flags: row?.flags ?? 0,
          label: row && !row.evicted ? (PAGE_TYPE_NAMES[row.type] ?? "?") : undefined,
          perms: row && row.flags & E_VALID ? permsText(row.flags) : undefined,
        };
      },
      (i) => hex(i * 4096),
      "enclave",
    );
  }
  const epc = view.epc;
  y = drawGrid(
    body,
    p,
    y,
    `EPC pages: ${epc.flags.length.toLocaleString("en-US")} (${view.freeCount.toLocaleString("en-US")} free)`,
    epc.flags.length,
    (i) => {
      const f = epc.flags[i];
      const fill = epcCellColour(p, f, epc.pt[i], epc.encl[i]);
      return { fill, flags: f, label: f & E_VALID ? (PAGE_TYPE_NAMES[epc.pt[i]] ?? "?") : undefined };
    },
    (i) => String(i),
    "epc",
  );
  y = legend(body, p, y);
  const height = y + MARGIN;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${esc(FONT)}">`,
    `<title>${esc(`EPCM Explorer: ${input.title}, ${input.position}`)}</title>`,
    `<defs><pattern id="evicted" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="${p.css.bg}"/><path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="${p.css["page-evicted"]}" stroke-width="2.5"/></pattern></defs>`,
    `<rect width="100%" height="100%" fill="${p.css.bg}"/>`,
    ...body,
    "</svg>",
  ].join("\n");
  return { svg, width: WIDTH, height };
}
