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
 * A stored word: a number where the value is below 2^53 (every TCS field the entry path reads and
 * writes, every real address), else the BigInt. An enclave entry, its AEX and its ERESUME read
 * and write one TCS's STATE and CSSA a dozen times: as numbers they cost no BigInt arithmetic
 * and no allocation.
 */
type Word = number | bigint;

const EXACT = 2 ** 53;
const EXACT_BIG = 2n ** 53n;

/** The stored form of a BigInt word: a number in [0, 2^53). */
function stored(value: bigint): Word {
  return value >= 0n && value < EXACT_BIG ? Number(value) : value;
}

/** A page's words as BigInts (a copy). */
function bigWords(page: Map<number, Word>): Map<number, bigint> {
  const out = new Map<number, bigint>();
  for (const [off, w] of page) out.set(off, typeof w === "number" ? BigInt(w) : w);
  return out;
}

/**
 * The non-zero 8-byte words of each page by EPC index (a word once written stays even when it
 * becomes 0: the TCS's STATE and CSSA flip on every entry and exit; readers skip zero words),
 * with the last page looked up kept at hand. Whole pages go in and out as Maps of BigInts.
 */
class PageWords {
  private readonly pages = new Map<number, Map<number, Word>>();
  private lastEpc = NONE;
  private lastPage: Map<number, Word> | undefined;

  /** The page's stored words (undefined: all zero), remembered. */
  private page(epc: number): Map<number, Word> | undefined {
    if (epc === this.lastEpc) return this.lastPage;
    this.lastPage = this.pages.get(epc);
    this.lastEpc = epc;
    return this.lastPage;
  }

  /** A page's words (undefined: all zero), as a copy. */
  get(epc: number): Map<number, bigint> | undefined {
    const page = this.page(epc);
    return page && bigWords(page);
  }

  has(epc: number): boolean {
    return this.page(epc) !== undefined;
  }

  /** Pages with words. */
  get size(): number {
    return this.pages.size;
  }

  /** Replace a page's words. */
  set(epc: number, words: Map<number, bigint>): void {
    const page = new Map<number, Word>();
    for (const [off, w] of words) page.set(off, stored(w));
    this.pages.set(epc, page);
    if (epc === this.lastEpc) this.lastEpc = NONE;
  }

  delete(epc: number): boolean {
    if (epc === this.lastEpc) this.lastEpc = NONE;
    return this.pages.delete(epc);
  }

  /** Pages with words, as copies. */
  *[Symbol.iterator](): Generator<[number, Map<number, bigint>]> {
    for (const [epc, page] of this.pages) yield [epc, bigWords(page)];
  }

  /** A deep copy. */
  clone(): PageWords {
    const c = new PageWords();
    for (const [epc, page] of this.pages) c.pages.set(epc, new Map(page));
    return c;
  }

  read(epc: number, offset: number): bigint {
    const w = this.page(epc)?.get(offset);
    return w === undefined ? 0n : typeof w === "number" ? BigInt(w) : w;
  }

  /** Number() of a word, without making a BigInt where the word is below 2^53. */
  readNumber(epc: number, offset: number): number {
    const w = this.page(epc)?.get(offset);
    return w === undefined ? 0 : typeof w === "number" ? w : Number(w);
  }

  write(epc: number, offset: number, w: Word): void {
    let page = this.page(epc);
    if (!page) {
      if (w === 0 || w === 0n) return;
      page = new Map();
      this.pages.set(epc, page);
      this.lastEpc = epc;
      this.lastPage = page;
    }
    page.set(offset, w);
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
  words = new PageWords();
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
    c.words = this.words.clone();
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
    return this.words.read(epc, offset);
  }

  /** Number(readWord(epc, offset)), without a BigInt for a word below 2^53. */
  readNumber(epc: number, offset: number): number {
    return this.words.readNumber(epc, offset);
  }

  writeWord(epc: number, offset: number, value: bigint): void {
    this.words.write(epc, offset, stored(value));
  }

  /** writeWord() of a whole number below 2^53, without making a BigInt (TCS fields). */
  writeNumber(epc: number, offset: number, n: number): void {
    if (!(Number.isInteger(n) && n >= 0 && n < EXACT)) throw new RangeError(`not a word below 2^53: ${n}`);
    this.words.write(epc, offset, n);
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
