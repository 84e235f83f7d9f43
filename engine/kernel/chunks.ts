// Fixed-size chunks of a sparse index space by chunk number, with the last two looked up kept at
// hand (a run of pages stays in one chunk hundreds of times). The page tables (pte-table.ts) and
// the enclave page records (encl-pages.ts) are both stored this way.

/** Entries per chunk: 512, as a page table holds (a constant: the hot lookups divide by it). */
export const CHUNK = 512;

export class Chunks<T> {
  /** Chunks by index / CHUNK, in the order they were created. */
  readonly map = new Map<number, T>();
  /** The two chunks looked up last: an enclave entry alternates between its TCS's and its target's. */
  private lastKey = Number.NaN;
  private last: T | undefined;
  private prevKey = Number.NaN;
  private prev: T | undefined;
  private readonly make: () => T;

  constructor(make: () => T) {
    this.make = make;
  }

  /** The position inside its chunk of the index find() was last asked for. */
  at = 0;

  /** The chunk holding `index` (created when `create` and missing); its position is left in `at`. */
  find(index: number, create: boolean): T | undefined {
    const key = Math.floor(index / CHUNK);
    this.at = index - key * CHUNK;
    if (key === this.lastKey && this.last !== undefined) return this.last;
    if (key === this.prevKey && this.prev !== undefined) {
      const c = this.prev;
      this.prevKey = this.lastKey;
      this.prev = this.last;
      this.lastKey = key;
      this.last = c;
      return c;
    }
    let c = this.map.get(key);
    if (c === undefined && create) {
      c = this.make();
      this.map.set(key, c);
    }
    if (c !== undefined) {
      this.prevKey = this.lastKey;
      this.prev = this.last;
      this.lastKey = key;
      this.last = c;
    }
    return c;
  }

  /** Free the chunk holding `index`. */
  drop(index: number): void {
    this.map.delete(Math.floor(index / CHUNK));
    this.forget();
  }

  clear(): void {
    this.map.clear();
    this.forget();
  }

  private forget(): void {
    this.last = this.prev = undefined;
    this.lastKey = this.prevKey = Number.NaN;
  }

  /** Chunk numbers in ascending order. */
  sortedKeys(): number[] {
    return [...this.map.keys()].sort((a, b) => a - b);
  }
}
