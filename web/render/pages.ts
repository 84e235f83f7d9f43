// What the grids and the EPCM table show about each page, read straight from the engine's
// StateView (typed columns). Nothing here decides EPCM state: it looks entries up and names them.

import {
  E_BLOCKED,
  E_MODIFIED,
  E_PENDING,
  E_PR,
  E_VALID,
  epcmFlagNames,
  PT_SECS,
  PT_VA,
} from "../../engine/vocabulary/index.ts";
import type { EnclaveColumns, StateView } from "../../engine/vocabulary/view.ts";

/** The flags the grids badge and the table lists, in this order. */
export const BADGES: ReadonlyArray<{ bit: number; name: string; short: string; colour: string }> = [
  { bit: E_PENDING, name: "PENDING", short: "P", colour: "flag-pending" },
  { bit: E_MODIFIED, name: "MODIFIED", short: "M", colour: "flag-modified" },
  { bit: E_PR, name: "PR", short: "PR", colour: "flag-pr" },
  { bit: E_BLOCKED, name: "BLOCKED", short: "B", colour: "flag-blocked" },
];

/** The set bits among PENDING MODIFIED PR BLOCKED, separated by single spaces ("" when none). */
export function flagsText(flags: number): string {
  return epcmFlagNames(flags).join(" ");
}

export interface PageRow {
  /** Page index in ELRANGE (offset / 4096). */
  index: number;
  offset: number;
  /** EPC page while resident, -1 while evicted. */
  epc: number;
  evicted: boolean;
  /** The EPCM's page type while it has a valid entry; the kernel's type otherwise. */
  type: number;
  /** The EPCM flag byte (0 when the page has no valid EPCM entry, e.g. while evicted). */
  flags: number;
  /** Index into the enclave's EnclaveColumns arrays; -1 when the kernel has no record (yet). */
  kernel: number;
}

/**
 * The pages of one enclave that have a kernel record or an EPCM entry, as parallel columns
 * sorted by offset (a 65,000-page enclave is a few typed arrays, not 65,000 objects).
 */
export interface PageTable {
  /** Number of rows. */
  n: number;
  /** Pages in ELRANGE (size / 4096). */
  pages: number;
  index: Int32Array;
  /** EPC page while resident, -1 while evicted. */
  epc: Int32Array;
  type: Uint8Array;
  flags: Uint8Array;
  /** Index into EnclaveColumns arrays, -1 when the kernel has no record (yet). */
  kernel: Int32Array;
}

export const EMPTY_TABLE: PageTable = {
  n: 0,
  pages: 0,
  index: new Int32Array(0),
  epc: new Int32Array(0),
  type: new Uint8Array(0),
  flags: new Uint8Array(0),
  kernel: new Int32Array(0),
};

const tables = new WeakMap<StateView, Map<number, PageTable>>();

/**
 * The page table of enclave `enclave` (cached per view). Kernel records come from
 * EnclaveColumns; EPC entries owned by the enclave at an offset the kernel has no record of
 * (e.g. inside a step, right after EAUG) are added.
 */
export function pageTable(view: StateView, enclave: number): PageTable {
  let byEnclave = tables.get(view);
  if (!byEnclave) {
    byEnclave = new Map();
    tables.set(view, byEnclave);
  }
  let t = byEnclave.get(enclave);
  if (!t) {
    t = buildPageTable(view, enclave);
    byEnclave.set(enclave, t);
  }
  return t;
}

/** Whether the sorted `offsets` hold `offset` (binary search). */
function hasOffset(offsets: Float64Array, offset: number): boolean {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo < offsets.length && offsets[lo] === offset;
}

