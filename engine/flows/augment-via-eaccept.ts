// Selftest `augment_via_eaccept` (selftests main.c: TEST_F(enclave, augment_via_eaccept)): the enclave runs EACCEPT first on
// an ELRANGE page that has no EPC page. EACCEPT's own access faults (not present), the
// kernel EAUGs and maps the page, EACCEPT runs again and succeeds: the whole #PF → EAUG →
// EACCEPT sequence is invisible to the caller (encl.c: sgx_vma_fault(); SDM: EAUG, EACCEPT).

import { eaccept } from "./calls.ts";
import { OK_LEAF, withEpcm } from "./expect.ts";
import { putGet } from "./patterns.ts";
import { MAGIC, standardBuild, TCS1, TOTAL_SIZE } from "./standard-build.ts";
import { eenter, flow, hex, mmap, munmap, PAGE_SIZE } from "./steps.ts";

const description =
  "EACCEPT a page that does not exist yet: its fault makes the kernel EAUG the page and the EACCEPT then succeeds, unseen by the caller.";

const ADDR = TOTAL_SIZE;

export const augmentViaEaccept = flow(
  "augment-via-eaccept",
  "augment_via_eaccept: EACCEPT-driven EAUG",
  description,
  {
    steps: [
      ...standardBuild(),
      mmap(ADDR, PAGE_SIZE, "PROT_READ|PROT_WRITE|PROT_EXEC", {
        note: "Map one page past the heap (offset 0xc000) read/write/execute; no EPC page backs it yet.",
      }),
      eenter(TCS1, eaccept(ADDR, "R|W|REG|PENDING"), {
        note: "EACCEPT(R|W|REG|PENDING) on 0xc000: its access faults (no PTE), the kernel EAUGs and maps a PENDING page, EACCEPT re-executes and accepts it. The caller sees a clean EEXIT.",
        expect: withEpcm(OK_LEAF, {
          [hex(ADDR)]: { valid: true, type: "REG", perms: "RW-", pending: false, modified: false, pr: false },
        }),
      }),
      ...putGet(
        TCS1,
        ADDR,
        MAGIC,
        "Write MAGIC to it (PUT_TO_ADDRESS): the accepted page is an ordinary RW page.",
        "Read it back (GET_FROM_ADDRESS): MAGIC comes back.",
      ),
      munmap(ADDR, PAGE_SIZE, { note: "munmap the extra page." }),
    ],
  },
);
