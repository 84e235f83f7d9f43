// The current view as a standalone SVG (and, rasterized, a PNG) for a slide or a doc: the step's
// title and outcome as a caption, the enclave's pages in the screen's column count with the
// offsets the app shows (empty offsets included), the pages this step changed outlined, flags as
// readable badges, a compact strip of the EPC pages in use, and a legend that explains each mark.
// Colours come from the same rules and palette as the canvases, so both themes read.

import { E_VALID, hex, PAGE_TYPE_NAMES, permsText } from "../../engine/vocabulary/index.ts";
import type { StateView } from "../../engine/vocabulary/view.ts";
import type { TraceStep } from "../engine/client.ts";
import { enclaveCellColour, epcCellColour } from "../render/bitmap.ts";
import { AXIS_TOP, axisWidth, enclaveColumnLabel, enclaveRowLabel } from "../render/cells.ts";
import { type Palette, type PaletteVar, textOn } from "../render/colors.ts";
import { ENCLAVE_MAX_CELL, enclaveLayout } from "../render/enclave-layout.ts";
import { BADGES, changedPages, pageTable, rowAt } from "../render/pages.ts";
import { glossaryEntry } from "../tours/glossary.ts";
import { opSummary, outcomeParts } from "../views/format/ops.ts";

export interface SvgInput {
  view: StateView;
  /** Index into view.enclaves of the enclave the enclave grid shows. */
  enclave: number;
  palette: Palette;
  /** The scenario's title. */
  title: string;
  /** "Step 12 of 16" (and the event, inside a step). */
  position: string;
  /** The step shown (its op is the caption's title, its outcome the caption's second line). */
  step?: TraceStep;
  /** The enclave grid's column count on screen (default: the screen's at a 480-pixel-wide box). */
  columns?: number;
}

const WIDTH = 800;
const MARGIN = 16;
const MAX_CELL = ENCLAVE_MAX_CELL;
const STRIP_COLS = 16;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
const MONO = '"DejaVu Sans Mono", Menlo, Consolas, monospace';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The column count the enclave grid picks for `pages` pages in a box `width` pixels wide. */
export function screenColumns(pages: number, width: number): number {
  return enclaveLayout(pages, width).cols;
}

/** `text` broken into lines of at most about `max` characters, at spaces. */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function textAt(x: number, y: number, size: number, fill: string, body: string, extra = ""): string {
  return `<text x="${x}" y="${y}" font-size="${size}" fill="${fill}"${extra}>${esc(body)}</text>`;
}

/** A section's heading, on the line below `y`. */
function heading(p: Palette, y: number, text: string): string {
  return textAt(MARGIN, y + 14, 14, p.css.fg, text, ' font-weight="700"');
}

/** Flag badges (full names when they fit), stacked up from the cell's bottom edge. */
function badges(out: string[], p: Palette, flags: number, x: number, bottom: number, s: number): void {
  const set = BADGES.filter((b) => flags & b.bit);
  const h = Math.min(16, Math.max(10, Math.round(s * 0.2)));
  const font = h - 4;
  set.forEach((b, k) => {
    const name = b.name.length * font * 0.68 + 8 <= s - 4 ? b.name : b.short;
    const w = Math.min(s - 4, name.length * font * 0.68 + 8);
    const y = bottom - 2 - (set.length - k) * (h + 1);
    const fill = p.css[b.colour as PaletteVar];
    out.push(
      `<rect class="badge" x="${x + (s - w) / 2}" y="${y}" width="${w}" height="${h}" rx="3" fill="${fill}" stroke="${p.css.bg}"/>`,
      `${textAt(x + s / 2, y + h - 3.5, font, textOn(p, p.rgb[b.colour as PaletteVar]), name, ' font-weight="700" text-anchor="middle"')}`,
    );
  });
}

interface Cell {
  fill: PaletteVar;
  hatched?: boolean;
  /** First line (page type, or "no page"). */
  label?: string;
  /** Second line (R/W/X, or the EPC index in the strip). */
  sub?: string;
  flags: number;
  changed: boolean;
}

