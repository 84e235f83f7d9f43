// mmap/mprotect/munmap/close on an enclave fd (driver.c: sgx_mmap, sgx_get_unmapped_area,
// sgx_release; encl.c: sgx_encl_may_map, sgx_vma_mprotect, sgx_encl_release).

import { NONE } from "../arch/epc.ts";
import { EREMOVE } from "../arch/leaves/paging.ts";
import { permsText } from "../vocabulary/epcm.ts";
import { hex } from "../vocabulary/hex.ts";
import type { Encl } from "./encl.ts";
import { fail, ok, type SyscallResult } from "./ioctl.ts";
import type { Kernel } from "./kernel.ts";

export const MAP_SHARED = 0x1;
export const MAP_PRIVATE = 0x2;
export const MAP_FIXED = 0x10;

/** sgx_encl_may_map(): -EACCES if the mapping may not exist with these permissions. */
function mayMap(encl: Encl, start: number, end: number, prot: number): string | undefined {
  // After EINIT only ELRANGE may be mapped (part of the SGX2 series).
  if (encl.initialized && (start < encl.base || end > encl.base + encl.size))
    return "after EINIT only addresses inside ELRANGE can be mapped";
  // Every existing enclave page in the range must allow every requested permission; holes impose nothing.
  const first = Math.floor((start - encl.base) / 4096);
  const last = Math.ceil((end - encl.base) / 4096);
  const check = (index: number): string | undefined => {
    const p = encl.pages.get(index);
    if (p && (prot & 7 & p.vmMaxProt) !== (prot & 7))
      return `${encl.name}+${hex(index * 4096)} allows at most ${permsText(p.vmMaxProt)} (vm_max_prot_bits), but ${permsText(prot)} was asked`;
    return undefined;
  };
  if (last - first <= encl.pages.size) {
    for (let i = first; i < last; i++) {
      const e = check(i);
      if (e) return e;
    }
  } else {
    for (const i of [...encl.pages.keys()].sort((a, b) => a - b)) {
      if (i < first || i >= last) continue;
      const e = check(i);
      if (e) return e;
    }
  }
  return undefined;
}

export function sysMmap(
  k: Kernel,
  encl: Encl,
  offset: number,
  length: number,
  prot: number,
  flags: number,
): SyscallResult {
  const src = "driver.c: sgx_mmap()";
  if (encl.released) return badFd(k);
  const start = encl.base + offset;
  if (length === 0 || offset % 4096 !== 0) {
    k.ev(
      "kernel",
      length === 0 ? "mmap of length 0." : "MAP_FIXED needs a page-aligned address.",
      "mm/mmap.c: do_mmap()",
      { result: "EINVAL" },
    );
    return fail("EINVAL");
  }
  if (flags & MAP_PRIVATE || !(flags & MAP_SHARED)) {
    k.ev("kernel", "Enclave memory can only be mapped MAP_SHARED.", "driver.c: sgx_get_unmapped_area()", {
      result: "EINVAL",
    });
    return fail("EINVAL");
  }
  const end = start + Math.ceil(length / 4096) * 4096;
  const why = mayMap(encl, start, end, prot);
  if (why) {
    k.ev("kernel", `Refused with EACCES: ${why}.`, "encl.c: sgx_encl_may_map()", { result: "EACCES" });
    return fail("EACCES");
  }
  k.mm.insertVma({ start, end, prot: prot & 7, encl });
  k.ev(
    "mm",
    `New VMA ${k.label(start)}–${k.label(end)} ${permsText(prot)} on ${encl.name}'s fd; no PTEs yet: pages are mapped on first access.`,
    src,
  );
  // mmap returns the address of the mapping.
  return { ret: start };
}

