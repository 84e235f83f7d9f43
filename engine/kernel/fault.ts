// What the kernel does with a #PF raised by an access to enclave memory (arch/x86/mm/fault.c:
// access_error(); encl.c: sgx_vma_fault(), sgx_encl_eaug_page()).

import { PF_I, PF_P, PF_SGX, PF_W } from "../arch/constants.ts";
import { isFault } from "../arch/cpu.ts";
import { NONE } from "../arch/epc.ts";
import { EREMOVE } from "../arch/leaves/paging.ts";
import { EAUG } from "../arch/leaves/sgx2.ts";
import { PT_REG, permsText } from "../vocabulary/epcm.ts";
import { hex } from "../vocabulary/hex.ts";
import { type Encl, enclGrow, enclShrink, reloadPage, reloadSecs } from "./encl.ts";
import type { Kernel } from "./kernel.ts";
import { allocEpcPage } from "./main.ts";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "./mm.ts";
import { oops } from "./oops.ts";

/**
 * NOPAGE: fixed (a PTE is in place, the access is retried). BUSY: VM_FAULT_NOPAGE without a
 * page (no free EPC; ksgxd runs before the retry). SIGBUS / BAD_AREA: not fixable; the vDSO
 * reports the exception. OOM: VM_FAULT_OOM.
 */
export type FaultResult = "NOPAGE" | "BUSY" | "SIGBUS" | "BAD_AREA" | "OOM" | "WAIT";

const SRC = "encl.c: sgx_vma_fault()";

export function handlePageFault(k: Kernel, linaddr: number, code: number): FaultResult {
  const r = sgxVmaFault(k, linaddr, code);
  return typeof r === "string" ? r : faultLocked(k, r);
}

/**
 * encl.c: sgx_vma_fault() has looked the page up with xa_load(), without encl->lock; what is left
 * runs under the lock: EAUG where there was no page (sgx_encl_eaug_page()), else loading and
 * mapping the page. A race yields between the two (docs/scenario-format.md, Races: explicit
 * interleavings; kernel/locks.ts).
 */
export interface FaultPending {
  encl: Encl;
  page: number;
  eaug: boolean;
  /** The VMA's protection, for sgx_encl_load_page_in_vma()'s vm_max_prot_bits check. */
  prot: number;
}

/** The locked part of a fault sgxVmaFault() left pending. */
export function faultLocked(k: Kernel, f: FaultPending): FaultResult {
  return f.eaug ? eaugPage(k, f.encl, f.page) : loadAndMap(k, f);
}

/** sgx_vma_fault() up to taking encl->lock: a result, or the locked part still to do. */
export function sgxVmaFault(k: Kernel, linaddr: number, code: number): FaultResult | FaultPending {
  k.stats.faults++;
  const { mm } = k;
  const page = linaddr - (linaddr % 4096);
  // An EPCM fault (SGX bit) is always an access error: the kernel never repairs the EPCM.
  if (code & PF_SGX) {
    if (k.cpu.log.on)
      k.ev(
        "kernel",
        "The #PF has the SGX bit: access_error() treats it as a bad access; the kernel cannot fix the EPCM.",
        "fault.c: access_error()",
      );
    return "BAD_AREA";
  }
  const vma = mm.findVma(linaddr);
  if (!vma) {
    if (k.cpu.log.on)
      k.ev(
        "kernel",
        () => `No VMA covers ${k.label(linaddr)}: a bad address.`,
        "fault.c: do_user_addr_fault()",
      );
    return "BAD_AREA";
  }
  const write = (code & PF_W) !== 0;
  const fetch = (code & PF_I) !== 0;
  const allowed = write
    ? vma.prot & PROT_WRITE
    : fetch
      ? vma.prot & PROT_EXEC
      : vma.prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
  if (!allowed || code & PF_P) {
    if (k.cpu.log.on)
      k.ev(
        "kernel",
        () =>
          `The VMA at ${k.label(linaddr)} does not allow this ${write ? "write" : fetch ? "instruction fetch" : "read"}: an access error.`,
        "fault.c: access_error()",
      );
    return "BAD_AREA";
  }
  const encl = vma.encl;
  const entry = encl.pageAt(page);
  if (k.sgx2 && !entry) return { encl, page, eaug: true, prot: vma.prot };
  if (!entry) {
    if (k.cpu.log.on)
      k.ev("kernel", () => `No enclave page at ${k.label(page)} and this CPU has no SGX2: SIGBUS.`, SRC);
    return "SIGBUS";
  }
  return { encl, page, eaug: false, prot: vma.prot };
}

/**
 * encl.c: sgx_vma_fault() under encl->lock: sgx_encl_load_page_in_vma() (the page may have gone
 * since xa_load(): -EFAULT; vm_max_prot_bits; busy: -EBUSY; evicted: ELDU), then vmf_insert_pfn().
 */
