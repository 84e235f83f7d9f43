// The driver's main.c: EPC page allocation (sgx_alloc_epc_page), eviction (sgx_encl_ewb with its
// ETRACK and IPI ladder) and the reclaimer (sgx_reclaim_pages, sgx_reclaimer_age,
// sgx_reclaimer_block, sgx_reclaimer_write, ksgxd, sgx_reclaim_direct). Deterministic: ksgxd runs
// when the model schedules it (end of step, or before a fault is retried).

import { SGX_NOT_TRACKED, SGX_SUCCESS, SGX_VA_SLOT_OCCUPIED } from "../arch/constants.ts";
import { isFault } from "../arch/cpu.ts";
import { NONE } from "../arch/epc.ts";
import { EBLOCK, EREMOVE, ETRACK, EWB } from "../arch/leaves/paging.ts";
import type { Encl, EnclPage } from "./encl.ts";
import type { Kernel } from "./kernel.ts";

/** Reclaimer constants (sgx.h): batch size and ksgxd's watermarks. */
export const SGX_NR_TO_SCAN = 16;
export const SGX_NR_LOW_PAGES = 32;
export const SGX_NR_HIGH_PAGES = 64;

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
      ipiEnclave(k, encl, "main.c: sgx_encl_ewb() / on_each_cpu_mask()");
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

/**
 * on_each_cpu_mask(sgx_encl_cpumask(encl), sgx_ipi_cb, NULL, 1): an IPI to every CPU that may run
 * the process. sgx_ipi_cb() is empty: the interrupt itself makes a thread inside take an AEX,
 * which flushes its TLB; the thread then ERESUMEs at the AEP without user space noticing.
 */
export function ipiEnclave(
  k: Kernel,
  _encl: Encl,
  source = "ioctl.c: sgx_enclave_etrack() / main.c: on_each_cpu_mask()",
): void {
  if (k.config.noIpi) {
    // What-if "no-ipi" (docs/scenario-format.md, Kernel versions and what-ifs).
    k.ev(
      "kernel",
      "What-if no-ipi: the kernel sends no IPI; threads inside keep their stale TLB entries.",
      "main.c: on_each_cpu_mask()",
    );
    return;
  }
  const cpus = k.cpumask();
  const inside = cpus.filter((c) => (k.cpu.lps[c]?.secs ?? NONE) !== NONE);
  // An IPI that kicks a thread out is always shown, even inside a summarized batch.
  const wasOn = k.cpu.log.on;
  if (inside.length > 0) k.cpu.log.on = true;
  k.ev(
    "ipi",
    () =>
      inside.length === 0
        ? "IPI to the CPUs that may run the enclave: any thread inside would take an AEX and flush its TLB (none is inside now)."
        : `IPI to CPU ${cpus.join(", ")} (sgx_encl_cpumask()): the thread inside on CPU ${inside.join(", ")} takes an AEX, flushing its TLB.`,
    source,
    { cpus, basis: "kernel" },
  );
  k.cpu.log.on = wasOn;
  for (const c of inside)
    k.interruptCpu(c, "the IPI (sgx_ipi_cb() does nothing: the interrupt is the point)");
}

/** One batch of sgx_reclaim_pages(). Returns the number of pages evicted. */
export function reclaimPages(k: Kernel): number {
  k.stats.batches++;
  const { mm } = k;
  // 1. Up to 16 pages from the head (oldest) of the active list.
  const chosen: number[] = [];
  while (chosen.length < SGX_NR_TO_SCAN) {
    const epc = k.popOldest();
    if (epc === NONE) break;
    chosen.push(epc);
  }
  // 2. Aging: a page whose PTE was accessed since the last look is young and goes back to the tail.
  const victims: Array<{ epc: number; encl: Encl; page: EnclPage }> = [];
  const young: number[] = [];
  for (const epc of chosen) {
    const owner = k.pageOf(epc);
    if (!owner?.page) continue;
    if (mm.testAndClearYoung(owner.encl.addrOf(owner.page))) young.push(epc);
    else victims.push({ epc, encl: owner.encl, page: owner.page });
  }
  for (const epc of young) k.markReclaimable(epc);
  if (chosen.length > 0)
    k.ev(
      "reclaim",
      () =>
        `Reclaimer batch: ${chosen.length} oldest page(s) scanned, ${young.length} recently accessed (young) go back to the tail, ${victims.length} will be evicted.`,
      "main.c: sgx_reclaim_pages() / sgx_reclaimer_age()",
    );
  // 3. Zap the PTEs, then EBLOCK every victim (all EBLOCKs precede the EWBs: one ETRACK covers the batch).
  // The victims are marked SGX_ENCL_PAGE_BEING_RECLAIMED: a fault on one waits (sgx_encl_load_page(): -EBUSY).
  if (victims.length > 0) k.reclaiming = new Set(victims.map((v) => v.epc));
  for (const v of victims) {
    if (mm.zapPte(v.encl.addrOf(v.page)))
      k.ev(
        "mm",
        () => `PTE of ${k.label(v.encl.addrOf(v.page))} zapped before eviction.`,
        "main.c: sgx_reclaimer_block()",
      );
    EBLOCK(k.cpu, v.epc);
  }
  // 4. EWB each victim; a SECS left without resident children after EINIT follows it out.
  for (const v of victims) {
    const at = enclEwb(k, v.encl, v.epc, v.page.index);
    if (at) {
      v.page.vaPage = at.va;
      v.page.vaSlot = at.slot;
    }
    v.page.epc = NONE;
    v.encl.secsChildCnt--;
    if (v.encl.secsChildCnt === 0 && v.encl.initialized && v.encl.secsEpc !== NONE) evictSecs(k, v.encl);
    k.freePage(v.epc);
  }
  k.reclaiming = null;
  return victims.length;
}

