// Selftest `augment` (selftests main.c: TEST_F(enclave, augment)): EAUG on a page fault. The enclave writes to
// an ELRANGE page that has no EPC page yet: the not-present #PF makes the kernel EAUG a
// PENDING page and map it (encl.c: sgx_vma_fault()), the retried write hits the PENDING page and
// faults with the SGX bit (0x8007), which the vDSO reports. TCS#2 then EACCEPTs the page and
// ERESUME on TCS#1 completes the write. This is the contract's own example.
// EPCM states: EAUG gives REG, RW-, PENDING (SDM: EAUG); EACCEPT clears PENDING
// (SDM: EACCEPT); SDM: EAUG, EACCEPT.

import { eaccept, read } from "./calls.ts";
import { OK_EEXIT, OK_LEAF, okValue, withEpcm } from "./expect.ts";
import { writeFaultsOnPending } from "./patterns.ts";
import { MAGIC, standardBuild, TCS1, TCS2, TOTAL_SIZE } from "./standard-build.ts";
import { eenter, eresume, flow, hex, mmap, munmap, PAGE_SIZE } from "./steps.ts";

const description =
  "Write to an enclave address with no EPC page: the kernel adds one with EAUG, the enclave accepts it with EACCEPT, the write completes.";

/** `addr` = base + total_size: the first free page of ELRANGE. */
const ADDR = TOTAL_SIZE;

export const augment = flow("augment", "augment: EAUG on a page fault", description, {
  steps: [
    ...standardBuild(),
    mmap(ADDR, PAGE_SIZE, "PROT_READ|PROT_WRITE|PROT_EXEC", {
      note: "Map one page past the heap (offset 0xc000) read/write/execute. Allowed: no enclave page exists there yet, so nothing limits the protection.",
    }),
    writeFaultsOnPending(
      TCS1,
      ADDR,
      MAGIC,
      "Write MAGIC to 0xc000 (PUT_TO_ADDRESS). The PTE is missing, so the kernel EAUGs a fresh page (REG, RW, PENDING) and maps it; the retried write hits a PENDING page and faults in the EPCM (0x8007).",
    ),
    eenter(TCS2, eaccept(ADDR, "R|W|REG|PENDING"), {
      note: "EACCEPT(R|W|REG|PENDING) from TCS#2 (TCS#1 is waiting in its AEX): the enclave accepts the new page; PENDING clears.",
      expect: withEpcm(OK_LEAF, {
        [hex(ADDR)]: { type: "REG", perms: "RW-", pending: false, modified: false, pr: false },
      }),
    }),
    eresume(TCS1, {
      note: "ERESUME on TCS#1: the write runs again and now succeeds.",
      expect: OK_EEXIT,
    }),
    eenter(TCS1, read(ADDR), {
      note: "Read 0xc000 back (GET_FROM_ADDRESS): the new page holds MAGIC.",
      expect: okValue(MAGIC),
    }),
    munmap(ADDR, PAGE_SIZE, { note: "munmap the extra page." }),
  ],
});
