// The driver's per-enclave records (arch/x86/kernel/cpu/sgx/encl.h: struct sgx_encl,
// struct sgx_encl_page, struct sgx_va_page) and the code around them: VA pages
// (encl.c: sgx_alloc_va_page), growing and shrinking an enclave by a page (ioctl.c:
// sgx_encl_grow, sgx_encl_shrink) and loading an evicted page back (encl.c: __sgx_encl_eldu,
// __sgx_encl_load_page). Allocation and eviction are main.c's (./main.ts).

import { VA_SLOT_COUNT } from "../arch/constants.ts";
import { isFault } from "../arch/cpu.ts";
import { NONE, type SealedPage } from "../arch/epc.ts";
import { ELDU, EPA } from "../arch/leaves/paging.ts";
import { type EnclPage, EnclPages } from "./encl-pages.ts";
import type { Kernel } from "./kernel.ts";
import { type AllocError, allocEpcPage } from "./main.ts";

export type { EnclPage } from "./encl-pages.ts";

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
  /** encl->page_array: the page records by index (typed arrays, ./encl-pages.ts). */
  pages = new EnclPages();
  /** encl->va_pages: the head is used first. */
  readonly vaPages: VaPage[] = [];
  /** The shmem backing store: sealed contents of evicted pages (the SECS under index size/4096). */
  readonly backing = new Map<number, SealedPage>();
  /**
   * Pages marked busy while REMOVE_PAGES (or REG→TCS) has dropped encl->lock to zap PTEs
   * ("x86/sgx: Fix two data races in EAUG/EREMOVE flows"): a fault on them backs off. Only a
   * race step sees it non-empty.
   */
  busy = new Set<number>();
  /** SGX_ENCL_IOCTL in encl->flags: an ioctl is running (ioctl.c: sgx_ioctl()). */
  ioctlRunning = false;

  constructor(id: number, name: string, base: number) {
    this.id = id;
    this.name = name;
    this.base = base;
  }

  /** A deep copy (for checkpoints). Sealed pages are immutable and shared. */
  clone(): Encl {
    const c = new Encl(this.id, this.name, this.base);
    const { pages, vaPages, backing, busy, ...scalars } = this;
    Object.assign(c, scalars);
    c.busy = new Set(busy);
    c.pages = pages.clone();
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

/** `ownerIndex` of a VA page: it holds versions for its enclave but has no page index. */
export const VA_PAGE_INDEX = -2;

/** sgx_alloc_va_page(): an EPC page made a Version Array page by EPA. VA pages are never reclaimed. */
export function allocVaPage(k: Kernel, encl: Encl, reclaim: boolean): VaPage | AllocError | "EFAULT" {
  const epc = allocEpcPage(k, reclaim);
  if (typeof epc === "string") return epc;
  if (isFault(EPA(k.cpu, epc))) {
    k.freePage(epc);
    return "EFAULT";
  }
  k.setOwner(epc, encl, VA_PAGE_INDEX);
  return { epc, used: new Uint8Array(VA_SLOT_COUNT), count: 0 };
}

/** sgx_encl_grow(): one more page needs a VA slot; every 512th page brings a new VA page. */
export function enclGrow(
  k: Kernel,
  encl: Encl,
  reclaim: boolean,
): VaPage | undefined | AllocError | "EFAULT" {
  let va: VaPage | undefined;
  if (encl.pageCnt % VA_SLOT_COUNT === 0) {
    const r = allocVaPage(k, encl, reclaim);
    if (typeof r === "string") return r;
    va = r;
    encl.vaPages.unshift(va); // the caller adds it at the head of encl->va_pages
    k.ev(
      "kernel",
      () =>
        `page_cnt is a multiple of 512: a new VA page (EPC ${r.epc}) goes to the head of the enclave's VA list.`,
      "encl.c: sgx_encl_grow()",
    );
  }
  encl.pageCnt++;
  return va;
}

/** sgx_encl_shrink(): undo sgx_encl_grow() after a failure. */
export function enclShrink(k: Kernel, encl: Encl, va: VaPage | undefined): void {
  encl.pageCnt--;
  if (va) {
    encl.vaPages.splice(encl.vaPages.indexOf(va), 1);
    k.cpu.epc.invalidate(va.epc);
    k.freePage(va.epc);
  }
}

/**
 * Bring an evicted page back (sgx_encl_load_page_in_vma / sgx_encl_load_page → __sgx_encl_load_page):
 * ELDU the SECS first if it was evicted, then the page, without reclaiming (-EBUSY if no page is free).
 * Returns undefined on success or the error the caller maps.
 */
export function reloadPage(k: Kernel, encl: Encl, page: EnclPage): undefined | AllocError | "EFAULT" {
  const err = reloadSecs(k, encl);
  if (err) return err;
  const epc = allocEpcPage(k, false);
  if (typeof epc === "string") return epc;
  const sealed = encl.backing.get(page.index);
  if (!sealed) {
    k.freePage(epc);
    return "EFAULT";
  }
  const out = ELDU(k.cpu, epc, page.vaPage, page.vaSlot, sealed, encl.secsEpc);
  if (out !== 0) {
    k.freePage(epc);
    return "EFAULT";
  }
  encl.backing.delete(page.index);
  encl.freeVaSlot(page.vaPage, page.vaSlot, true);
  page.epc = epc;
  page.vaPage = NONE;
  page.vaSlot = 0;
  k.setOwner(epc, encl, page.index);
  encl.secsChildCnt++;
  k.markReclaimable(epc);
  k.stats.eldu++;
  k.ev(
    "kernel",
    () =>
      `The page ${k.label(encl.addrOf(page))} is back in EPC page ${epc}; it goes to the tail of the active list.`,
    "encl.c: __sgx_encl_eldu()",
  );
  return undefined;
}

/** ELDU the SECS if the reclaimer evicted it (it is never put on the active list). */
export function reloadSecs(k: Kernel, encl: Encl): undefined | AllocError | "EFAULT" {
  if (encl.secsEpc !== NONE) return undefined;
  const epc = allocEpcPage(k, false);
  if (typeof epc === "string") return epc;
  const sealed = encl.backing.get(encl.size / 4096);
  if (!sealed) {
    k.freePage(epc);
    return "EFAULT";
  }
  const out = ELDU(k.cpu, epc, encl.secsVaPage, encl.secsVaSlot, sealed, NONE);
  if (out !== 0) {
    k.freePage(epc);
    return "EFAULT";
  }
  encl.backing.delete(encl.size / 4096);
  encl.freeVaSlot(encl.secsVaPage, encl.secsVaSlot, true);
  encl.secsEpc = epc;
  encl.secsVaPage = NONE;
  k.setOwner(epc, encl, NONE);
  k.ev(
    "kernel",
    () => `The enclave's SECS was evicted; it is loaded first, into EPC page ${epc}.`,
    "encl.c: __sgx_encl_load_page()",
  );
  return undefined;
}
