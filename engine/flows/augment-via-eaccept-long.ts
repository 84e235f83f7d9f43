// `augment_via_eaccept_long` (kernel-selftests Appendix A; a patch-only selftest, not in
// mainline): the enclave gets `dynamic_size` of extra ELRANGE, maps it RWX and EACCEPTs every
// page of it, one enclave entry per page, each entry faulting the page in through EAUG. The
// posted test uses 0x200000 pages (8 GiB); the built-in flow uses a small default and
// `augmentViaEacceptLong(pages)` builds the same scenario for any N with the contract's
// `pages: N` repetition.

import { eaccept } from "./calls.ts";
import { EEXIT_Z, withEpcm } from "./expect.ts";
import { putGet } from "./patterns.ts";
import { MAGIC, standardBuild, TCS1, TOTAL_SIZE } from "./standard-build.ts";
import {
  type BuiltInFlow,
  eenter,
  hex,
  mmap,
  munmap,
  PAGE_SIZE,
  type RawScenario,
  scenario,
} from "./steps.ts";

/** The built-in flow's size: 512 pages (2 MiB) of dynamic memory. */
export const AUGMENT_LONG_DEFAULT_PAGES = 512;

/**
 * The scenario for N dynamically added pages. `epcPages` defaults to twice N (at least 128),
 * enough that the reclaimer never has to run (the benchmark uses N = 2^21 with 2^22 EPC pages).
 */
export function augmentViaEacceptLong(
  pages: number,
  epcPages: number = Math.max(128, 2 * pages),
): RawScenario {
  const length = pages * PAGE_SIZE;
  const last = TOTAL_SIZE + length - PAGE_SIZE;
  return scenario({
    title: `augment_via_eaccept_long: ${pages} EACCEPT-driven EAUGs`,
    description: `EACCEPT ${pages} pages that do not exist yet, one enclave entry each: every fault makes the kernel EAUG the page.`,
    machine: { epcPages },
    steps: [
      // setup_test_encl_dynamic: heap = 4096 and dynamic_size added before rounding the
      // enclave size up to a power of two (Appendix A step 2).
      ...standardBuild({ dynamicPages: pages }),
      mmap(TOTAL_SIZE, length, "PROT_READ|PROT_WRITE|PROT_EXEC", {
        note: `Map ${hex(length)} bytes past the heap read/write/execute; no EPC page backs them yet.`,
      }),
      eenter(TCS1, eaccept(TOTAL_SIZE, "R|W|REG|PENDING"), {
        pages,
        note: `EACCEPT(R|W|REG|PENDING) on each of the ${pages} pages, one entry per page: each EACCEPT faults, the kernel EAUGs the page, EACCEPT accepts it.`,
        // Every iteration: vector 0, error code 0, addr 0, ASSERT ret == 0, ASSERT EEXIT.
        expect: withEpcm(
          { ret: 0, run: EEXIT_Z, call: { ret: 0 }, repeated: pages },
          {
            [hex(TOTAL_SIZE)]: { valid: true, type: "REG", perms: "RW-", pending: false },
            [hex(last)]: { valid: true, type: "REG", perms: "RW-", pending: false },
          },
        ),
      }),
      ...putGet(
        TCS1,
        TOTAL_SIZE,
        MAGIC,
        "Write MAGIC to the first new page (PUT_TO_ADDRESS).",
        "Read it back (GET_FROM_ADDRESS): MAGIC comes back.",
      ),
      munmap(TOTAL_SIZE, length, { note: "munmap the dynamic range." }),
    ],
  });
}

const scenarioDefault = augmentViaEacceptLong(AUGMENT_LONG_DEFAULT_PAGES);

export const augmentViaEacceptLongFlow: BuiltInFlow = {
  id: "augment-via-eaccept-long",
  title: "augment_via_eaccept_long: many EACCEPT-driven EAUGs",
  description: scenarioDefault.description as string,
  scenario: scenarioDefault,
};