/** Cells `cell(i)` for i in first..end-1, `cols` across, cell `first` at (x0, y). */
function cells(
  out: string[],
  p: Palette,
  kind: "enclave" | "epc",
  x0: number,
  y: number,
  [first, end]: [number, number],
  cols: number,
  size: number,
  cell: (i: number) => Cell,
): void {
  const s = size - (size >= 8 ? 2 : 0);
  const outlines: string[] = [];
  out.push(`<g class="cells-${kind}">`);
  for (let i = first; i < end; i++) {
    const c = cell(i);
    const x = x0 + ((i - first) % cols) * size;
    const yy = y + Math.floor((i - first) / cols) * size;
    const fill = c.hatched ? "url(#evicted)" : p.css[c.fill];
    const hole = c.fill === "page-hole" ? ` stroke="${p.css["grid-line"]}" stroke-dasharray="3 3"` : "";
    out.push(`<rect x="${x}" y="${yy}" width="${s}" height="${s}" fill="${fill}"${hole} data-cell="${i}"/>`);
    if (c.changed)
      outlines.push(
        `<rect class="changed" x="${x - 1}" y="${yy - 1}" width="${s + 2}" height="${s + 2}" fill="none" stroke="${p.css.changed}" stroke-width="3" data-cell="${i}"/>`,
      );
    if (size < 24) continue;
    const ink = textOn(p, c.hatched ? p.rgb.bg : p.rgb[c.fill]);
    const lines: Array<[string | undefined, number, string]> = [
      [c.label, 15, ' font-weight="700"'],
      [c.sub, 29, ` font-family="${esc(MONO)}"`],
    ];
    for (const [text, dy, attrs] of lines)
      if (text)
        out.push(
          textAt(
            x + s / 2,
            yy + dy,
            Math.min(12, Math.round(s * 0.28)),
            ink,
            text,
            `${attrs} text-anchor="middle"`,
          ),
        );
    if (c.flags) badges(out, p, c.flags, x, yy + s, s);
  }
  out.push("</g>", `<g class="changed-${kind}">`, ...outlines, "</g>");
}

/** The caption: scenario, position and the step's op, then what user space got back. */
function caption(out: string[], p: Palette, input: SvgInput, y: number): number {
  out.push(textAt(MARGIN, y + 18, 18, p.css.fg, `EPCM Explorer: ${input.title}`, ' font-weight="700"'));
  y += 26;
  const st = input.step;
  const head = st ? `${input.position}: ${opSummary(st.op)}` : `${input.position}: before the first step`;
  const lines: Array<[string, string, number]> = [[head, p.css.fg, 15]];
  if (st?.note) for (const l of wrap(st.note, 100)) lines.push([l, p.css.muted, 13]);
  if (st)
    for (const l of wrap(`Got back: ${outcomeParts(st).join(" · ")}`, 100)) lines.push([l, p.css.fg, 13]);
  out.push('<g class="caption">');
  for (const [text, fill, size] of lines) {
    y += size + 5;
    out.push(textAt(MARGIN, y, size, fill, text, size === 15 ? ' font-weight="700"' : ""));
  }
  out.push("</g>");
  return y + 14;
}

/** The legend, one mark a line, worded as the grids' legends and the glossary word them. */
function legend(out: string[], p: Palette, x: number, y: number, names: readonly string[]): number {
  const swatch = (v: PaletteVar, extra = "") =>
    `<rect x="${x}" y="${y}" width="14" height="14" fill="${p.css[v]}"${extra}/>`;
  const line = (mark: string, text: string) => {
    out.push(mark, textAt(x + 22, y + 11, 12, p.css.fg, text));
    y += 20;
  };
  out.push('<g class="legend">', textAt(x, y + 11, 13, p.css.fg, "Legend", ' font-weight="700"'));
  y += 22;
  line(swatch("page-tcs"), "TCS: a thread's entry point");
  line(swatch("page-reg"), "REG: code or data");
  line(swatch("page-trim"), "TRIM: marked for removal");
  line(swatch("page-secs"), "SECS: the enclave's control page");
  line(swatch("page-va"), "VA: slots for evicted pages' versions");
  line(`<rect x="${x}" y="${y}" width="14" height="14" fill="url(#evicted)"/>`, "evicted");
  line(swatch("page-hole", ` stroke="${p.css["grid-line"]}" stroke-dasharray="3 3"`), "no page");
  names.slice(0, 5).forEach((n, i) => {
    line(swatch(`enclave-${i}` as PaletteVar), `${n} (its pages in the EPC strip)`);
  });
  line(
    `<rect x="${x + 1}" y="${y + 1}" width="12" height="12" fill="none" stroke="${p.css.changed}" stroke-width="3"/>`,
    "changed by this step",
  );
  for (const b of BADGES) {
    const v = b.colour as PaletteVar;
    out.push(`<rect x="${x}" y="${y}" width="70" height="16" rx="3" fill="${p.css[v]}"/>`);
    out.push(
      textAt(x + 35, y + 12, 11, textOn(p, p.rgb[v]), b.name, ' font-weight="700" text-anchor="middle"'),
    );
    const meaning = glossaryEntry(b.name)?.short ?? "EPCM bit: EBLOCK blocked the page so it can be evicted.";
    const wrapped = wrap(meaning.replace(/^EPCM bit( \([^)]*\))?: /, ""), 34);
    wrapped.forEach((l, k) => {
      out.push(textAt(x + 78, y + 12 + k * 15, 11, p.css.muted, l));
    });
    y += Math.max(22, wrapped.length * 15 + 6);
  }
  out.push("</g>");
  return y;
}

