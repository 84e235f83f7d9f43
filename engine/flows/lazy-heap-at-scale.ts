// Real size (not a selftest): what EDMM is for. A runtime reserves a 64 GiB ELRANGE (2^24
// pages), maps all of it, and commits memory on demand: each first touch is an EACCEPT that
// faults, and the kernel EAUGs the page (encl.c: sgx_vma_fault() → sgx_encl_eaug_page()), as
// Intel's sgx-emm does for SGX_EMA_COMMIT_ON_DEMAND and the selftest augment_via_eaccept_long
// does one entry per page. 65,536 pages (256 MiB) are committed on a 32,768-page (128 MiB) EPC,
// so the EPC fills half way through and the reclaimer (ksgxd, main.c: sgx_reclaim_pages())
// evicts the oldest pages with EWB to make room. Reading the first page back faults and the
// kernel loads it with ELDU. One page far out in the range (at 60 GiB) is committed too: memory
// follows the pages in use, not the size of the range.

import { eaccept, read, write } from "./calls.ts";
import { EEXIT_Z, OK_EEXIT, OK_LEAF, okValue, withEpcm } from "./expect.ts";
import { MAGIC, standardBuild, TCS1, TOTAL_SIZE } from "./standard-build.ts";
import { type BuiltInFlow, eenter, flow, hex, mmap, PAGE_SIZE } from "./steps.ts";

/** The ELRANGE: 2^24 pages (64 GiB), the build's own pages included. */
const RANGE_PAGES = 2 ** 24;
/** The dynamic part: everything past the standard build's pages. */
const DYNAMIC_PAGES = RANGE_PAGES - TOTAL_SIZE / PAGE_SIZE;
/** Committed on demand at the start of the dynamic range: 256 MiB. */
const COMMITTED = 65_536;
/** The EPC: 128 MiB, half of what the enclave commits. */
const EPC_PAGES = 32_768;
/** A page far out in the range. */
const FAR = 60 * 2 ** 30;

export const lazyHeapAtScale: BuiltInFlow = flow(
  "lazy-heap-at-scale",
  "At scale: a 64 GiB enclave commits 256 MiB on demand in a 128 MiB EPC",
  "A runtime reserves 64 GiB of ELRANGE and commits 65,536 pages on demand, each by an EACCEPT whose fault makes the kernel EAUG the page. The EPC holds only 32,768 pages, so the reclaimer evicts the oldest with EWB; reading the first page back loads it with ELDU. The enclave view starts on the whole 64 GiB range, where the heap is the thin band at the top: zoom in there to reach single pages.",
  {
    machine: { epcPages: EPC_PAGES },
    steps: [
      ...standardBuild({ dynamicPages: DYNAMIC_PAGES, epcmChecks: false }),
      mmap(TOTAL_SIZE, DYNAMIC_PAGES * PAGE_SIZE, "PROT_READ|PROT_WRITE", {
        note: "The runtime maps the whole dynamic range (almost 64 GiB) read/write. No EPC page backs any of it yet.",
      }),
      eenter(TCS1, eaccept(TOTAL_SIZE, "R|W|REG|PENDING"), {
        pages: COMMITTED,
        note: "The heap grows: 65,536 first touches, each an EACCEPT(R|W|REG|PENDING) that faults; the kernel EAUGs the page and the EACCEPT runs again. Half way through the EPC is full and the reclaimer evicts the oldest pages (EBLOCK, ETRACK, EWB) to make room.",
        expect: withEpcm(
          { ret: 0, run: EEXIT_Z, call: { ret: 0 }, repeated: COMMITTED },
          {
            [hex(TOTAL_SIZE + (COMMITTED - 1) * PAGE_SIZE)]: {
              valid: true,
              type: "REG",
              perms: "RW-",
              pending: false,
            },
          },
        ),
      }),
      eenter(TCS1, eaccept(FAR, "R|W|REG|PENDING"), {
        note: "A page at 60 GiB: the same fault, EAUG and EACCEPT. Nothing between it and the heap costs anything.",
        expect: withEpcm(OK_LEAF, { [hex(FAR)]: { valid: true, type: "REG", perms: "RW-", pending: false } }),
      }),
      eenter(TCS1, write(FAR, MAGIC), {
        note: "Write MAGIC to the far page.",
        expect: OK_EEXIT,
      }),
      eenter(TCS1, read(TOTAL_SIZE), {
        note: "Read the heap's first page: it was evicted long ago, so the access faults and the kernel loads it back with ELDU (evicting another page to make room); the read gets the zeros EAUG gave it.",
        expect: withEpcm(okValue("0x0"), { [hex(TOTAL_SIZE)]: { valid: true, type: "REG", pending: false } }),
      }),
    ],
  },
);