function loadAndMap(k: Kernel, f: FaultPending): FaultResult {
  const { encl, page } = f;
  const entry = encl.pageAt(page);
  if (!entry) {
    // Only a race reaches this: REMOVE_PAGES took the page away after this fault's xa_load().
    if (k.cpu.log.on)
      k.ev(
        "kernel",
        () =>
          `${k.label(page)} is gone by the time the fault holds encl->lock (sgx_encl_load_page_in_vma(): -EFAULT): SIGBUS.`,
        SRC,
      );
    return "SIGBUS";
  }
  if ((f.prot & entry.vmMaxProt) !== f.prot) {
    if (k.cpu.log.on)
      k.ev(
        "kernel",
        () =>
          `The VMA's permissions exceed the page's vm_max_prot_bits (${permsText(entry.vmMaxProt)}): SIGBUS.`,
        SRC,
      );
    return "SIGBUS";
  }
  if (entry.epc !== NONE && k.reclaiming?.has(entry.epc)) {
    // WAIT: the faulting CPU retries after the reclaimer (running on another CPU) is done.
    if (k.cpu.log.on)
      k.ev(
        "kernel",
        () =>
          `${k.label(page)} is being reclaimed: sgx_encl_load_page() says -EBUSY and the fault returns VM_FAULT_NOPAGE without a PTE; the access is retried once the reclaimer is done.`,
        "encl.c: sgx_encl_load_page()",
        { basis: "kernel" },
      );
    return "WAIT";
  }
  if (encl.busy.has(entry.index)) {
    // "x86/sgx: Fix two data races in EAUG/EREMOVE flows": REMOVE_PAGES (or REG→TCS) marked the
    // page busy before dropping encl->lock; __sgx_encl_load_page() says -EBUSY.
    k.ev(
      "kernel",
      () =>
        `${k.label(page)} is marked busy (REMOVE_PAGES or REG→TCS dropped encl->lock to zap its PTEs): sgx_encl_load_page() says -EBUSY, the fault returns VM_FAULT_NOPAGE without a PTE and the access is retried.`,
      "encl.c: __sgx_encl_load_page()",
      { basis: "kernel" },
    );
    return "WAIT";
  }
  if (entry.epc === NONE) {
    if (k.cpu.log.on)
      k.ev("kernel", () => `${k.label(page)} was evicted: the fault handler loads it back with ELDU.`, SRC);
    const err = reloadPage(k, encl, entry);
    if (err === "EBUSY") {
      if (k.cpu.log.on)
        k.ev(
          "kernel",
          "No free EPC page for the reload: VM_FAULT_NOPAGE, and ksgxd reclaims before the access is retried.",
          SRC,
        );
      return "BUSY";
    }
    if (err) {
      if (k.cpu.log.on) k.ev("kernel", () => `The reload failed (${err}): SIGBUS.`, SRC);
      return "SIGBUS";
    }
  }
  k.mm.installPte(page, entry.epc);
  k.mm.clearYoung(page);
  if (k.cpu.log.on)
    k.ev(
      "mm",
      () =>
        `PTE installed: ${k.label(page)} → EPC page ${entry.epc} (${permsText(f.prot)}); the access is retried.`,
      SRC,
      {
        epc: entry.epc,
      },
    );
  return "NOPAGE";
}

