// The Linux SGX driver's global state (arch/x86/kernel/cpu/sgx/main.c): the EPC free list, the
// reclaimer's active list, and the enclaves of the one process a scenario models.

import { Cpu } from "../arch/cpu.ts";
import { NONE } from "../arch/epc.ts";
import {
  basisOfSource,
  type DerivableSource,
  type EventBody,
  type EventKind,
  type Provenance,
  type TraceEvent,
} from "../arch/events.ts";
import { hex } from "../vocabulary/hex.ts";
import { Encl, type EnclPage } from "./encl.ts";
import { Mm } from "./mm.ts";
import { KernelConfig } from "./versions.ts";

/** Counters the trace summarizes for repeated steps and the benchmarks report. */
export interface KernelStats {
  eaug: number;
  eldu: number;
  ewb: number;
  faults: number;
  batches: number;
}

export class Kernel {
  readonly cpu: Cpu;
  readonly mm = new Mm();
  readonly enclaves: Encl[] = [];
  /** Free EPC pages as a FIFO ring: freed pages go to the tail, allocation takes the head. */
  private readonly freeRing: Int32Array;
  private freeHead = 0;
  freeCount = 0;
  /** The active list (reclaimable pages, oldest at the head) as a doubly linked list over EPC indices. */
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly onList: Uint8Array;
  private head = NONE;
  private tail = NONE;
  activeCount = 0;
  /** Reverse map: the enclave (index into `enclaves`) and page index of each EPC page; SECS pages use index NONE, VA pages VA_PAGE_INDEX. */
  readonly ownerEncl: Int32Array;
  readonly ownerIndex: Float64Array;
  /** ksgxd was woken by an allocation that left free pages below the low watermark. */
  ksgxdWoken = false;
  /** While an ioctl runs: the checks it made and the one that refused it (reviewer mode, checks.ts). */
  review: { passed: string[]; decided: string | null } | null = null;
  readonly stats: KernelStats = { eaug: 0, eldu: 0, ewb: 0, faults: 0, batches: 0 };

  /** The driver's version and what-if mutations (versions.ts). */
  readonly config: KernelConfig;

  constructor(epcPages: number, sgx2: boolean, config: KernelConfig = new KernelConfig()) {
    this.config = config;
    this.cpu = new Cpu(epcPages, sgx2);
    this.freeRing = new Int32Array(epcPages);
    for (let i = 0; i < epcPages; i++) this.freeRing[i] = i;
    this.freeCount = epcPages;
    this.prev = new Int32Array(epcPages).fill(NONE);
    this.next = new Int32Array(epcPages).fill(NONE);
    this.onList = new Uint8Array(epcPages);
    this.ownerEncl = new Int32Array(epcPages).fill(NONE);
    this.ownerIndex = new Float64Array(epcPages).fill(NONE);
    this.cpu.label = (a) => this.label(a);
  }

  /** A deep copy of the whole machine and driver state (for checkpoints). */
  clone(): Kernel {
    const k = Object.create(Kernel.prototype) as Kernel;
    const enclaves = new Map(this.enclaves.map((e) => [e, e.clone()] as const));
    Object.assign(k, {
      ...this,
      cpu: this.cpu.clone(),
      mm: this.mm.clone(enclaves),
      enclaves: this.enclaves.map((e) => enclaves.get(e)),
      freeRing: this.freeRing.slice(),
      prev: this.prev.slice(),
      next: this.next.slice(),
      onList: this.onList.slice(),
      ownerEncl: this.ownerEncl.slice(),
      ownerIndex: this.ownerIndex.slice(),
      stats: { ...this.stats },
    });
    k.cpu.label = (a) => k.label(a);
    return k;
  }

  get sgx2(): boolean {
    return this.cpu.sgx2;
  }

  /**
   * Record a kernel-side event (skipped inside repeated entries). Its basis follows from an SDM or
   * kernel `source` unless `extra` names one; any other source must name its basis (a compile
   * error otherwise).
   */
  ev(
    kind: EventKind,
    text: string | (() => string),
    source: DerivableSource,
    extra?: EventExtra & Partial<Provenance>,
  ): void;
  ev(kind: EventKind, text: string | (() => string), source: string, extra: EventExtra & Provenance): void;
  ev(
    kind: EventKind,
    text: string | (() => string),
    source: string,
    extra: EventExtra & Partial<Provenance> = {},
  ): void {
    if (this.cpu.log.on)
      this.cpu.log.push({
        kind,
        text: typeof text === "function" ? text() : text,
        source,
        ...basisOfSource(source as DerivableSource),
        ...extra,
      } as TraceEvent);
  }

