// The static layer of each grid as a bitmap with one pixel per cell (drawn scaled up, without
// smoothing): building it is one pass over typed arrays, and drawing it at any zoom is one
// drawImage, so 65,536 EPC pages pan and zoom without repainting cell by cell.

import { E_VALID, PT_REG, PT_SECS, PT_VA } from "../../engine/vocabulary/index.ts";
import type { EpcColumns } from "../../engine/vocabulary/view.ts";
import { enclaveColour, type Palette, type PaletteVar, packRgb, pageTypeColour } from "./colors.ts";
import type { PageRow, PageTable } from "./pages.ts";

/** Colour variable of an EPC page in the EPC view: free plain, SECS and VA by type, else by owner. */
export function epcCellColour(p: Palette, flags: number, pt: number, encl: number): PaletteVar {
  if (!(flags & E_VALID)) return "page-free";
  if (pt === PT_SECS || pt === PT_VA) return pageTypeColour(pt);
  if (encl < 0) return pageTypeColour(pt);
  return enclaveColour(p, encl);
}

/** Colour variable of an enclave page: its page type while resident, evicted grey otherwise. */
export function enclaveCellColour(row: PageRow | undefined): PaletteVar {
  if (!row) return "page-hole";
  if (row.evicted) return "page-evicted";
  return pageTypeColour(row.type);
}

/** Fills `out` (one pixel per EPC page) with each page's colour (as epcCellColour picks it). */
export function paintEpc(out: Uint32Array, epc: EpcColumns, p: Palette): void {
  const free = packRgb(p.rgb["page-free"]);
  const secs = packRgb(p.rgb["page-secs"]);
  const va = packRgb(p.rgb["page-va"]);
  const byType = [0, 1, 2, 3, 4].map((t) => packRgb(p.rgb[pageTypeColour(t)]));
  const byOwner: number[] = [];
  for (let k = 0; k < p.enclaveColours; k++) byOwner.push(packRgb(p.rgb[enclaveColour(p, k)]));
  const { flags, pt, encl } = epc;
  const n = Math.min(out.length, flags.length);
  const owners = p.enclaveColours;
  for (let i = 0; i < n; i++) {
    if (!(flags[i] & E_VALID)) {
      out[i] = free;
      continue;
    }
    const t = pt[i];
    const e = encl[i];
    out[i] =
      t === PT_SECS ? secs : t === PT_VA ? va : e >= 0 ? byOwner[e % owners] : (byType[t] ?? byType[PT_REG]);
  }
  out.fill(packRgb(p.rgb.bg), n);
}

/** Fills `out` (one pixel per page of ELRANGE) with holes, then each page's colour. */
export function paintEnclave(out: Uint32Array, count: number, t: PageTable, p: Palette): void {
  const end = Math.min(count, out.length);
  out.fill(packRgb(p.rgb["page-hole"]), 0, end);
  out.fill(packRgb(p.rgb.bg), end);
  const evicted = packRgb(p.rgb["page-evicted"]);
  const byType = [0, 1, 2, 3, 4].map((k) => packRgb(p.rgb[pageTypeColour(k)]));
  for (let r = 0; r < t.n; r++) {
    const i = t.index[r];
    if (i < 0 || i >= end) continue;
    out[i] = t.epc[r] < 0 ? evicted : (byType[t.type[r]] ?? byType[PT_REG]);
  }
}

/** Marks the given cells with `colour` and leaves every other pixel transparent. */
export function paintMask(out: Uint32Array, cells: Iterable<number>, colour: number): void {
  out.fill(0);
  for (const i of cells) if (i >= 0 && i < out.length) out[i] = colour;
}
