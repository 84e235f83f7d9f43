// Selftest `pte_permissions` (selftests main.c: TEST_F(enclave, pte_permissions)): the page tables are checked before the
// EPCM. The data page is RW in the EPCM; making its PTE read-only with mprotect makes an
// enclave write fault with an ordinary #PF (error code 0x7 = U|W|P, no SGX bit), which the
// kernel cannot fix, so the vDSO reports it. After mprotect(RW), ERESUME re-runs the write.

import { read, write } from "./calls.ts";
import { faulted, OK_EEXIT, okValue, withEpcm } from "./expect.ts";
import { putGet } from "./patterns.ts";
import { DATA_START, MAGIC, MAGIC2, standardBuild, TCS1 } from "./standard-build.ts";
import { eenter, eresume, flow, hex, mprotect, PAGE_SIZE } from "./steps.ts";

const description =
  "Make a data page's PTE read-only with mprotect: an enclave write now faults in the page tables (0x7) although the EPCM allows it.";

export const ptePermissions = flow(
  "pte-permissions",
  "pte_permissions: the PTE is checked before the EPCM",
  description,
  {
    steps: [
      ...standardBuild(),
      ...putGet(
        TCS1,
        DATA_START,
        MAGIC,
        "Write MAGIC to data_start (0x5000), an RW data page (PUT_TO_ADDRESS).",
        "Read it back (GET_FROM_ADDRESS).",
      ),
      mprotect(DATA_START, PAGE_SIZE, "PROT_READ", {
        note: "mprotect(data_start, PROT_READ): the VMA and PTE become read-only. The EPCM is untouched: the page is still RW for the enclave.",
        // sgx_vma_mprotect → sgx_encl_may_map: R is within the page's vm_max_prot (RW), so the
        // kernel allows it (encl.c: sgx_encl_may_map(), sgx_vma_mprotect()); EPCM permissions change only through
        // EMODPR/EMODPE (SDM: EPCM). The selftest itself does not assert the return.
        expect: withEpcm({ ret: 0 }, { [hex(DATA_START)]: { type: "REG", perms: "RW-" } }),
      }),
      eenter(TCS1, write(DATA_START, MAGIC2), {
        note: "Write MAGIC2 to it (PUT_TO_ADDRESS): the PTE forbids the write, so the CPU raises an ordinary #PF (0x7 = user|write|present, no SGX bit). The kernel cannot fix it and the vDSO reports it after the AEX.",
        // The selftest asserts vector 14, error code 0x7 and addr == data_start; function is
        // not asserted, but after an AEX the vDSO stores ERESUME (vsgx.S: __vdso_sgx_enter_enclave).
        expect: faulted("0x7", DATA_START),
      }),
      mprotect(DATA_START, PAGE_SIZE, "PROT_READ|PROT_WRITE", {
        note: "mprotect(data_start, PROT_READ|PROT_WRITE): writable again.",
        expect: { ret: 0 },
      }),
      eresume(TCS1, {
        note: "ERESUME on TCS#1: the interrupted write runs again and now succeeds.",
        expect: OK_EEXIT,
      }),
      eenter(TCS1, read(DATA_START), {
        note: "Read it back (GET_FROM_ADDRESS): MAGIC2 was written by the resumed instruction.",
        expect: okValue(MAGIC2),
      }),
    ],
  },
);