/** The view as SVG markup, with its size. */
export function viewToSvg(input: SvgInput): { svg: string; width: number; height: number } {
  const { view, palette: p } = input;
  const body: string[] = [];
  let y = caption(body, p, input, MARGIN);

  // The enclave's pages, as on screen: the same columns, row offsets on the left, column offsets on top.
  const encl = view.enclaves[input.enclave];
  let bottom = y;
  const legendX = WIDTH - MARGIN - 290;
  if (encl) {
    const table = pageTable(view, input.enclave);
    const count = table.pages;
    const cols = Math.max(1, input.columns ?? screenColumns(count, 480));
    // All rows, as on screen; a large ELRANGE (mostly unbacked) is cropped to the rows that hold
    // pages, the empty offsets between them kept.
    const all = Math.ceil(count / cols);
    const crop = all > 16 && table.n > 0;
    const r0 = crop ? Math.floor(table.index[0] / cols) : 0;
    const r1 = crop ? Math.floor(table.index[table.n - 1] / cols) : all - 1;
    const rows = r1 - r0 + 1;
    const axis = axisWidth(enclaveRowLabel(Math.max(0, count - 1)).length);
    const x0 = MARGIN + axis;
    const size = Math.max(1, Math.min(MAX_CELL, Math.floor((legendX - 24 - x0) / cols)));
    const changed = changedPages(view, input.enclave, null);
    body.push(heading(p, y, `Enclave pages: ${encl.name}, ELRANGE ${hex(encl.size)} bytes (${count} pages)`));
    const gy = y + 24 + AXIS_TOP;
    const mono = ` font-family="${esc(MONO)}"`;
    body.push('<g class="axis">');
    const labelEvery = Math.max(1, Math.ceil(60 / size));
    for (let c = 0; c < cols; c += labelEvery)
      body.push(
        textAt(
          x0 + c * size + size / 2,
          gy - 5,
          10,
          p.css.muted,
          enclaveColumnLabel(c),
          `${mono} text-anchor="middle"`,
        ),
      );
    const rowEvery = Math.max(1, Math.ceil(14 / size));
    for (let r = 0; r < rows; r += rowEvery)
      body.push(
        textAt(
          x0 - 6,
          gy + r * size + Math.min(size / 2 + 4, 14),
          10,
          p.css.muted,
          enclaveRowLabel((r0 + r) * cols),
          `${mono} text-anchor="end"`,
        ),
      );
    body.push("</g>");
    cells(body, p, "enclave", x0, gy, [r0 * cols, Math.min(count, (r1 + 1) * cols)], cols, size, (i) => {
      const row = rowAt(table, i);
      return {
        fill: enclaveCellColour(row),
        hatched: row?.evicted ?? false,
        label: !row ? "no page" : row.evicted ? "evicted" : (PAGE_TYPE_NAMES[row.type] ?? "?"),
        sub: row && row.flags & E_VALID ? permsText(row.flags) : undefined,
        flags: row?.flags ?? 0,
        changed: changed.has(i),
      };
    });
    bottom = gy + rows * size;
  }
  const legendBottom = legend(
    body,
    p,
    legendX,
    y,
    view.enclaves.map((e) => e.name),
  );
  y = Math.max(bottom, legendBottom) + 20;

  // The EPC, cropped to the pages in use (and any this step freed): a strip, each page with its index.
  const epc = view.epc;
  const changedEpc = new Set(view.changed);
  const shown: number[] = [];
  for (let e = 0; e < epc.flags.length; e++) if (epc.flags[e] & E_VALID || changedEpc.has(e)) shown.push(e);
  const total = epc.flags.length;
  const n = (v: number) => v.toLocaleString("en-US");
  body.push(
    heading(
      p,
      y,
      `EPC pages in use: ${n(shown.length)} of ${n(total)} (${n(view.freeCount)} free, not drawn)`,
    ),
  );
  y += 24;
  // 16 across while the labels fit; a square-ish block of small cells for thousands of pages.
  const stripCols = Math.min(
    512,
    Math.max(STRIP_COLS, 2 ** Math.ceil(Math.log2(Math.sqrt(shown.length * 4)))),
  );
  const size = Math.max(1, Math.min(46, Math.floor((WIDTH - 2 * MARGIN) / stripCols)));
  cells(body, p, "epc", MARGIN, y, [0, shown.length], stripCols, size, (k) => {
    const e = shown[k];
    const f = epc.flags[e];
    return {
      fill: epcCellColour(p, f, epc.pt[e], epc.encl[e]),
      label: f & E_VALID ? (PAGE_TYPE_NAMES[epc.pt[e]] ?? "?") : "free",
      sub: `#${e}`,
      flags: 0,
      changed: changedEpc.has(e),
    };
  });
  y += Math.ceil(shown.length / stripCols) * size + MARGIN;

  const height = Math.ceil(y);
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
