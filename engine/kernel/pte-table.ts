// The process's present PTEs, stored as x86-64 stores them: page tables of 512 entries, one per
// 2 MiB of address space (SDM Vol. 3A, 4-level paging: a page table maps 512 4-KiB pages). An
// enclave of millions of pages costs 4 bytes a page here, not a map entry (and a boxed key: user
// addresses above 2^43 make virtual page numbers too large for small integers).
// Map-like: get, set, delete, has, size, keys() and entries, so readers of Mm.ptes stay as they are.

import { CHUNK, Chunks } from "./chunks.ts";

/** PTEs per page table. */
const PER_TABLE = CHUNK;
/** Marks an empty slot (values are epc * 2 + Accessed bit, epc ≥ -1). */
const NONE = -0x80000000;

interface Table {
  v: Int32Array;
  /** Present entries. */
  n: number;
}

export class PteTable {
  /** Page tables by vpn / 512, in the order they were first needed. */
  private readonly tables = new Chunks<Table>(() => ({
    v: new Int32Array(PER_TABLE).fill(NONE),
    n: 0,
  }));
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(vpn: number): number | undefined {
    const t = this.tables.find(vpn, false);
    if (!t) return undefined;
    const v = t.v[this.tables.at];
    return v === NONE ? undefined : v;
  }

  has(vpn: number): boolean {
    return this.get(vpn) !== undefined;
  }

  set(vpn: number, value: number): this {
    const t = this.tables.find(vpn, true) as Table;
    const i = this.tables.at;
    if (t.v[i] === NONE) {
      t.n++;
      this.count++;
    }
    t.v[i] = value;
    return this;
  }

  delete(vpn: number): boolean {
    const t = this.tables.find(vpn, false);
    if (!t) return false;
    const i = this.tables.at;
    if (t.v[i] === NONE) return false;
    t.v[i] = NONE;
    this.count--;
    if (--t.n === 0) {
      // free_pte_range(): an empty page table is freed.
      this.tables.drop(vpn);
    }
    return true;
  }

  /** Present virtual page numbers: table by table (first needed first), ascending within one. */
  *keys(): Generator<number> {
    for (const [vpn] of this.entries()) yield vpn;
  }

  *entries(): Generator<[number, number]> {
    for (const [key, t] of this.tables.map)
      for (let i = 0; i < PER_TABLE; i++) if (t.v[i] !== NONE) yield [key * PER_TABLE + i, t.v[i]];
  }

  [Symbol.iterator](): Generator<[number, number]> {
    return this.entries();
  }

  /** A copy (for checkpoints). */
  clone(): PteTable {
    const c = new PteTable();
    for (const [key, t] of this.tables.map) c.tables.map.set(key, { v: t.v.slice(), n: t.n });
    c.count = this.count;
    return c;
  }
}
