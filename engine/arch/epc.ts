// The Enclave Page Cache and its map (EPCM), stored as typed arrays so that millions of pages
// stay cheap (one EPCM entry costs 31 bytes here). The arrays cover the pages reached so far
// (`capacity`, grown fourfold; reading past it gives undefined, which every reader treats as
// a free page) and only the 4096-entry chunks a page of which has been reached (`reach()`) are
// filled with their initial values, so a small enclave on a 512 GiB EPC costs what it costs on
// 128 pages. The columns are replaced when they grow: hold the Epc, never a column. SDM Vol. 3D "Enclave Page Cache Map (EPCM)":
// one entry per 4 KiB EPC page with VALID, R/W/X, PT, ENCLAVESECS, ENCLAVEADDRESS, BLOCKED,
// PENDING, MODIFIED and PR.

import { E_VALID, pageTypeName, permsText } from "../vocabulary/epcm.ts";
import { VA_SLOT_COUNT } from "./constants.ts";

// Bit layout of `flags`: the E_* bits of ../vocabulary/epcm.ts.

/** No owner / no epoch. */
export const NONE = -1;

/** log2 of the entries per chunk that `reach()` initializes at once. */
const CHUNK_BITS = 12;

/** Control state of an enclave, held in its SECS page (SDM "SGX Enclave Control Structure"). */
export interface SecsState {
  /** Enclave identifier assigned by ECREATE (used in PCMD.ENCLAVEID and the eviction MAC). */
  eid: number;
  baseaddr: number;
  size: number;
  ssaFrameSize: number;
  attributes: number;
  xfrm: number;
  miscselect: number;
  /** ATTRIBUTES.INIT: set by EINIT. */
  initialized: boolean;
  /** Number of valid child pages (REG/TCS/TRIM) in the EPC; ERDINFO calls it CHLDCNT. */
  childCount: number;
  /** Running measurement (a digest of the ECREATE/EADD/EEXTEND records; not SHA-256). */
  measurement: number;
  /** Tracking epoch, advanced by each ETRACK (SDM: ETRACK; the tracking rule is in cpu.ts). */
  epoch: number;
  /** Logical processors that were inside the enclave at the last ETRACK and have not yet exited. */
  tracked: Set<number>;
}

/** What EWB writes to normal memory: the sealed page, its PCMD and the version in the VA slot. */
export interface SealedPage {
  /** PCMD.SECINFO flags snapshot: PT, RWX, PENDING, MODIFIED, PR (SDM EWB). */
  secinfo: number;
  /** PCMD.ENCLAVEID. */
  eid: number;
  linaddr: number;
  /** The version written to the VA slot; the MAC binds it (SDM ELDU: MAC over page, PCMD, LINADDR, version). */
  version: number;
  words: Map<number, bigint> | undefined;
  /** For a SECS: its control state. */
  secs?: SecsState;
  /** For a VA page: its slot versions (the page's contents). */
  vaSlots?: Float64Array;
  /**
   * MAC over the page contents, PCMD.SECINFO, LINADDR, the owning enclave's EID and the version
   * (SDM ELDU; SDM: ELDU): ELDU recomputes it, so a tampered PCMD fails to load.
   */
  mac: number;
}

/**
 * The words of each page by EPC index, with the last page looked up kept at hand: an enclave
 * entry, its AEX and its ERESUME read and write the one TCS a dozen times.
 */
class PageWords extends Map<number, Map<number, bigint>> {
  private lastEpc = NONE;
  private lastPage: Map<number, bigint> | undefined;
  /** Number() of the words read as numbers, per page; dropped when the word or the page changes. */
  private readonly numbers = new Map<number, Map<number, number>>();
  private lastNumEpc = NONE;
  private lastNums: Map<number, number> | undefined;

  /** The page's words (undefined: all zero), as get() but remembered. */
  page(epc: number): Map<number, bigint> | undefined {
    if (epc === this.lastEpc) return this.lastPage;
    this.lastPage = super.get(epc);
    this.lastEpc = epc;
    return this.lastPage;
  }

  /** Number() of a word, remembered: a BigInt's Number() costs several times the lookup. */
  number(epc: number, offset: number): number {
    let nums = epc === this.lastNumEpc ? this.lastNums : this.numbers.get(epc);
    if (!nums) {
      nums = new Map();
      this.numbers.set(epc, nums);
    }
    this.lastNumEpc = epc;
    this.lastNums = nums;
    let n = nums.get(offset);
    if (n === undefined) {
      n = Number(this.page(epc)?.get(offset) ?? 0n);
      nums.set(offset, n);
    }
    return n;
  }