function buildPageTable(view: StateView, enclave: number): PageTable {
  const cols = view.enclaves[enclave];
  if (!cols) return EMPTY_TABLE;
  const { flags, pt, encl, offset } = view.epc;
  const m = cols.offset.length;
  let pages = Math.ceil(cols.size / 4096);
  if (m > 0) pages = Math.max(pages, Math.floor(cols.offset[m - 1] / 4096) + 1);
  // EPC entries owned by the enclave at an offset the kernel has no record of (sorted by page).
  // An EPC page a record points at is that record's page; only the others are looked up.
  const recorded = new Uint8Array(flags.length);
  for (let j = 0; j < m; j++) {
    const e = cols.epc[j];
    if (e >= 0 && e < flags.length && offset[e] === cols.offset[j]) recorded[e] = 1;
  }
  const extra: Array<[number, number]> = [];
  for (let e = 0; e < flags.length; e++) {
    if (encl[e] !== enclave || offset[e] < 0) continue;
    const i = Math.floor(offset[e] / 4096);
    if (i >= pages) pages = i + 1;
    if (recorded[e] || !(flags[e] & E_VALID) || hasOffset(cols.offset, i * 4096)) continue;
    extra.push([i, e]);
  }
  extra.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  // One entry per page: the first EPC page found for it.
  let kept = 0;
  for (let k = 0; k < extra.length; k++)
    if (k === 0 || extra[k][0] !== extra[k - 1][0]) extra[kept++] = extra[k];
  extra.length = kept;
  const n = m + kept;
  const t: PageTable = {
    n,
    pages,
    index: new Int32Array(n),
    epc: new Int32Array(n),
    type: new Uint8Array(n),
    flags: new Uint8Array(n),
    kernel: new Int32Array(n),
  };
  const record = (r: number, j: number) => {
    const e = cols.epc[j];
    const valid = e >= 0 && e < flags.length && (flags[e] & E_VALID) !== 0;
    t.index[r] = Math.floor(cols.offset[j] / 4096);
    t.epc[r] = e;
    t.type[r] = valid ? pt[e] : cols.type[j];
    t.flags[r] = valid ? flags[e] : 0;
    t.kernel[r] = j;
  };
  const entry = (r: number, i: number, e: number) => {
    t.index[r] = i;
    t.epc[r] = e;
    t.type[r] = pt[e];
    t.flags[r] = flags[e];
    t.kernel[r] = -1;
  };
  // Merge the kernel's records (sorted by offset) with the extra entries.
  let j = 0;
  let k = 0;
  for (let r = 0; r < n; r++) {
    if (k >= kept || (j < m && Math.floor(cols.offset[j] / 4096) < extra[k][0])) record(r, j++);
    else {
      entry(r, extra[k][0], extra[k][1]);
      k++;
    }
  }
  return t;
}

/** The row of page index `i`, or -1 when ELRANGE has no page there (binary search). */
export function rowIndex(t: PageTable, i: number): number {
  let lo = 0;
  let hi = t.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.index[mid] < i) lo = mid + 1;
    else hi = mid;
  }
  return lo < t.n && t.index[lo] === i ? lo : -1;
}

/** Row `r` of a page table as an object. */
export function pageRow(t: PageTable, r: number): PageRow {
  const epc = t.epc[r];
  return {
    index: t.index[r],
    offset: t.index[r] * 4096,
    epc,
    evicted: epc < 0,
    type: t.type[r],
    flags: t.flags[r],
    kernel: t.kernel[r],
  };
}

/** The row of page index `i`, or undefined when ELRANGE has no page there. */
export function rowAt(t: PageTable, i: number): PageRow | undefined {
  const r = i >= 0 && i < t.pages ? rowIndex(t, i) : -1;
  return r >= 0 ? pageRow(t, r) : undefined;
}

/** The page index that occupies EPC page `epc`, or -1. */
export function indexOfEpc(t: PageTable, epc: number): number {
  for (let r = 0; r < t.n; r++) if (t.epc[r] === epc) return t.index[r];
  return -1;
}

/** Every row as objects (tests and small enclaves). */
export function buildPageRows(view: StateView, enclave: number): PageRow[] {
  const t = pageTable(view, enclave);
  const rows: PageRow[] = new Array(t.n);
  for (let r = 0; r < t.n; r++) rows[r] = pageRow(t, r);
  return rows;
}

/** Protection of the VMA covering `offset` (-1: not mapped). */
export function vmaProtAt(cols: EnclaveColumns, offset: number): number {
  for (const v of cols.vmas) if (offset >= v.start && offset < v.end) return v.prot;
  return -1;
}

export interface PteInfo {
  /** VMA protection (PROT_* bits) or -1 when no VMA covers the page. */
  vmaProt: number;
  /** 0 none, 1 present, 3 present and accessed. */
  pte: number;
}

export function pteInfo(cols: EnclaveColumns, row: PageRow | undefined, offset: number): PteInfo {
  if (row && row.kernel >= 0) return { vmaProt: cols.vmaProt[row.kernel], pte: cols.pte[row.kernel] };
  return { vmaProt: vmaProtAt(cols, offset), pte: 0 };
}

