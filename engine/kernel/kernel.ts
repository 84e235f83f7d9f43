// The Linux SGX driver's global state (arch/x86/kernel/cpu/sgx/main.c): the EPC free list, the
// reclaimer's active list, and the enclaves of the one process a scenario models.

import { Cpu, tlbInvalidate } from "../arch/cpu.ts";
import { grown, NONE } from "../arch/epc.ts";
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
  /**
   * Free EPC pages as a FIFO ring: freed pages go to the tail, allocation takes the head. A slot
   * holds its page + 1, and 0 until first written: slot i then holds page i (the boot order
   * 0, 1, 2, ...), so a huge EPC's ring costs memory only where pages were freed.
   */
  private freeRing: Int32Array;
  /** Slots of the ring written so far (they are written in order from slot 0). */
  private ringWritten = 0;
  private freeHead = 0;
  freeCount = 0;
  /** The active list (reclaimable pages, oldest at the head) as a doubly linked list over EPC indices. */
  private prev: Int32Array;
  private next: Int32Array;
  private onList: Uint8Array;
  private head = NONE;
  private tail = NONE;
  activeCount = 0;
  /** Reverse map: the enclave (index into `enclaves`) and page index of each EPC page; SECS pages use index NONE, VA pages VA_PAGE_INDEX. */
  ownerEncl: Int32Array;
  ownerIndex: Float64Array;
  /** ksgxd was woken by an allocation that left free pages below the low watermark. */
  ksgxdWoken = false;
  /** While an ioctl runs: the checks it made and the one that refused it (reviewer mode, checks.ts). */
  review: { passed: string[]; decided: string | null } | null = null;
  readonly stats: KernelStats = { eaug: 0, eldu: 0, ewb: 0, faults: 0, batches: 0 };
  /** mm_cpumask(mm): the CPUs that ran a step of this process (the scenario runner marks them). */
  readonly ranOn: number[] = [];
  /** EPC pages the reclaimer is writing out right now (SGX_ENCL_PAGE_BEING_RECLAIMED). */
  reclaiming: Set<number> | null = null;
  /** Virtual page numbers whose PTE a race left mapping a page that is gone (kernel/stale-pte.ts). */
  stalePtes = new Set<number>();
  /**
   * An interrupt (an IPI) arrives on a CPU: a thread inside takes an AEX and ERESUMEs at the AEP
   * (set by the vDSO model, kernel/vdso.ts). Returns whether a thread was inside.
   */
  interruptCpu: (cpu: number, why: string) => boolean = () => false;

  /** The driver's version and what-if mutations (versions.ts). */
  readonly config: KernelConfig;

  constructor(epcPages: number, sgx2: boolean, cpus = 1, config: KernelConfig = new KernelConfig()) {
    this.config = config;
    this.cpu = new Cpu(epcPages, sgx2);
    for (let i = 0; i < cpus; i++) this.cpu.addProcessor();
    // Columns indexed by EPC page follow the EPC's capacity (arch/epc.ts); the ring grows as
    // slots are written.
    const cap = this.cpu.epc.capacity;
    this.freeRing = new Int32Array(cap);
    this.freeCount = epcPages;
    // prev/next are read only for pages on the list (written when they join it).
    this.prev = new Int32Array(cap);
    this.next = new Int32Array(cap);
    this.onList = new Uint8Array(cap);
    this.ownerEncl = new Int32Array(cap);
    this.ownerIndex = new Float64Array(cap);
    this.hookEpc();
    this.cpu.label = (a) => this.label(a);
    this.bindMm();
  }

  /** The kernel's TLB shootdown after a PTE changed (flush_tlb_range()): see shootdown(). */
  private bindMm(): void {
    this.mm.onFlush = (vpn) => this.shootdown(vpn);
  }

  /**
   * A PTE of the process was zapped or changed: the kernel flushes the TLBs of the CPUs running
   * the process (flush_tlb_mm_range(): an IPI to each). A CPU with a thread inside an enclave
   * takes an AEX, which flushes its whole TLB, and ERESUMEs at the AEP. (A CPU outside enclave
   * mode holds no enclave translation: EEXIT and AEX flushed them.)
   */
  shootdown(vpn: number): void {
    for (const lp of this.cpu.lps) {
      if (lp.secs === NONE) continue;
      this.interruptCpu(lp.id, `the TLB shootdown after the PTE of ${this.label(vpn * 4096)} changed`);
      tlbInvalidate(lp, vpn);
    }
  }

  /** sgx_encl_cpumask(): every CPU that may run the process, sorted. */
  cpumask(): number[] {
    return [...this.ranOn].sort((a, b) => a - b);
  }

  /** A deep copy of the whole machine and driver state (for checkpoints). */
  clone(): Kernel {
    const k = Object.create(Kernel.prototype) as Kernel;
    const enclaves = new Map(this.enclaves.map((e) => [e, e.clone()] as const));
    const epc = this.cpu.epc;
    const freeRing = new Int32Array(this.freeRing.length);
    freeRing.set(this.freeRing.subarray(0, this.ringWritten));
    const cpu = this.cpu.clone();
    const cap = epc.capacity;
    Object.assign(k, {
      ...this,
      cpu,
      mm: this.mm.clone(enclaves),
      enclaves: this.enclaves.map((e) => enclaves.get(e)),
      freeRing,
      prev: epc.copyReached(this.prev, new Int32Array(cap)),
      next: epc.copyReached(this.next, new Int32Array(cap)),
      onList: epc.copyReached(this.onList, new Uint8Array(cap)),
      ownerEncl: epc.copyReached(this.ownerEncl, new Int32Array(cap)),
      ownerIndex: epc.copyReached(this.ownerIndex, new Float64Array(cap)),
      stats: { ...this.stats },
      ranOn: [...this.ranOn],
      reclaiming: null,
      stalePtes: new Set(this.stalePtes),
    });
    k.hookEpc();
    k.cpu.label = (a) => k.label(a);
    k.bindMm();
    return k;
  }

  /** Grow and initialize the reverse map and the active list with the EPC (arch/epc.ts). */
  private hookEpc(): void {
    const epc = this.cpu.epc;
    epc.onGrow = (cap) => {
      this.prev = grown(this.prev, cap);
      this.next = grown(this.next, cap);
      this.onList = grown(this.onList, cap);
      this.ownerEncl = grown(this.ownerEncl, cap);
      this.ownerIndex = grown(this.ownerIndex, cap);
    };
    epc.onReachChunk = (from, to) => {
      this.ownerEncl.fill(NONE, from, to);
      this.ownerIndex.fill(NONE, from, to);
    };
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
    const slot = this.freeHead < this.freeRing.length ? this.freeRing[this.freeHead] : 0;
    const epc = slot === 0 ? this.freeHead : slot - 1;
    this.cpu.epc.reach(epc);
    this.freeHead = (this.freeHead + 1) % this.cpu.epc.size;
    this.freeCount--;
    return epc;
  }

  /** sgx_free_epc_page: back to the tail of the free list (the caller did EREMOVE or EWB). */
  freePage(epc: number): void {
    const size = this.cpu.epc.size;
    const tailAt = (this.freeHead + this.freeCount) % size;
    if (tailAt >= this.freeRing.length)
      this.freeRing = grown(this.freeRing, Math.min(size, Math.max(tailAt + 1, 2 * this.freeRing.length)));
    this.freeRing[tailAt] = epc + 1;
    this.ringWritten = Math.max(this.ringWritten, tailAt + 1);
    this.freeCount++;
    this.ownerEncl[epc] = NONE;
    this.ownerIndex[epc] = NONE;
  }

  /** Free-list members from head to tail (a copy, for invariant checks). */
  freeList(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.freeCount; i++) {
      const at = (this.freeHead + i) % this.cpu.epc.size;
      const slot = at < this.freeRing.length ? this.freeRing[at] : 0;
      out.push(slot === 0 ? at : slot - 1);
    }
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
    if (epc >= 0 && epc < this.cpu.epc.size) this.cpu.epc.reach(epc);
    const id = this.ownerEncl[epc];
    if (id === NONE) return undefined;
    const encl = this.enclaves[id];
    const index = this.ownerIndex[epc];
    return { encl, page: index === NONE ? undefined : encl.pages.get(index) };
  }
}

/** The optional fields of a kernel-side event. */
export type EventExtra = Partial<Omit<EventBody, "kind" | "text" | "source">>;
