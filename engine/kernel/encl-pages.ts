// An enclave's page records (encl.h: struct sgx_encl_page in encl->page_array) as typed arrays:
// 16 bytes a page instead of an object and a map entry (an EACCEPT-driven run of 2^21 pages
// would otherwise hold 2^21 objects). Records live in chunks of 512 page indexes, created when a
// page of their range is first added and freed when their last page goes, so a sparse 2^35-page
// ELRANGE costs only the chunks it uses.
// Map-like (get, set, has, delete, clear, size, keys, values, entries), with the Map's iteration
// order (insertion order), so the kernel's loops over encl->page_array behave as before.

/** struct sgx_encl_page: one enclave page as the kernel knows it. */
export interface EnclPage {
  /** Page index inside ELRANGE (offset / 4096). */
  index: number;
  /** The kernel's `type` (SGX_PAGE_TYPE_*): mirrors the EPCM only after an ioctl completes. */
  type: number;
  /** vm_max_prot_bits: VM_READ 1, VM_WRITE 2, VM_EXEC 4 (same bits as PROT_*). */
  vmMaxProt: number;
  /** EPC page while resident, else NONE. */
  epc: number;
  /** While evicted: the VA page (EPC index) and slot of its version. */
  vaPage: number;
  vaSlot: number;
}

import { CHUNK, Chunks } from "./chunks.ts";

/** Pages per chunk. */
const PER_CHUNK = CHUNK;
/**
 * Int32 words per record, at these offsets: the EPC page (NONE while evicted), the VA page of an
 * evicted page's version, vaSlot | type << 16 | vmMaxProt << 24, and the insertion number that
 * orders iteration (0: no page here).
 */
const W = 4;
const F = { epc: 0, vaPage: 1, packed: 2, seq: 3 } as const;

interface Chunk {
  w: Int32Array;
  /** Records present. */
  n: number;
}

/**
 * A live view of one record: reads and writes go to the chunk. Like an object taken out of a
 * Map, a view of a page that was deleted no longer reaches the store. Its fields are accessors:
 * `{ ...page }` copies none of them, so copy a record field by field.
 */
class PageRef implements EnclPage {
  private readonly w: Int32Array;
  private readonly at: number;
  readonly index: number;

  constructor(w: Int32Array, at: number, index: number) {
    this.w = w;
    this.at = at;
    this.index = index;
  }
  get epc(): number {
    return this.w[this.at + F.epc];
  }
  set epc(v: number) {
    this.w[this.at + F.epc] = v;
  }
  get vaPage(): number {
    return this.w[this.at + F.vaPage];
  }
  set vaPage(v: number) {
    this.w[this.at + F.vaPage] = v;
  }
  get vaSlot(): number {
    return this.w[this.at + F.packed] & 0xffff;
  }
  set vaSlot(v: number) {
    this.w[this.at + F.packed] = (this.w[this.at + F.packed] & ~0xffff) | (v & 0xffff);
  }
  get type(): number {
    return (this.w[this.at + F.packed] >>> 16) & 0xff;
  }
  set type(v: number) {
    this.w[this.at + F.packed] = (this.w[this.at + F.packed] & ~0xff0000) | ((v & 0xff) << 16);
  }
  get vmMaxProt(): number {
    return (this.w[this.at + F.packed] >>> 24) & 0xff;
  }
  set vmMaxProt(v: number) {
    this.w[this.at + F.packed] = (this.w[this.at + F.packed] & 0xffffff) | ((v & 0xff) << 24);
  }
}

/** A run of records for the trace's final.pages (docs/scenario-format.md, Compact traces). */
export interface PageRun extends EnclPage {
  /** Records in the run: index and epc advance by one, the rest is equal. */
  count: number;
}

export class EnclPages {
  private readonly chunks = new Chunks<Chunk>(() => ({
    w: new Int32Array(PER_CHUNK * W),
    n: 0,
  }));
  private count = 0;
  /** Insertion numbers (a Map's order); 0 marks an empty slot. */
  private nextSeq = 1;
  /** Every page was added above every page present then: insertion order is index order. */
  private ascending = true;
  private maxIndex = -1;

  get size(): number {
    return this.count;
  }

  has(index: number): boolean {
    const c = this.chunks.find(index, false);
    return c !== undefined && c.w[this.chunks.at * W + F.seq] !== 0;
  }

  get(index: number): EnclPage | undefined {
    const c = this.chunks.find(index, false);
    if (!c) return undefined;
    const at = this.chunks.at * W;
    return c.w[at + F.seq] === 0 ? undefined : new PageRef(c.w, at, index);
  }