export interface EpcCounts {
  total: number;
  /** Pages with a valid EPCM entry. */
  used: number;
  secs: number;
  va: number;
  /** The kernel's free count (as the engine reports it). */
  free: number;
}

export function epcCounts(view: StateView): EpcCounts {
  const { flags, pt } = view.epc;
  let used = 0;
  let secs = 0;
  let va = 0;
  for (let i = 0; i < flags.length; i++) {
    if (!(flags[i] & E_VALID)) continue;
    used++;
    if (pt[i] === PT_SECS) secs++;
    else if (pt[i] === PT_VA) va++;
  }
  return { total: flags.length, used, secs, va, free: view.freeCount };
}

/**
 * A set of page indices kept as a list (each once, in the order found) and a bit mask: a step
 * that changed 65,536 pages builds it in a fraction of what a Set of them costs.
 */
export class PageSet implements Iterable<number> {
  readonly list: Int32Array;
  private readonly bits: Uint32Array;

  /** From page indices (non-negative; repeats are dropped), with their maximum when known. */
  constructor(indices: ArrayLike<number>, max = -1) {
    const n = indices.length;
    if (max < 0) for (let k = 0; k < n; k++) if (indices[k] > max) max = indices[k];
    const bits = new Uint32Array((max >> 5) + 1);
    const list = new Int32Array(n);
    let m = 0;
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      if (i < 0) continue;
      const w = i >> 5;
      const bit = 1 << (i & 31);
      if ((bits[w] & bit) !== 0) continue;
      bits[w] |= bit;
      list[m++] = i;
    }
    this.bits = bits;
    this.list = m === n ? list : list.slice(0, m);
  }

  get size(): number {
    return this.list.length;
  }

  has(i: number): boolean {
    return i >= 0 && i >> 5 < this.bits.length && (this.bits[i >> 5] & (1 << (i & 31))) !== 0;
  }

  [Symbol.iterator](): Iterator<number> {
    return this.list[Symbol.iterator]();
  }
}

export const NO_PAGES = new PageSet([]);

const changedCache = new WeakMap<StateView, Map<string, { prev: StateView | null; pages: PageSet }>>();

/**
 * The enclave pages that changed in this view: the changed EPC pages mapped to page indices of
 * `enclave`. A page that left the EPC in this view (evicted, removed) is found through `prev`,
 * the view just before this one, when given. No view: none.
 */
export function changedPages(view: StateView | null, enclave: number, prev: StateView | null): PageSet {
  if (!view) return NO_PAGES;
  const key = `${enclave}:${prev ? "p" : "-"}`;
  let byKey = changedCache.get(view);
  if (!byKey) {
    byKey = new Map();
    changedCache.set(view, byKey);
  }
  const hit = byKey.get(key);
  if (hit && hit.prev === prev) return hit.pages;
  const changed = view.changed;
  const found = new Int32Array(changed.length);
  let n = 0;
  let max = -1;
  const { encl, offset } = view.epc;
  const before = prev?.epc;
  for (let k = 0; k < changed.length; k++) {
    const e = changed[k];
    let page = -1;
    if (encl[e] === enclave && offset[e] >= 0) page = Math.floor(offset[e] / 4096);
    else if (before && e < before.encl.length && before.encl[e] === enclave && before.offset[e] >= 0)
      page = Math.floor(before.offset[e] / 4096);
    if (page < 0) continue;
    found[n++] = page;
    if (page > max) max = page;
  }
  // The maximum found on the way: one pass less over a step of many pages.
  const out = new PageSet(found.subarray(0, n), max);
  byKey.set(key, { prev, pages: out });
  return out;
}

/** A position in the run: steps completed and, inside a step, the event shown. */
type Position = Pick<StateView, "step" | "event">;

/**
 * Whether `prev` is the position right before `view` (one step, or one event, earlier): the one
 * rule for when the grids and the table flash what changed (not after a jump or a step back).
 * A complete step looks like its last event, so from any event of step s-1, and from step s-1
 * itself, event 0 of step s is one event on; stepping out of a step is one on from its events.
 */
export function isPrevious(prev: Position | null, view: Position): boolean {
  if (!prev) return false;
  if (view.event === null) return prev.event === null ? prev.step === view.step - 1 : prev.step === view.step;
  if (view.event === 0) return prev.step === view.step - 1;
  return prev.step === view.step && prev.event === view.event - 1;
}