  /** A word of a page's map was written in place (`n`: its Number(), when the writer knows it). */
  changed(epc: number, offset: number, n: number | undefined): void {
    const nums = epc === this.lastNumEpc ? this.lastNums : this.numbers.get(epc);
    if (!nums) return;
    if (n === undefined) nums.delete(offset);
    else nums.set(offset, n);
  }

  private dropNumbers(epc: number): void {
    this.numbers.delete(epc);
    if (epc === this.lastNumEpc) this.lastNumEpc = NONE;
  }

  override set(epc: number, words: Map<number, bigint>): this {
    if (epc === this.lastEpc) this.lastEpc = NONE;
    this.dropNumbers(epc);
    return super.set(epc, words);
  }

  override delete(epc: number): boolean {
    if (epc === this.lastEpc) this.lastEpc = NONE;
    this.dropNumbers(epc);
    return super.delete(epc);
  }

  override clear(): void {
    this.lastEpc = NONE;
    this.numbers.clear();
    this.lastNumEpc = NONE;
    super.clear();
  }
}

/** A column grown to `length` (new entries 0). */
export function grown<A extends Uint8Array | Uint32Array | Int32Array | Float64Array>(
  a: A,
  length: number,
): A {
  if (a.length >= length) return a;
  const b = new (a.constructor as new (n: number) => A)(length);
  b.set(a);
  return b;
}

/** A deep copy of a SECS's control state. */
export function cloneSecs(s: SecsState): SecsState {
  return { ...s, tracked: new Set(s.tracked) };
}

export class Epc {
  readonly size: number;
  flags: Uint8Array;
  pt: Uint8Array;
  /** EPC index of the owning SECS (ENCLAVESECS); NONE for SECS, VA and free pages. */
  owner: Int32Array;
  /** ENCLAVEADDRESS: the linear address the page must be accessed at. */
  linaddr: Float64Array;
  /**
   * SECS epoch recorded by EMODPR/EMODT, checked by EACCEPT's tracking rule; NONE when none
   * pending. Epochs count ETRACKs, so 32 bits hold them.
   */
  modEpoch: Int32Array;
  /** SECS epoch recorded by EBLOCK, checked by EWB's tracking rule. */
  blockEpoch: Int32Array;
  /** Non-zero 8-byte words of each page's contents, keyed by byte offset (sparse). */
  readonly words = new PageWords();
  /** SECS control state, keyed by the SECS page's EPC index. */
  readonly secs = new Map<number, SecsState>();
  /** VA pages: the version stored in each of the 512 slots (0 = empty). */
  readonly vaSlots = new Map<number, Float64Array>();
  /** Called with the EPC index whenever an EPCM entry changes (the trace's per-step diff). */
  onChange: (epc: number) => void = () => {};
  /** Chunks (of 2^CHUNK_BITS entries) whose NONE-initialized columns have been filled. */
  private readonly reached: Uint8Array;
  /** One past the last entry of the highest chunk reached: every entry at or above it is pristine. */
  reachedEnd = 0;
  /** Length of the columns: entries at or past it are pristine (free, never reached). */
  capacity: number;
  /** Other layers' columns indexed by EPC page: grow them to `capacity` (the kernel's reverse map). */
  onGrow: (capacity: number) => void = () => {};
  /** Other layers' columns that start as NONE: fill entries from..to-1 (a chunk first reached). */
  onReachChunk: (from: number, to: number) => void = () => {};

  constructor(size: number, capacity: number = Math.min(size, 2 ** CHUNK_BITS)) {
    this.size = size;
    this.capacity = capacity;
    this.flags = new Uint8Array(capacity);
    this.pt = new Uint8Array(capacity);
    this.owner = new Int32Array(capacity);
    this.linaddr = new Float64Array(capacity);
    this.modEpoch = new Int32Array(capacity);
    this.blockEpoch = new Int32Array(capacity);
    this.reached = new Uint8Array(Math.ceil(size / 2 ** CHUNK_BITS));
  }

  /** Make entry `epc` (and its chunk) real: within capacity, NONE where a column starts as NONE. */
  reach(epc: number): void {
    const c = epc >>> CHUNK_BITS;
    if (this.reached[c]) return;
    const to = Math.min(this.size, (c + 1) << CHUNK_BITS);
    if (to > this.capacity) this.grow(to);
    this.reached[c] = 1;
    const from = c << CHUNK_BITS;
    this.owner.fill(NONE, from, to);
    this.modEpoch.fill(NONE, from, to);
    this.blockEpoch.fill(NONE, from, to);
    this.onReachChunk(from, to);
    this.reachedEnd = Math.max(this.reachedEnd, to);
  }