  /** Add or overwrite the record of `index` (an overwrite keeps its place in the order, as a Map's). */
  set(index: number, p: EnclPage): this {
    const c = this.chunks.find(index, true) as Chunk;
    const w = c.w;
    const at = this.chunks.at * W;
    if (w[at + F.seq] === 0) {
      if (this.count > 0 && index < this.maxIndex) this.ascending = false;
      if (index > this.maxIndex) this.maxIndex = index;
      w[at + F.seq] = this.nextSeq++;
      c.n++;
      this.count++;
    }
    w[at + F.epc] = p.epc;
    w[at + F.vaPage] = p.vaPage;
    w[at + F.packed] = (p.vaSlot & 0xffff) | ((p.type & 0xff) << 16) | ((p.vmMaxProt & 0xff) << 24);
    return this;
  }

  delete(index: number): boolean {
    const c = this.chunks.find(index, false);
    if (!c) return false;
    const at = this.chunks.at * W;
    if (c.w[at + F.seq] === 0) return false;
    // Zeroed: a view still held of the deleted page reads an empty record.
    c.w.fill(0, at, at + W);
    this.count--;
    if (--c.n === 0) this.chunks.drop(index);
    if (this.count === 0) this.clear();
    return true;
  }

  clear(): void {
    this.chunks.clear();
    this.count = 0;
    this.ascending = true;
    this.maxIndex = -1;
  }

  /** Page indexes in the Map's order (insertion order). */
  private order(): number[] {
    const out: number[] = [];
    const seqs: number[] = [];
    for (const key of this.chunks.sortedKeys()) {
      const w = (this.chunks.map.get(key) as Chunk).w;
      for (let s = 0; s < PER_CHUNK; s++)
        if (w[s * W + F.seq] !== 0) {
          out.push(key * PER_CHUNK + s);
          if (!this.ascending) seqs.push(w[s * W + F.seq]);
        }
    }
    if (this.ascending) return out;
    const perm = out.map((_, i) => i).sort((a, b) => seqs[a] - seqs[b]);
    return perm.map((i) => out[i]);
  }

  *keys(): Generator<number> {
    for (const index of this.order()) if (this.has(index)) yield index;
  }

  *values(): Generator<EnclPage> {
    for (const index of this.order()) {
      const p = this.get(index);
      if (p) yield p;
    }
  }

  *entries(): Generator<[number, EnclPage]> {
    for (const index of this.order()) {
      const p = this.get(index);
      if (p) yield [index, p];
    }
  }

  [Symbol.iterator](): Generator<[number, EnclPage]> {
    return this.entries();
  }

  forEach(f: (page: EnclPage, index: number) => void): void {
    for (const [index, page] of this.entries()) f(page, index);
  }

  /**
   * Every record in index order, as plain numbers: no object per page (a view of a million pages
   * would otherwise make a million). `visit` must not add or delete records.
   */
  forEachInIndexOrder(
    visit: (
      index: number,
      epc: number,
      vaPage: number,
      vaSlot: number,
      type: number,
      vmMaxProt: number,
    ) => void,
  ): void {
    for (const key of this.chunks.sortedKeys()) {
      const w = (this.chunks.map.get(key) as Chunk).w;
      for (let s = 0; s < PER_CHUNK; s++) {
        const at = s * W;
        if (w[at + F.seq] === 0) continue;
        const packed = w[at + F.packed];
        visit(
          key * PER_CHUNK + s,
          w[at + F.epc],
          w[at + F.vaPage],
          packed & 0xffff,
          (packed >>> 16) & 0xff,
          (packed >>> 24) & 0xff,
        );
      }
    }
  }

  /**
   * The records in index order as runs: with `merge`, resident pages whose index and EPC page
   * advance by one with equal type and vm_max_prot form one run; otherwise every run is one page.
   * One object per run, none per page.
   */
  *runs(merge: boolean): Generator<PageRun> {
    let run: PageRun | undefined;
    for (const key of this.chunks.sortedKeys()) {
      const w = (this.chunks.map.get(key) as Chunk).w;
      for (let s = 0; s < PER_CHUNK; s++) {
        const at = s * W;
        if (w[at + F.seq] === 0) continue;
        const index = key * PER_CHUNK + s;
        const epc = w[at + F.epc];
        const packed = w[at + F.packed];
        if (
          run &&
          merge &&
          run.epc >= 0 &&
          index === run.index + run.count &&
          epc === run.epc + run.count &&
          packed >>> 16 === ((run.type & 0xff) | ((run.vmMaxProt & 0xff) << 8))
        ) {
          run.count++;
          continue;
        }
        if (run) yield run;
        run = {
          index,
          epc,
          vaPage: w[at + F.vaPage],
          vaSlot: packed & 0xffff,
          type: (packed >>> 16) & 0xff,
          vmMaxProt: (packed >>> 24) & 0xff,
          count: 1,
        };
      }
    }
    if (run) yield run;
  }

  /** A deep copy (for checkpoints). */
  clone(): EnclPages {
    const c = new EnclPages();
    for (const [key, ch] of this.chunks.map) c.chunks.map.set(key, { w: ch.w.slice(), n: ch.n });
    c.count = this.count;
    c.nextSeq = this.nextSeq;
    c.ascending = this.ascending;
    c.maxIndex = this.maxIndex;
    return c;
  }
}
