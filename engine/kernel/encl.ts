// The driver's per-enclave records (arch/x86/kernel/cpu/sgx/encl.h: struct sgx_encl,
// struct sgx_encl_page, struct sgx_va_page).

import { VA_SLOT_COUNT } from "../arch/constants.ts";
import { NONE, type SealedPage } from "../arch/epc.ts";

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

/** struct sgx_va_page: a VA page and which of its 512 slots are in use. */
export interface VaPage {
  epc: number;
  used: Uint8Array;
  count: number;
}

export class Encl {
  readonly id: number;
  readonly name: string;
  /** The address the runner gives this enclave's offsets (ELRANGE base once created). */
  base: number;
  size = 0;
  created = false;
  initialized = false;
  debug = false;
  /** The fd is closed and every mapping gone: the enclave was released. */
  released = false;
  attributes = 0;
  /** encl->attributes_mask: DEBUG|MODE64BIT|KSS at CREATE (v6.0), |= PROVISIONKEY by PROVISION. */
  attributesMask = 0;
  xfrm = 0;
  miscselect = 0;
  /** The SECS page while resident. */
  secsEpc = NONE;
  secsVaPage = NONE;
  secsVaSlot = 0;
  /** secs_child_cnt: resident child pages. */
  secsChildCnt = 0;
  /** page_cnt: the SECS plus every added page (drives VA page allocation). */
  pageCnt = 0;
  readonly pages = new Map<number, EnclPage>();
  /** encl->va_pages: the head is used first. */
  readonly vaPages: VaPage[] = [];
  /** The shmem backing store: sealed contents of evicted pages (the SECS under index size/4096). */
  readonly backing = new Map<number, SealedPage>();

  constructor(id: number, name: string, base: number) {
    this.id = id;
    this.name = name;
    this.base = base;
  }

  /** A deep copy (for checkpoints). Sealed pages are immutable and shared. */
  clone(): Encl {
    const c = new Encl(this.id, this.name, this.base);
    const { pages, vaPages, backing, ...scalars } = this;
    Object.assign(c, scalars);
    for (const [k, p] of pages) c.pages.set(k, { ...p });
    for (const v of vaPages) c.vaPages.push({ epc: v.epc, used: v.used.slice(), count: v.count });
    for (const [k, b] of backing) c.backing.set(k, b);
    return c;
  }

  pageAt(linaddr: number): EnclPage | undefined {
    return this.pages.get(Math.floor((linaddr - this.base) / 4096));
  }

  addrOf(p: EnclPage): number {
    return this.base + p.index * 4096;
  }

  /** Allocate the lowest free slot of the first VA page (sgx_alloc_va_slot); a full page moves to the tail. */
  allocVaSlot(): { va: VaPage; slot: number } | undefined {
    const va = this.vaPages[0];
    if (!va || va.count >= VA_SLOT_COUNT) return undefined;
    const slot = va.used.indexOf(0);
    va.used[slot] = 1;
    va.count++;
    if (va.count === VA_SLOT_COUNT) this.vaPages.push(this.vaPages.shift() as VaPage);
    return { va, slot };
  }

  /** sgx_free_va_slot; sgx_encl_eldu then moves the VA page to the head of the list. */
  freeVaSlot(vaEpc: number, slot: number, toHead: boolean): void {
    const i = this.vaPages.findIndex((v) => v.epc === vaEpc);
    if (i < 0) return;
    const va = this.vaPages[i];
    if (va.used[slot]) {
      va.used[slot] = 0;
      va.count--;
    }
    if (toHead && i > 0) {
      this.vaPages.splice(i, 1);
      this.vaPages.unshift(va);
    }
  }
}
