// "What changed" in words: the engine's before/after EPCM entries (EpcmChanges, from
// Session.changes()) as "EPC 14 e0+0xc000: free → REG RW- PENDING". Only names what the engine
// answered; it never works out an earlier entry itself.

import {
  E_RWX,
  E_VALID,
  epcmFlagNames,
  hex,
  PT_REG,
  PT_SECS,
  PT_TRIM,
  PT_VA,
  pageTypeLabel,
  permsText,
} from "../../../engine/vocabulary/index.ts";
import type { EpcmChanges } from "../../engine/client.ts";

/** EPCM entries in rows (row i is EPC page `epc[i]` of the answer). */
type EpcmRows = EpcmChanges["before"];

/** "REG RW- PENDING", "VA", "free": row `i` of `rows`. */
export function entryText(rows: EpcmRows, i: number): string {
  const f = rows.flags[i];
  if (!(f & E_VALID)) return "free";
  const pt = rows.pt[i];
  const parts = [pageTypeLabel(pt)];
  // A TCS, SECS or VA entry has no permissions to speak of (its R/W/X bits are 0).
  if (pt === PT_REG || pt === PT_TRIM || (f & E_RWX) !== 0) parts.push(permsText(f));
  return [...parts, ...epcmFlagNames(f)].join(" ");
}

/** Where row `i` lives: "e0+0xc000", "e0 SECS", "e0 VA page", or "" for a free entry. */
export function whereText(rows: EpcmRows, i: number, names: readonly string[]): string {
  if (!(rows.flags[i] & E_VALID)) return "";
  const enclave = rows.encl[i] >= 0 ? (names[rows.encl[i]] ?? null) : null;
  const pt = rows.pt[i];
  if (pt === PT_SECS) return enclave ? `${enclave} SECS` : "SECS";
  if (pt === PT_VA) return enclave ? `${enclave} VA page` : "VA page";
  const offset = rows.offset[i] >= 0 ? hex(rows.offset[i]) : null;
  if (enclave && offset) return `${enclave}+${offset}`;
  return offset ?? "";
}

export interface PageChange {
  epc: number;
  /** "e0+0xc000", "e0 SECS", "VA page" or "" for a page that was and stays free. */
  where: string;
  before: string;
  after: string;
}

/** Each page the engine reported, in its order: where, and its entry before → after. */
export function pageChanges(c: EpcmChanges, names: readonly string[]): PageChange[] {
  const out: PageChange[] = [];
  for (let i = 0; i < c.epc.length; i++) {
    out.push({
      epc: c.epc[i],
      where: whereText(c.after, i, names) || whereText(c.before, i, names),
      before: entryText(c.before, i),
      after: entryText(c.after, i),
    });
  }
  return out;
}
