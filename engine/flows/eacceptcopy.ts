// EACCEPTCOPY (not a selftest): initialize a freshly EAUGed page by copying an existing
// enclave page into it and give it its final permissions in the same instruction, here
// R|X, so the page is executable without ever having been writable (SDM: EACCEPTCOPY,
// SDM: EAUG, EACCEPT). Conditions from SDM: EACCEPTCOPY: the destination must still be exactly as EAUG left it (REG,
// RW-, PENDING, not MODIFIED); the source must be a valid, readable REG page that is not
// PENDING/MODIFIED (the code page at 0x2000 is R-X); SECINFO must be REG without W-only.
// Afterwards the EPCM says R-X, not pending: fetches work (SDM: access-control requirements), writes fault with the SGX
// bit, 0x8007 (SDM: access-control requirements; the selftests see the same code).

import { eacceptcopy, exec, write } from "./calls.ts";
import { faulted, OK_EEXIT, OK_LEAF, withEpcm } from "./expect.ts";
import { MAGIC, standardBuild, TCS1, TCS2, TEXT, TOTAL_SIZE } from "./standard-build.ts";
import { eenter, eresume, flow, hex, mmap, PAGE_SIZE } from "./steps.ts";

const description =
  "Fill a new EAUG'd page by copying a code page with EACCEPTCOPY: it becomes executable and read-only, without ever being writable.";

const ADDR = TOTAL_SIZE;

export const eacceptcopyFlow = flow("eacceptcopy", "EACCEPTCOPY: a new code page in one step", description, {
  steps: [
    ...standardBuild(),
    mmap(ADDR, PAGE_SIZE, "PROT_READ|PROT_WRITE|PROT_EXEC", {
      note: "Map one page past the heap (offset 0xc000) read/write/execute; no EPC page backs it yet.",
    }),
    eenter(TCS1, write(ADDR, MAGIC), {
      note: "Write to 0xc000 from TCS#1: the kernel EAUGs a PENDING page on the fault, and the retried write faults in the EPCM (0x8007). TCS#1 now waits in its AEX.",
      expect: withEpcm(faulted("0x8007", ADDR), {
        [hex(ADDR)]: { valid: true, type: "REG", perms: "RW-", pending: true, modified: false, pr: false },
      }),
    }),
    eenter(TCS2, eacceptcopy(ADDR, TEXT, "R|X|REG"), {
      note: "EACCEPTCOPY from TCS#2: copy the code page at 0x2000 into the pending page and set its permissions to R-X in one step. PENDING clears.",
      expect: withEpcm(OK_LEAF, {
        [hex(ADDR)]: { valid: true, type: "REG", perms: "R-X", pending: false, modified: false, pr: false },
      }),
    }),
    eenter(TCS2, exec(ADDR), {
      note: "Fetch an instruction from 0xc000 on TCS#2: the EPCM now allows execution (and the mapping is RWX).",
      expect: OK_EEXIT,
    }),
    eresume(TCS1, {
      note: "ERESUME TCS#1: its interrupted write runs again, but the page is R-X in the EPCM now, so it faults with the SGX bit (0x8007).",
      expect: withEpcm(faulted("0x8007", ADDR), {
        [hex(ADDR)]: { type: "REG", perms: "R-X", pending: false },
      }),
    }),
  ],
});