/** sgx_encl_eaug_page(): EAUG a new PENDING page where an initialized enclave has none. */
export function eaugPage(k: Kernel, encl: Encl, page: number): FaultResult {
  const src = "encl.c: sgx_encl_eaug_page()";
  if (!encl.initialized) {
    if (k.cpu.log.on) k.ev("kernel", "No page here and the enclave is not initialized: SIGBUS.", src);
    return "SIGBUS";
  }
  if (k.cpu.log.on)
    k.ev(
      "kernel",
      () => `No enclave page at ${k.label(page)}: the kernel adds one with EAUG (vm_max_prot_bits RWX).`,
      src,
    );
  if (k.config.loadSecsBeforeEaug && encl.secsEpc === NONE) {
    // v6.6, "x86/sgx: Resolves SECS reclaim vs. page fault for EAUG race": sgx_encl_load_secs()
    // under encl->lock, before the EPC page is allocated; -EBUSY → VM_FAULT_NOPAGE, else SIGBUS.
    k.ev("kernel", "The SECS is evicted: sgx_encl_load_secs() loads it back before EAUG.", src);
    const err = reloadSecs(k, encl);
    if (err) {
      if (k.cpu.log.on) k.ev("kernel", `The SECS could not be loaded (${err}).`, src);
      return err === "EBUSY" ? "BUSY" : "SIGBUS";
    }
  }
  const epc = allocEpcPage(k, false);
  if (epc === "EBUSY") {
    if (k.cpu.log.on)
      k.ev(
        "kernel",
        "No free EPC page (reclaim not allowed here): VM_FAULT_NOPAGE; ksgxd reclaims before the retry.",
        src,
      );
    return "BUSY";
  }
  if (epc === "ENOMEM") {
    if (k.cpu.log.on) k.ev("kernel", "No EPC page at all and nothing reclaimable: SIGBUS.", src);
    return "SIGBUS";
  }
  const va = enclGrow(k, encl, false);
  if (typeof va === "string") {
    k.freePage(epc);
    if (k.cpu.log.on)
      k.ev(
        "kernel",
        () => `No EPC page for a new VA page (${va}): ${va === "EBUSY" ? "VM_FAULT_NOPAGE" : "SIGBUS"}.`,
        src,
      );
    return va === "EBUSY" ? "BUSY" : "SIGBUS";
  }
  if (encl.pageAt(page)) return eaugLost(k, encl, page, epc, va);
  if (encl.secsEpc === NONE)
    // Before v6.6: pginfo.secs = sgx_get_epc_virt_addr(encl->secs.epc_page) with the SECS
    // evicted (epc_page NULL) reads NULL->section (the fix's commit message quotes this oops).
    oops(
      k,
      "sgx_encl_eaug_page",
      "BUG: kernel NULL pointer dereference, address: 0000000000000000",
      "The reclaimer had evicted the SECS (every other page of the enclave was out), and this kernel's EAUG path uses encl->secs.epc_page without loading it back (fixed in v6.6 by sgx_encl_load_secs()).",
      src,
    );
  const index = Math.floor((page - encl.base) / 4096);
  const out = EAUG(k.cpu, epc, page, encl.secsEpc);
  if (isFault(out) || out !== 0) {
    enclShrink(k, encl, va);
    EREMOVE(k.cpu, epc);
    k.freePage(epc);
    if (k.cpu.log.on) k.ev("kernel", "EAUG failed: SIGBUS.", src);
    return "SIGBUS";
  }
  encl.pages.set(index, { index, type: PT_REG, vmMaxProt: 7, epc, vaPage: NONE, vaSlot: 0 });
  k.setOwner(epc, encl, index);
  encl.secsChildCnt++;
  k.markReclaimable(epc);
  k.mm.installPte(page, epc);
  k.stats.eaug++;
  if (k.cpu.log.on)
    k.ev(
      "mm",
      () => `PTE installed: ${k.label(page)} → EPC page ${epc}; VM_FAULT_NOPAGE, the access is retried.`,
      src,
      { epc, offset: hex(page - encl.base) },
    );
  return "NOPAGE";
}

/**
 * encl.c: sgx_encl_eaug_page(): xa_insert() returns -EBUSY: another fault added the page
 * between this one's xa_load() (in sgx_vma_fault(), without encl->lock) and mutex_lock(). Only
 * a race reaches this (docs/scenario-format.md, Races: explicit interleavings).
 */
function eaugLost(
  k: Kernel,
  encl: Encl,
  page: number,
  epc: number,
  va: import("./encl.ts").VaPage | undefined,
): FaultResult {
  const src = "encl.c: sgx_encl_eaug_page()";
  k.ev(
    "kernel",
    () =>
      `xa_insert() fails with -EBUSY: another fault added ${k.label(page)} while this one ran without encl->lock.`,
    src,
  );
  enclShrink(k, encl, va);
  if (k.config.eaugLoserNoPage) {
    // "x86/sgx: Fix two data races in EAUG/EREMOVE flows": the loser frees its own page without
    // EREMOVE (sgx_free_epc_page()) and returns VM_FAULT_NOPAGE; the retry finds the winner's page.
    k.freePage(epc);
    k.ev(
      "kernel",
      () =>
        `The losing fault frees its unused EPC page ${epc} (sgx_free_epc_page(), no EREMOVE) and returns VM_FAULT_NOPAGE: the access is retried and finds the page the other fault added.`,
      src,
    );
    return "NOPAGE";
  }
  // err_out_shrink → err_out_epc: sgx_encl_free_epc_page() EREMOVEs the page this fault
  // allocated (never EAUGed, so EREMOVE finds it invalid and does nothing) and frees it;
  // vmret is still VM_FAULT_SIGBUS.
  EREMOVE(k.cpu, epc);
  k.freePage(epc);
  k.ev(
    "kernel",
    () =>
      `The error path EREMOVEs and frees this fault's own unused EPC page ${epc}, then returns VM_FAULT_SIGBUS: the losing thread gets SIGBUS (a fault inside the vDSO's enclave entry is reported to its caller instead) although the page now exists.`,
    src,
  );
  return "SIGBUS";
}