  label(linaddr: number): string {
    for (const e of this.enclaves) {
      if (e.created && linaddr >= e.base && linaddr < e.base + e.size)
        return `${e.name}+${hex(linaddr - e.base)}`;
    }
    return hex(linaddr);
  }

  enclave(name: string, base: number): Encl {
    let e = this.enclaves.find((x) => x.name === name);
    if (!e) {
      e = new Encl(this.enclaves.length, name, base);
      this.enclaves.push(e);
    }
    return e;
  }

  // ---- EPC allocation (main.c: __sgx_alloc_epc_page, sgx_free_epc_page) ----

  takeFree(): number {
    if (this.freeCount === 0) return NONE;
    const epc = this.freeRing[this.freeHead];
    this.freeHead = (this.freeHead + 1) % this.freeRing.length;
    this.freeCount--;
    return epc;
  }

  /** sgx_free_epc_page: back to the tail of the free list (the caller did EREMOVE or EWB). */
  freePage(epc: number): void {
    const tailAt = (this.freeHead + this.freeCount) % this.freeRing.length;
    this.freeRing[tailAt] = epc;
    this.freeCount++;
    this.ownerEncl[epc] = NONE;
    this.ownerIndex[epc] = NONE;
  }

  /** Free-list members from head to tail (a copy, for invariant checks). */
  freeList(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.freeCount; i++)
      out.push(this.freeRing[(this.freeHead + i) % this.freeRing.length]);
    return out;
  }

  setOwner(epc: number, encl: Encl, index: number): void {
    this.ownerEncl[epc] = encl.id;
    this.ownerIndex[epc] = index;
  }

  // ---- The active list (sgx_mark_page_reclaimable / sgx_unmark_page_reclaimable) ----

  /** Append to the tail: the page becomes a reclaim candidate (newest). */
  markReclaimable(epc: number): void {
    if (this.onList[epc]) return;
    this.onList[epc] = 1;
    this.prev[epc] = this.tail;
    this.next[epc] = NONE;
    if (this.tail !== NONE) this.next[this.tail] = epc;
    else this.head = epc;
    this.tail = epc;
    this.activeCount++;
  }

  /** Take the page off the list. Returns false if it was not on it (being reclaimed: -EBUSY in the kernel). */
  unmarkReclaimable(epc: number): boolean {
    if (!this.onList[epc]) return false;
    this.onList[epc] = 0;
    const p = this.prev[epc];
    const n = this.next[epc];
    if (p !== NONE) this.next[p] = n;
    else this.head = n;
    if (n !== NONE) this.prev[n] = p;
    else this.tail = p;
    this.prev[epc] = NONE;
    this.next[epc] = NONE;
    this.activeCount--;
    return true;
  }

  /** Pop the oldest page of the active list (NONE when empty). */
  popOldest(): number {
    const epc = this.head;
    if (epc !== NONE) this.unmarkReclaimable(epc);
    return epc;
  }

  isOnActiveList(epc: number): boolean {
    return this.onList[epc] === 1;
  }

  /** Active-list members from oldest to newest (for invariant checks and the inspector). */
  activeList(): number[] {
    const out: number[] = [];
    for (let e = this.head; e !== NONE; e = this.next[e]) out.push(e);
    return out;
  }

  /** The enclave page that owns an EPC page, if any. */
  pageOf(epc: number): { encl: Encl; page: EnclPage | undefined } | undefined {
    const id = this.ownerEncl[epc];
    if (id === NONE) return undefined;
    const encl = this.enclaves[id];
    const index = this.ownerIndex[epc];
    return { encl, page: index === NONE ? undefined : encl.pages.get(index) };
  }
}

/** The optional fields of a kernel-side event. */
export type EventExtra = Partial<Omit<EventBody, "kind" | "text" | "source">>;
