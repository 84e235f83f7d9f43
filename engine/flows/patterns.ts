// Step sequences that several flows share: a write and its read-back, the first write to a page
// the kernel adds on the fault, a runtime mapping its range, a one-page restriction and its
// acceptance.

import { DEFAULT_BASE } from "../scenario/run.ts";
import { eaccept, read, write } from "./calls.ts";
import { EAUG_PENDING, faulted, OK_EEXIT, OK_LEAF, okValue, succeeds, withEpcm } from "./expect.ts";
import { eenter, hex, ioctl, mmap, PAGE_SIZE, type RawStep } from "./steps.ts";

/** PUT_TO_ADDRESS `value` at `addr`, then GET_FROM_ADDRESS: both end in a clean EEXIT, the read returns `value`. */
export function putGet(
  tcs: number,
  addr: number,
  value: string,
  putNote: string,
  getNote: string,
): RawStep[] {
  return [
    eenter(tcs, write(addr, value), { note: putNote, expect: OK_EEXIT }),
    eenter(tcs, read(addr), { note: getNote, expect: okValue(value) }),
  ];
}

/**
 * A write to an ELRANGE page with no EPC page yet: the not-present #PF makes the kernel EAUG a
 * PENDING page and map it (encl.c: sgx_vma_fault() → sgx_encl_eaug_page()); the retried write
 * hits the PENDING page and faults in the EPCM (0x8007), which the vDSO reports.
 */
export function writeFaultsOnPending(tcs: number, addr: number, value: string, note: string): RawStep {
  return eenter(tcs, write(addr, value), {
    note,
    expect: withEpcm(faulted("0x8007", addr), { [hex(addr)]: EAUG_PENDING }),
  });
}

/**
 * A runtime's untrusted side mapping `pages` pages of its enclave range from the enclave's fd,
 * read/write, MAP_SHARED|MAP_FIXED (syscall mmap() → sgx_mmap()); the mapping's address comes back.
 */
export function runtimeMaps(offset: number, pages: number, base: number, note: string): RawStep {
  return mmap(offset, pages * PAGE_SIZE, "PROT_READ|PROT_WRITE", {
    flags: "MAP_SHARED|MAP_FIXED",
    note,
    expect: { ret: hex(base + offset) },
  });
}

/** The process maps one more page of ELRANGE at `offset`, where no enclave page exists yet. */
export function mapUnbackedPage(offset: number): RawStep {
  return runtimeMaps(
    offset,
    1,
    DEFAULT_BASE,
    "The process maps one more page of the enclave's range, read/write; no enclave page exists there yet.",
  );
}

/**
 * SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS of one page to R: EMODPR clears W and sets PR, ETRACK
 * follows (ioctl.c: sgx_enclave_restrict_permissions(); SDM: EMODPR).
 */
export function restrictPageToR(addr: number, note: string): RawStep {
  return ioctl(
    "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
    { offset: hex(addr), length: hex(PAGE_SIZE), permissions: "R" },
    {
      note,
      expect: withEpcm(succeeds({ result: "0x0", count: hex(PAGE_SIZE) }), {
        [hex(addr)]: { type: "REG", perms: "R--", pr: true },
      }),
    },
  );
}

/** EACCEPT(R|REG|PR) of a page restricted to R: PR clears (SDM: EACCEPT). */
export function acceptRestrictionToR(tcs: number, addr: number, note: string): RawStep {
  return eenter(tcs, eaccept(addr, "R|REG|PR"), {
    note,
    expect: withEpcm(OK_LEAF, { [hex(addr)]: { type: "REG", perms: "R--", pr: false } }),
  });
}
