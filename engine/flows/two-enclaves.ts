// Two enclaves sharing one EPC (not a selftest). Each enclave is the selftests' standard
// build with a 64-page heap (77 EPC pages with its SECS and VA page); both together need more
// than the 128-page EPC, so building and running one evicts the other's pages (EPC pages
// are allocated with reclaim during ADD_PAGES and reloaded on fault, ioctl.c: sgx_ioc_enclave_add_pages(),
// encl.c: sgx_vma_fault(), main.c: sgx_alloc_epc_page(), sgx_reclaim_pages()). Each enclave has its own SECS and its own ELRANGE (CREATE picks distinct
// bases); the contents of each survive.

import { read, write } from "./calls.ts";
import { OK_EEXIT, okValue } from "./expect.ts";
import { ENCL_BUFFER, MAGIC, MAGIC2, standardBuild, TCS1 } from "./standard-build.ts";
import { eenter, flow } from "./steps.ts";

const EPC_PAGES = 128;
const HEAP_PAGES = 64;

const description =
  "Two enclaves share a small EPC: building and running one evicts the other's pages, yet each still reads back its own value.";

export const twoEnclaves = flow("two-enclaves", "Two enclaves, one EPC", description, {
  machine: { epcPages: EPC_PAGES },
  steps: [
    ...standardBuild({ enclave: "e0", heapPages: HEAP_PAGES }),
    eenter(TCS1, write(ENCL_BUFFER, MAGIC), {
      enclave: "e0",
      note: "e0 stores MAGIC in its buffer.",
      expect: OK_EEXIT,
    }),
    // e1's build runs with e0's pages filling most of the EPC: its pages may be reclaimed as
    // soon as they are added, so no per-page EPCM checks during this build.
    ...standardBuild({ enclave: "e1", heapPages: HEAP_PAGES, epcmChecks: false }),
    eenter(TCS1, write(ENCL_BUFFER, MAGIC2), {
      enclave: "e1",
      note: "e1 stores MAGIC2 in its own buffer (same offset, different enclave, different EPC page).",
      expect: OK_EEXIT,
    }),
    eenter(TCS1, read(ENCL_BUFFER), {
      enclave: "e0",
      note: "e0 reads its buffer: the pages it needs were evicted to make room for e1 and come back with ELDU. MAGIC.",
      expect: okValue(MAGIC),
    }),
    eenter(TCS1, read(ENCL_BUFFER), {
      enclave: "e1",
      note: "e1 reads its buffer: MAGIC2. Neither enclave can see the other's pages.",
      expect: okValue(MAGIC2),
    }),
  ],
});
