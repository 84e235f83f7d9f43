// The process's address space as far as enclaves go: VMAs created by mmap() on enclave fds and
// the page-table entries the SGX fault handler installs (arch/x86/kernel/cpu/sgx/driver.c,
// encl.c; mm/mprotect.c). A PTE's permissions follow its VMA (mprotect changes both).

import { type AccessKind, type Mmu, NON_EPC, pageFault } from "../arch/access.ts";
import { PF_I, PF_P, PF_U, PF_W } from "../arch/constants.ts";
import type { Encl } from "./encl.ts";
import { PteTable } from "./pte-table.ts";

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

export interface Vma {
  start: number;
  end: number;
  prot: number;
  encl: Encl;
}

export class Mm implements Mmu {
  /** VMAs sorted by start, non-overlapping. */
  readonly vmas: Vma[] = [];
  /** Present PTEs by virtual page number: value = epc * 2 + Accessed bit. */
  readonly ptes: PteTable;
  /** Protection of the PTE the last successful walk used (Mmu.lastProt: the TLB caches it). */
  lastProt = 7;
  /**
   * Called for each virtual page whose PTE was zapped or changed: the kernel's TLB shootdown
   * (flush_tlb_range() after zap_vma_ptes() / change_protection()) drops the cached translations.
   */
  onFlush: (vpn: number) => void = () => {};

  constructor(ptes = new PteTable()) {
    this.ptes = ptes;
  }

  /** A copy whose VMAs point at the cloned enclaves (for checkpoints). */
  clone(enclaves: Map<Encl, Encl>): Mm {
    const c = new Mm(this.ptes.clone());
    for (const v of this.vmas) c.vmas.push({ ...v, encl: enclaves.get(v.encl) as Encl });
    return c;
  }

  /**
   * The two VMAs found last (the kernel's vmacache did the same for find_vma()): an enclave
   * entry's walks alternate between its TCS's mapping and its target's. Forgotten whenever the
   * VMA list changes (VMAs are replaced, never changed in place).
   */
  private hit0: Vma | undefined;
  private hit1: Vma | undefined;

  private forgetVmas(): void {
    this.hit0 = this.hit1 = undefined;
  }

  findVma(addr: number): Vma | undefined {
    const h0 = this.hit0;
    if (h0 && addr >= h0.start && addr < h0.end) return h0;
    const h1 = this.hit1;
    if (h1 && addr >= h1.start && addr < h1.end) {
      this.hit1 = h0;
      this.hit0 = h1;
      return h1;
    }
    const v = this.searchVma(addr);
    if (v) {
      this.hit1 = h0;
      this.hit0 = v;
    }
    return v;
  }

  private searchVma(addr: number): Vma | undefined {
    // Binary search: the last VMA whose start ≤ addr.
    let lo = 0;
    let hi = this.vmas.length - 1;
    let found: Vma | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.vmas[mid];
      if (v.start <= addr) {
        found = v;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found && addr < found.end ? found : undefined;
  }

  /** The hardware page walk (see Mmu). Sets the Accessed bit on success. */
  translate(linaddr: number, kind: AccessKind): number {
    const vpn = Math.floor(linaddr / 4096);
    const pte = this.ptes.get(vpn);
    const kindBits = (kind === "write" ? PF_W : 0) | (kind === "fetch" ? PF_I : 0) | PF_U;
    if (pte === undefined) return pageFault(kindBits);
    const vma = this.findVma(linaddr);
    const prot = vma?.prot ?? 0;
    // PROT_NONE PTEs are not present to the hardware (x86 _PAGE_PROTNONE).
    if (prot === 0) return pageFault(kindBits);
    if (kind === "write" && !(prot & PROT_WRITE)) return pageFault(kindBits | PF_P);
    if (kind === "fetch" && !(prot & PROT_EXEC)) return pageFault(kindBits | PF_P);
    if ((pte & 1) === 0) this.ptes.set(vpn, pte + 1);
    this.lastProt = prot;
    const epc = (pte - (pte & 1)) / 2;
    return epc >= 0 ? epc : NON_EPC;
  }

  installPte(linaddr: number, epc: number): void {
    this.ptes.set(Math.floor(linaddr / 4096), epc * 2);
  }

  /** zap_vma_ptes for one page. Returns whether a PTE was present. */
  zapPte(linaddr: number): boolean {
    const vpn = Math.floor(linaddr / 4096);
    if (!this.ptes.delete(vpn)) return false;
    this.onFlush(vpn);
    return true;
  }

  hasPte(linaddr: number): boolean {
    return this.ptes.has(Math.floor(linaddr / 4096));
  }

  /** sgx_encl_test_and_clear_young(): was the page accessed since the last check? */
  testAndClearYoung(linaddr: number): boolean {
    const vpn = Math.floor(linaddr / 4096);
    const pte = this.ptes.get(vpn);
    if (pte === undefined || (pte & 1) === 0) return false;
    this.ptes.set(vpn, pte - 1);
    return true;
  }

  clearYoung(linaddr: number): void {
    this.testAndClearYoung(linaddr);
  }

  /**
   * Split the VMAs at `start` and `end` (as split_vma() does) and replace the parts inside
   * [start, end) by `inside(part)` (nothing when it returns undefined).
   */
  private splitRange(start: number, end: number, inside: (part: Vma) => Vma | undefined): void {
    const next: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) {
        next.push(v);
        continue;
      }
      if (v.start < start) next.push({ ...v, end: start });
      const part = inside({ ...v, start: Math.max(v.start, start), end: Math.min(v.end, end) });
      if (part) next.push(part);
      if (v.end > end) next.push({ ...v, start: end });
    }
    this.vmas.splice(0, this.vmas.length, ...next);
    this.forgetVmas();
  }

  /** Remove [start, end) from every VMA (splitting as needed) and zap the PTEs there. */
  unmapRange(start: number, end: number): void {
    this.splitRange(start, end, () => undefined);
    this.zapRange(start, end);
  }

  zapRange(start: number, end: number): void {
    const first = Math.floor(start / 4096);
    const last = Math.ceil(end / 4096);
    if (last - first < this.ptes.size) {
      for (let vpn = first; vpn < last; vpn++) if (this.ptes.delete(vpn)) this.onFlush(vpn);
    } else {
      for (const vpn of [...this.ptes.keys()])
        if (vpn >= first && vpn < last) {
          this.ptes.delete(vpn);
          this.onFlush(vpn);
        }
    }
  }

  insertVma(v: Vma): void {
    this.unmapRange(v.start, v.end);
    let i = 0;
    while (i < this.vmas.length && this.vmas[i].start < v.start) i++;
    this.vmas.splice(i, 0, v);
    this.forgetVmas();
  }

  /** mprotect: change the protection of [start, end), splitting VMAs. */
  protectRange(start: number, end: number, prot: number): void {
    // change_protection() rewrites the PTEs in the range and flushes their TLB entries.
    for (const vpn of this.ptes.keys()) if (vpn * 4096 >= start && vpn * 4096 < end) this.onFlush(vpn);
    this.splitRange(start, end, (part) => ({ ...part, prot }));
  }

  /** Whether [start, end) is fully covered by VMAs (mprotect/munmap need mapped memory). */
  covered(start: number, end: number): boolean {
    let at = start;
    for (const v of this.vmas) {
      if (v.end <= at) continue;
      if (v.start > at) return false;
      at = v.end;
      if (at >= end) return true;
    }
    return at >= end;
  }
}
