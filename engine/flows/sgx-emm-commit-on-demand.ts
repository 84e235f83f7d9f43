// Intel's enclave memory manager (the SGX SDK's sgx-emm library, sdk/emm) with
// SGX_EMA_COMMIT_ON_DEMAND, not a selftest. The order of operations follows the library:
//  - sgx_mm_alloc(COMMIT_ON_DEMAND): the EMM records the range and calls out; the untrusted
//    runtime's enclave_alloc() mmaps it MAP_SHARED|MAP_FIXED, read/write. No EPC page yet.
//  - The first access faults twice: not present (the kernel EAUGs, fault.c: sgx_vma_fault() →
//    sgx_encl_eaug_page()), then in the EPCM on the PENDING page (SDM: EPCM access check). The
//    EMM's #PF handler, sgx_mm_enclave_pfhandler() → ema_do_commit(), EACCEPTs the page with
//    RW|REG|PENDING and the access resumes.
//  - sgx_mm_modify_permissions() → ema_modify_permissions(): a call out first (enclave_modify():
//    SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS with the new permissions, then mprotect), then per page
//    EMODPE with the new permissions|PR and, unless the new permissions hold both W and X,
//    EACCEPT(new|REG|PR). The kernel runs EMODPR even when the permissions grow: EMODPR only
//    clears bits (ioctl.c: sgx_enclave_restrict_permissions(): "attempting to set new
//    permissions will be ignored by the hardware"), and the enclave's EMODPE adds them.
// Simplified: the selftest enclave stands in for an SDK enclave, and its single SSA frame per
// TCS means the #PF handler cannot run on the faulting thread (the SDK re-enters that thread on
// its next SSA frame); here the vDSO returns the exception and a second thread (TCS#2) runs the
// handler's EACCEPT, then the faulting thread is resumed.

import { DEFAULT_BASE } from "../scenario/run.ts";
import { eaccept, emodpe, read, write } from "./calls.ts";
import { EEXIT_Z, OK_EEXIT, OK_LEAF, okValue, succeeds, withEpcm } from "./expect.ts";
import { acceptRestrictionToR, restrictPageToR, runtimeMaps, writeFaultsOnPending } from "./patterns.ts";
import { MAGIC, MAGIC2, standardBuild, TCS1, TCS2, TOTAL_SIZE } from "./standard-build.ts";
import { eenter, eresume, flow, hex, ioctl, mprotect, PAGE_SIZE } from "./steps.ts";

const title = "Intel SGX EMM: commit on demand, then change permissions";
const description =
  "Mirrors Intel's enclave memory manager (linux-sgx sdk/emm) with SGX_EMA_COMMIT_ON_DEMAND: a reserved page is committed by EACCEPT in the #PF handler, then sgx_mm_modify_permissions() restricts and extends it (kernel EMODPR, enclave EMODPE, EACCEPT with PR). Simplified: the handler runs on a second thread, as the test enclave has one SSA frame per thread.";

/** The allocation: two pages past the heap. */
const ADDR = TOTAL_SIZE;
const a = hex(ADDR);

export const sgxEmmCommitOnDemand = flow("sgx-emm-commit-on-demand", title, description, {
  steps: [
    ...standardBuild(),
    runtimeMaps(
      ADDR,
      2,
      DEFAULT_BASE,
      "sgx_mm_alloc(2 pages, SGX_EMA_COMMIT_ON_DEMAND, RW): the EMM records the range and calls out; the untrusted runtime (enclave_alloc()) maps it MAP_SHARED|MAP_FIXED, read/write. Nothing is in the EPC yet.",
    ),
    writeFaultsOnPending(
      TCS1,
      ADDR,
      MAGIC,
      "The enclave writes to the reserved page. No PTE: the kernel EAUGs a PENDING page and maps it; the retried write hits the PENDING page and faults in the EPCM (0x8007). The vDSO reports the #PF.",
    ),
    eenter(TCS2, eaccept(ADDR, "R|W|REG|PENDING"), {
      note: "The EMM's #PF handler (sgx_mm_enclave_pfhandler → ema_do_commit): the page belongs to a COMMIT_ON_DEMAND range and is not committed yet, so it EACCEPTs it with RW|REG|PENDING. Here on TCS#2; the SDK would run it on the faulting thread's next SSA frame.",
      expect: withEpcm(OK_LEAF, {
        [a]: { type: "REG", perms: "RW-", pending: false, modified: false, pr: false },
      }),
    }),
    eresume(TCS1, {
      note: "The handler returned SGX_MM_EXCEPTION_CONTINUE_EXECUTION: ERESUME on TCS#1 runs the write again, and it succeeds.",
      expect: OK_EEXIT,
    }),
    eenter(TCS1, read(ADDR), {
      note: "The committed page holds MAGIC.",
      expect: okValue(MAGIC),
    }),
    restrictPageToR(
      ADDR,
      "sgx_mm_modify_permissions(page, R) calls out first: enclave_modify() asks the kernel to restrict the page to R. EMODPR clears W and sets PR; ETRACK follows.",
    ),
    mprotect(ADDR, PAGE_SIZE, "PROT_READ", {
      note: "…and mprotects the page read-only, so the PTE agrees.",
      expect: { ret: 0 },
    }),
    eenter(TCS1, emodpe(ADDR, "R|REG|PR"), {
      note: "Back in the enclave, ema_modify_permissions() EMODPEs every page with the new permissions|PR. R adds nothing to R: the EPCM does not change.",
      expect: withEpcm(OK_EEXIT, { [a]: { type: "REG", perms: "R--", pr: true } }),
    }),
    acceptRestrictionToR(
      TCS1,
      ADDR,
      "EACCEPT(R|REG|PR): the enclave accepts the restriction (the new permissions lack W); PR clears.",
    ),
    eenter(TCS1, read(ADDR), {
      note: "Still readable: MAGIC.",
      expect: okValue(MAGIC),
    }),
    ioctl(
      "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
      { offset: a, length: hex(PAGE_SIZE), permissions: "R|W" },
      {
        note: "sgx_mm_modify_permissions(page, RW): enclave_modify() calls the same ioctl with the new permissions RW. EMODPR cannot add W (it only clears bits): the EPCM stays R, and PR is set again.",
        expect: withEpcm(succeeds({ result: "0x0", count: hex(PAGE_SIZE) }), {
          [a]: { type: "REG", perms: "R--", pr: true },
        }),
      },
    ),
    mprotect(ADDR, PAGE_SIZE, "PROT_READ|PROT_WRITE", {
      note: "…then mprotect RW (allowed: a page added by EAUG may be mapped up to RWX).",
      expect: { ret: 0 },
    }),
    eenter(TCS1, emodpe(ADDR, "R|W|REG|PR"), {
      note: "EMODPE(RW|REG|PR): here the enclave itself extends the EPCM permissions to RW. PR stays set.",
      expect: withEpcm(OK_EEXIT, { [a]: { type: "REG", perms: "RW-", pr: true } }),
    }),
    eenter(TCS1, eaccept(ADDR, "R|W|REG|PR"), {
      note: "EACCEPT(RW|REG|PR), made because RW lacks X: the permissions match the EPCM, PR clears.",
      expect: withEpcm(OK_LEAF, { [a]: { type: "REG", perms: "RW-", pr: false } }),
    }),
    eenter(TCS1, write(ADDR, MAGIC2), {
      note: "Writes work again.",
      expect: { ret: 0, run: EEXIT_Z },
    }),
    eenter(TCS1, read(ADDR), {
      note: "MAGIC2 comes back.",
      expect: okValue(MAGIC2),
    }),
  ],
});
