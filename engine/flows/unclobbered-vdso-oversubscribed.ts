// Selftest `unclobbered_vdso_oversubscribed` (selftests main.c: TEST_F(enclave, unclobbered_vdso_oversubscribed)): an enclave whose heap
// is as large as all of the EPC (heap = total_mem, EADDed without measurement). Building it
// needs EPC reclaim: ADD_PAGES allocates with reclaim, so older pages are EWBed to make room
// (ioctl.c: sgx_ioc_enclave_add_pages(), main.c: sgx_alloc_epc_page(), sgx_reclaim_pages()). Entering afterwards faults the evicted pages back in
// with ELDU, transparently. Asserted: the build succeeds; PUT/GET give ret 0, EEXIT, MAGIC.
// Both entries go through the register-saving wrapper (main.c: ENCL_CALL(..., false)), hence
// `clobbered: false`.

import { read, write } from "./calls.ts";
import { ENCL_BUFFER, MAGIC, standardBuild, TCS1 } from "./standard-build.ts";
import { eenter, flow } from "./steps.ts";

/** The machine's EPC (the contract's default size); the heap takes all of it. */
export const OVERSUBSCRIBED_EPC_PAGES = 128;

const description =
  "Build an enclave with a heap as big as the whole EPC: the kernel must evict pages while building it, and entering still works.";

export const unclobberedVdsoOversubscribed = flow(
  "unclobbered-vdso-oversubscribed",
  "unclobbered_vdso_oversubscribed: an enclave larger than the EPC",
  description,
  {
    machine: { epcPages: OVERSUBSCRIBED_EPC_PAGES },
    steps: [
      ...standardBuild({ epcPages: OVERSUBSCRIBED_EPC_PAGES, epcmChecks: false }),
      eenter(TCS1, write(ENCL_BUFFER, MAGIC), {
        clobbered: false,
        note: "Write MAGIC into encl_buffer (PUT_TO_BUFFER): the TCS, SSA, stack and buffer pages were evicted during the build; each access faults and the kernel reloads the page (ELDU) before the enclave continues.",
        expect: { ret: 0, run: { function: "EEXIT" } },
      }),
      eenter(TCS1, read(ENCL_BUFFER), {
        clobbered: false,
        note: "Read it back (GET_FROM_BUFFER): MAGIC, even with the EPC oversubscribed.",
        expect: { ret: 0, run: { function: "EEXIT" }, call: { value: MAGIC } },
      }),
    ],
  },
);