export function sysMprotect(
  k: Kernel,
  encl: Encl,
  offset: number,
  length: number,
  prot: number,
): SyscallResult {
  const start = encl.base + offset;
  if (offset % 4096 !== 0) {
    k.ev("kernel", "mprotect needs a page-aligned address.", "mm/mprotect.c: do_mprotect_pkey()", {
      result: "EINVAL",
    });
    return fail("EINVAL");
  }
  const end = start + Math.ceil(length / 4096) * 4096;
  if (length === 0) return ok();
  if (!k.mm.covered(start, end)) {
    k.ev("kernel", "Part of the range is not mapped.", "mm/mprotect.c: do_mprotect_pkey()", {
      result: "ENOMEM",
    });
    return fail("ENOMEM");
  }
  for (const v of k.mm.vmas) {
    if (v.end <= start || v.start >= end) continue;
    const why = mayMap(v.encl, Math.max(v.start, start), Math.min(v.end, end), prot);
    if (why) {
      k.ev("kernel", `Refused with EACCES: ${why}.`, "encl.c: sgx_vma_mprotect()", { result: "EACCES" });
      return fail("EACCES");
    }
  }
  k.mm.protectRange(start, end, prot & 7);
  k.ev(
    "mm",
    `VMA ${k.label(start)}–${k.label(end)} is now ${permsText(prot)}; present PTEs follow it.`,
    "mm/mprotect.c: mprotect_fixup()",
  );
  return ok();
}

export function sysMunmap(k: Kernel, encl: Encl, offset: number, length: number): SyscallResult {
  const start = encl.base + offset;
  if (offset % 4096 !== 0 || length === 0) {
    k.ev("kernel", "munmap needs a page-aligned address and a non-zero length.", "mm/mmap.c: do_munmap()", {
      result: "EINVAL",
    });
    return fail("EINVAL");
  }
  const end = start + Math.ceil(length / 4096) * 4096;
  k.mm.unmapRange(start, end);
  k.ev("mm", `Unmapped ${k.label(start)}–${k.label(end)}; its PTEs are gone.`, "mm/mmap.c: do_munmap()");
  // The fd stays open after munmap, so the enclave lives on (sgx_release runs on close).
  return ok();
}

/** close(fd): the mappings are dropped with it here (the op's contract), then the enclave is released. */
export function sysClose(k: Kernel, encl: Encl): SyscallResult {
  if (encl.released) return badFd(k);
  for (const v of [...k.mm.vmas]) if (v.encl === encl) k.mm.unmapRange(v.start, v.end);
  encl.released = true;
  k.ev(
    "syscall",
    `close(${encl.name}'s fd) and every mapping of it: the last reference goes away.`,
    "driver.c: sgx_release()",
  );
  release(k, encl);
  return ok();
}

function badFd(k: Kernel): SyscallResult {
  k.ev("kernel", "The enclave's fd was closed.", "fs: fdget()", { result: "EBADF" });
  return fail("EBADF");
}

/** sgx_encl_release(): EREMOVE every resident page, then the SECS, then the VA pages. */
export function release(k: Kernel, encl: Encl): void {
  const { cpu } = k;
  let n = 0;
  for (const page of encl.pages.values()) {
    if (page.epc !== NONE) {
      k.unmarkReclaimable(page.epc);
      if (EREMOVE(cpu, page.epc) === 0) k.freePage(page.epc);
      page.epc = NONE;
      n++;
    }
  }
  encl.pages.clear();
  encl.backing.clear();
  encl.secsChildCnt = 0;
  if (encl.secsEpc !== NONE) {
    if (EREMOVE(cpu, encl.secsEpc) === 0) k.freePage(encl.secsEpc);
    encl.secsEpc = NONE;
  }
  for (const va of encl.vaPages) if (EREMOVE(cpu, va.epc) === 0) k.freePage(va.epc);
  encl.vaPages.length = 0;
  k.ev(
    "kernel",
    `The enclave is released: ${n} resident page(s), the SECS and the VA pages are EREMOVEd and freed.`,
    "encl.c: sgx_encl_release()",
  );
}
