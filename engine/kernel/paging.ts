// EPC page allocation, VA pages, eviction (EWB ladder) and reload (ELDU) as the driver does them
// (main.c: sgx_alloc_epc_page, sgx_encl_ewb; encl.c: sgx_alloc_va_page, sgx_encl_grow,
// __sgx_encl_eldu, sgx_encl_load_page).

import { SGX_NOT_TRACKED, SGX_SUCCESS, SGX_VA_SLOT_OCCUPIED, VA_SLOT_COUNT } from "../arch/constants.ts";
import { isFault } from "../arch/cpu.ts";
import { NONE } from "../arch/epc.ts";
import { ELDU, EPA, ETRACK, EWB } from "../arch/leaves/paging.ts";
import type { Encl, EnclPage, VaPage } from "./encl.ts";
import { type Kernel, SGX_NR_LOW_PAGES, VA_PAGE_INDEX } from "./kernel.ts";
import { reclaimPages } from "./reclaim.ts";

export type AllocError = "ENOMEM" | "EBUSY";

/**
 * sgx_alloc_epc_page(owner, reclaim): take a free page; with none free, fail -ENOMEM when nothing
 * is reclaimable, -EBUSY when the caller may not reclaim, else reclaim a batch and retry. Waking
 * ksgxd below the low watermark is recorded; it runs at the end of the step.
 */
export function allocEpcPage(k: Kernel, reclaim: boolean): number | AllocError {
  let idle = 0;
  for (;;) {
    const epc = k.takeFree();
    if (epc !== NONE) {
      if (k.freeCount < SGX_NR_LOW_PAGES && k.activeCount > 0) k.ksgxdWoken = true;
      return epc;
    }
    if (k.activeCount === 0) return "ENOMEM";
    if (!reclaim) {
      k.ksgxdWoken = true;
      return "EBUSY";
    }
    k.ev(
      "reclaim",
      "No free EPC page: the allocating task reclaims a batch itself (direct reclaim).",
      "main.c: sgx_alloc_epc_page()",
    );
    // Aging needs up to one pass over the active list before anything is old enough to evict.
    if (reclaimPages(k) === 0 && ++idle > k.activeCount / 16 + 2) return "ENOMEM";
  }
}

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
 * sgx_encl_ewb(): EWB into the first VA page's lowest free slot; on SGX_NOT_TRACKED, ETRACK and
 * retry; if still not tracked, IPI the enclave's CPUs and retry once more. Returns the slot used,
 * or undefined when EWB failed (the kernel WARNs, frees the slot, and the contents are lost).
 */
export function enclEwb(
  k: Kernel,
  encl: Encl,
  epc: number,
  backingIndex: number,
): { va: number; slot: number } | undefined {
  const { cpu } = k;
  const at = encl.allocVaSlot();
  if (!at) return undefined;
  const { va, slot } = at;
  let r = EWB(cpu, epc, va.epc, slot);
  if (r.out === SGX_NOT_TRACKED) {
    k.ev(
      "kernel",
      "EWB says SGX_NOT_TRACKED: the kernel runs ETRACK on the SECS and tries again.",
      "main.c: sgx_encl_ewb()",
    );
    ETRACK(cpu, encl.secsEpc);
    r = EWB(cpu, epc, va.epc, slot);
    if (r.out === SGX_NOT_TRACKED) {
      k.ev(
        "kernel",
        "Still not tracked: the kernel IPIs every CPU that may run the enclave, forcing an AEX, and retries.",
        "main.c: sgx_encl_ewb()",
      );
      ipiEnclave(k, encl);
      r = EWB(cpu, epc, va.epc, slot);
    }
  }
  if (isFault(r.out) || (r.out !== SGX_SUCCESS && r.out !== SGX_VA_SLOT_OCCUPIED) || !r.sealed) {
    k.ev(
      "kernel",
      "EWB failed: the kernel warns and frees the VA slot; the page's contents are lost.",
      "main.c: sgx_encl_ewb()",
    );
    encl.freeVaSlot(va.epc, slot, false);
    return undefined;
  }
  encl.backing.set(backingIndex, r.sealed);
  k.stats.ewb++;
  return { va: va.epc, slot };
}

/** The IPI after ETRACK: every thread inside the enclave takes an AEX (in this model none is inside between steps). */
export function ipiEnclave(k: Kernel, encl: Encl): void {
  const inside = k.cpu.lps.filter((lp) => lp.secs === encl.secsEpc && lp.secs !== NONE);
  k.ev(
    "kernel",
    () =>
      inside.length === 0
        ? "IPI to the CPUs that may run the enclave: any thread inside would take an AEX and flush its TLB (none is inside now)."
        : `IPI: ${inside.length} thread(s) inside the enclave take an AEX, flushing their TLBs.`,
    "ioctl.c: sgx_enclave_etrack() / main.c: on_each_cpu_mask()",
  );
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
