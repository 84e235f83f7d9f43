// Selftest `unclobbered_vdso_oversubscribed_remove` (selftests main.c: TEST_F(enclave, unclobbered_vdso_oversubscribed_remove)): the
// oversubscribed enclave of selftests main.c: TEST_F(enclave, unclobbered_vdso_oversubscribed), then the whole heap (as large as the EPC) is trimmed with
// one MODIFY_TYPES call, every heap page is EACCEPTed (one enclave entry per page; here one
// step with the contract's `pages: N` repetition), and one REMOVE_PAGES frees them all.
// Evicted pages are reloaded by the kernel as each ioctl and each EACCEPT reaches them
// (ioctl.c: sgx_ioctl(), sgx_validate_offset_length(), encl.c: sgx_vma_fault()). As in main.c,
// PUT/GET go through the register-saving wrapper (`clobbered: false`) and the EACCEPT loop calls
// the vDSO directly (the default).

import { eaccept, read, write } from "./calls.ts";
import { EEXIT_Z, succeeds, withEpcm } from "./expect.ts";
import { sgx2ProbeModifyTypes } from "./probes.ts";
import { ENCL_BUFFER, HEAP, MAGIC, standardBuild, TCS1 } from "./standard-build.ts";
import { eenter, flow, hex, ioctl, PAGE_SIZE } from "./steps.ts";
import { OVERSUBSCRIBED_EPC_PAGES } from "./unclobbered-vdso-oversubscribed.ts";

const HEAP_PAGES = OVERSUBSCRIBED_EPC_PAGES;
const HEAP_SIZE = HEAP_PAGES * PAGE_SIZE;

const description =
  "Trim, accept and remove an enclave heap as large as the whole EPC, reloading evicted pages as the kernel and the enclave reach them.";

export const unclobberedVdsoOversubscribedRemove = flow(
  "unclobbered-vdso-oversubscribed-remove",
  "unclobbered_vdso_oversubscribed_remove: trim an EPC-sized heap",
  description,
  {
    machine: { epcPages: OVERSUBSCRIBED_EPC_PAGES },
    steps: [
      ...standardBuild({ epcPages: OVERSUBSCRIBED_EPC_PAGES, epcmChecks: false }),
      sgx2ProbeModifyTypes(),
      eenter(TCS1, write(ENCL_BUFFER, MAGIC), {
        clobbered: false,
        note: "Write MAGIC into encl_buffer through the wrapper (PUT_TO_BUFFER): evicted pages come back on demand.",
        expect: { ret: 0, run: { function: "EEXIT" } },
      }),
      eenter(TCS1, read(ENCL_BUFFER), {
        clobbered: false,
        note: "Read it back (GET_FROM_BUFFER): MAGIC.",
        expect: { ret: 0, run: { function: "EEXIT" }, call: { value: MAGIC } },
      }),
      ioctl(
        "SGX_IOC_ENCLAVE_MODIFY_TYPES",
        { offset: hex(HEAP), length: hex(HEAP_SIZE), page_type: "TRIM" },
        {
          note: `MODIFY_TYPES the whole ${HEAP_PAGES}-page heap → TRIM in one call: for each page the kernel reloads it if it was evicted, runs EMODT and ETRACK.`,
          expect: succeeds({ result: "0x0", count: hex(HEAP_SIZE) }),
        },
      ),
      eenter(TCS1, eaccept(HEAP, "TRIM|MODIFIED"), {
        pages: HEAP_PAGES,
        note: `EACCEPT(TRIM|MODIFIED) on every heap page, one enclave entry per page (${HEAP_PAGES} entries).`,
        // Each entry: R0, vector/error code/addr 0, ASSERT ret == 0, ASSERT function == EEXIT.
        expect: { ret: 0, run: EEXIT_Z, call: { ret: 0 }, repeated: HEAP_PAGES },
      }),
      ioctl(
        "SGX_IOC_ENCLAVE_REMOVE_PAGES",
        { offset: hex(HEAP), length: hex(HEAP_SIZE) },
        {
          note: "REMOVE_PAGES the whole heap: every page is TRIM and accepted, so each is EREMOVEd (evicted ones are reloaded first).",
          // EREMOVE frees each EPC page: VALID = 0 (SDM: EREMOVE).
          expect: withEpcm(succeeds({ count: hex(HEAP_SIZE) }), {
            [hex(HEAP)]: { valid: false },
            [hex(HEAP + HEAP_SIZE - PAGE_SIZE)]: { valid: false },
          }),
        },
      ),
    ],
  },
);