/** The SECS goes out last, once no child is resident (never before EINIT). */
function evictSecs(k: Kernel, encl: Encl): void {
  k.ev(
    "reclaim",
    () => `${encl.name} has no resident pages left: its SECS is evicted too.`,
    "main.c: sgx_reclaimer_write()",
  );
  const secs = encl.secsEpc;
  const at = enclEwb(k, encl, secs, encl.size / 4096);
  if (!at) return;
  encl.secsVaPage = at.va;
  encl.secsVaSlot = at.slot;
  EREMOVE(k.cpu, secs); // sgx_encl_free_epc_page(): EREMOVE of the now-invalid page is a no-op success
  encl.secsEpc = NONE;
  k.freePage(secs);
}

/** sgx_reclaim_direct(): the SGX2 ioctls reclaim one batch per page when free pages run low. */
export function reclaimDirect(k: Kernel): void {
  if (k.freeCount < SGX_NR_LOW_PAGES && k.activeCount > 0) {
    k.ev(
      "reclaim",
      () => `Free EPC is below ${SGX_NR_LOW_PAGES} pages: the ioctl reclaims a batch first.`,
      "main.c: sgx_reclaim_direct()",
    );
    reclaimPages(k);
  }
}

/** ksgxd: reclaim while free pages are below the high watermark and something is reclaimable. */
export function runKsgxd(k: Kernel): void {
  k.ksgxdWoken = false;
  if (!(k.freeCount < SGX_NR_HIGH_PAGES && k.activeCount > 0)) return;
  k.ev(
    "reclaim",
    () => `ksgxd wakes: ${k.freeCount} free EPC pages is below the high watermark of ${SGX_NR_HIGH_PAGES}.`,
    "main.c: ksgxd()",
  );
  let idle = 0;
  let batches = 0;
  let evicted = 0;
  const wasOn = k.cpu.log.on;
  while (k.freeCount < SGX_NR_HIGH_PAGES && k.activeCount > 0) {
    // The first batch is logged in full; the rest are summarized.
    if (batches++ === 1) k.cpu.log.on = false;
    const n = reclaimPages(k);
    evicted += n;
    if (n > 0) idle = 0;
    // Young pages only need one pass to age; stop if a full pass evicts nothing.
    else if (++idle > k.activeCount / SGX_NR_TO_SCAN + 2) break;
  }
  k.cpu.log.on = wasOn;
  if (batches > 1)
    k.ev(
      "reclaim",
      () =>
        `ksgxd ran ${batches} batches in all and evicted ${evicted} page(s); ${k.freeCount} EPC pages are free.`,
      "main.c: ksgxd()",
    );
}

/**
 * The `reclaim` op: batch after batch until `pages` were evicted or nothing more can be. A batch
 * of only young pages evicts nothing but ages them (sgx_reclaim_pages() puts them back at the
 * tail with the Accessed bit cleared), so, as in ksgxd, only a full pass without an eviction stops.
 */
export function reclaimOp(k: Kernel, pages: number): number {
  let evicted = 0;
  let batches = 0;
  let idle = 0;
  const wasOn = k.cpu.log.on;
  while (evicted < pages && k.activeCount > 0) {
    if (batches++ === 1) k.cpu.log.on = false;
    const n = reclaimPages(k);
    evicted += n;
    if (n > 0) idle = 0;
    else if (++idle > k.activeCount / SGX_NR_TO_SCAN + 1) break;
  }
  k.cpu.log.on = wasOn;
  if (batches > 1) k.ev("reclaim", () => `${batches} batches in all.`, "main.c: sgx_reclaim_pages()");
  return evicted;
}