  private grow(atLeast: number): void {
    // Four times over: every growth copies the columns, and a fresh array costs only the memory
    // written into it (the operating system backs a page of it when it is first touched), so
    // growing far ahead costs address space, not memory, and saves copies.
    const cap = Math.min(this.size, Math.max(atLeast, 4 * this.capacity));
    this.capacity = cap;
    this.flags = grown(this.flags, cap);
    this.pt = grown(this.pt, cap);
    this.owner = grown(this.owner, cap);
    this.linaddr = grown(this.linaddr, cap);
    this.modEpoch = grown(this.modEpoch, cap);
    this.blockEpoch = grown(this.blockEpoch, cap);
    this.onGrow(cap);
  }

  /** Reach every entry (checks that read the whole EPC: the invariants). */
  reachAll(): void {
    for (let c = 0; c < this.reached.length; c++) this.reach(c << CHUNK_BITS);
  }

  /** Copy a column's reached chunks into `into` (a fresh array of the same length). */
  copyReached<A extends Uint8Array | Uint32Array | Int32Array | Float64Array>(from: A, into: A): A {
    for (let c = 0; c < this.reached.length; c++)
      if (this.reached[c]) {
        const lo = c << CHUNK_BITS;
        into.set(from.subarray(lo, Math.min(from.length, lo + 2 ** CHUNK_BITS)), lo);
      }
    return into;
  }

  /** A deep copy (for checkpoints); `onChange` is not copied; memory stays sparse. */
  clone(): Epc {
    const c = new Epc(this.size, this.capacity);
    c.reached.set(this.reached);
    c.reachedEnd = this.reachedEnd;
    this.copyReached(this.flags, c.flags);
    this.copyReached(this.pt, c.pt);
    this.copyReached(this.owner, c.owner);
    this.copyReached(this.linaddr, c.linaddr);
    this.copyReached(this.modEpoch, c.modEpoch);
    this.copyReached(this.blockEpoch, c.blockEpoch);
    for (const [k, v] of this.words) c.words.set(k, new Map(v));
    for (const [k, v] of this.secs) c.secs.set(k, cloneSecs(v));
    for (const [k, v] of this.vaSlots) c.vaSlots.set(k, v.slice());
    return c;
  }

  /** Whether `epc` names an EPC page; one that does is reached (its entry made real). */
  inEpc(epc: number): boolean {
    if (!(Number.isInteger(epc) && epc >= 0 && epc < this.size)) return false;
    this.reach(epc);
    return true;
  }

  isValid(epc: number): boolean {
    return (this.flags[epc] & E_VALID) !== 0;
  }

  /** Fill a whole entry (the leaves that make a page valid). */
  set(epc: number, flags: number, pt: number, owner: number, linaddr: number): void {
    this.reach(epc);
    this.flags[epc] = flags | E_VALID;
    this.pt[epc] = pt;
    this.owner[epc] = owner;
    this.linaddr[epc] = linaddr;
    this.modEpoch[epc] = NONE;
    this.blockEpoch[epc] = NONE;
    this.onChange(epc);
  }

  /** Clear VALID and the page's contents (EREMOVE, EWB). */
  invalidate(epc: number): void {
    this.reach(epc);
    this.flags[epc] = 0;
    this.pt[epc] = 0;
    this.owner[epc] = NONE;
    this.linaddr[epc] = 0;
    this.modEpoch[epc] = NONE;
    this.blockEpoch[epc] = NONE;
    this.words.delete(epc);
    this.secs.delete(epc);
    this.vaSlots.delete(epc);
    this.onChange(epc);
  }

  setFlags(epc: number, flags: number): void {
    this.flags[epc] = flags;
    this.onChange(epc);
  }

  readWord(epc: number, offset: number): bigint {
    return this.words.page(epc)?.get(offset) ?? 0n;
  }

  /** Number(readWord(epc, offset)), kept from one read to the next until the word changes. */
  readNumber(epc: number, offset: number): number {
    return this.words.number(epc, offset);
  }

  /** Write a word; `asNumber`, when given, is Number(value) (kept for readNumber()). */
  writeWord(epc: number, offset: number, value: bigint, asNumber?: number): void {
    let page = this.words.page(epc);
    // A word once written stays in the map even when it becomes 0 (the TCS's STATE and CSSA
    // flip on every entry and exit; readers skip zero words).
    if (page?.get(offset) === value) return;
    if (!page) {
      if (value === 0n) return;
      page = new Map();
      this.words.set(epc, page);
    }
    page.set(offset, value);
    this.words.changed(epc, offset, asNumber);
  }

  zeroPage(epc: number): void {
    this.words.delete(epc);
  }

  newVaPage(epc: number): void {
    this.vaSlots.set(epc, new Float64Array(VA_SLOT_COUNT));
  }

  typeName(epc: number): string {
    return pageTypeName(this.pt[epc]) ?? `PT_${this.pt[epc]}`;
  }

  permString(epc: number): string {
    return permsText(this.flags[epc]);
  }
}
