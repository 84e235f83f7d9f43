// Selftest `epcm_permissions` (selftests main.c: TEST_F(enclave, epcm_permissions)): restrict a data page to R with
// EMODPR (RESTRICT_PERMISSIONS), accept the restriction inside the enclave, watch a write
// fault in the EPCM (0x8007, SGX bit set) although the PTE is still RW, then extend the
// permissions again with EMODPE from the second TCS and ERESUME the faulted thread on TCS#1.
// EPCM states: SDM: EMODPR (EMODPR: RWX &= mask, PR = 1), SDM: EACCEPT (EACCEPT clears
// PR), SDM: EMODPE (EMODPE: RWX |= mask, PR unchanged), SDM: EMODPR, ETRACK, EACCEPT, EMODPE.

import { eaccept, emodpe, read, write } from "./calls.ts";
import { faulted, OK_EEXIT, OK_LEAF, okValue, succeeds, withEpcm } from "./expect.ts";
import { putGet } from "./patterns.ts";
import { sgx2ProbeRestrict } from "./probes.ts";
import { DATA_START, MAGIC, MAGIC2, standardBuild, TCS1, TCS2 } from "./standard-build.ts";
import { eenter, eresume, flow, hex, ioctl, PAGE_SIZE } from "./steps.ts";

const description =
  "Restrict a data page to read-only in the EPCM, accept it, fault on a write (0x8007), then extend it back with EMODPE and resume.";

const page = hex(DATA_START);

export const epcmPermissions = flow(
  "epcm-permissions",
  "epcm_permissions: EMODPR, EACCEPT, EMODPE",
  description,
  {
    steps: [
      ...standardBuild(),
      sgx2ProbeRestrict(),
      ...putGet(
        TCS1,
        DATA_START,
        MAGIC,
        "Write MAGIC to data_start (0x5000) while it is still RW (PUT_TO_ADDRESS).",
        "Read it back (GET_FROM_ADDRESS).",
      ),
      ioctl(
        "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
        { offset: page, length: hex(PAGE_SIZE), permissions: "R" },
        {
          note: "Restrict data_start to R: the kernel runs EMODPR (EPCM W cleared, PR set) then ETRACK. The VMA and PTE stay RW.",
          expect: withEpcm(succeeds({ result: "0x0", count: hex(PAGE_SIZE) }), {
            [page]: { type: "REG", perms: "R--", pr: true, pending: false, modified: false },
          }),
        },
      ),
      eenter(TCS1, eaccept(DATA_START, "R|REG|PR"), {
        note: "EACCEPT(R|REG|PR) inside the enclave: the enclave agrees to the restriction and the PR bit clears.",
        expect: withEpcm(OK_LEAF, { [page]: { type: "REG", perms: "R--", pr: false } }),
      }),
      eenter(TCS1, write(DATA_START, MAGIC2), {
        note: "Write MAGIC2 to it (PUT_TO_ADDRESS): the PTE allows the write but the EPCM does not, so the #PF carries the SGX bit (0x8007). TCS#1 is now in an AEX (its SSA frame is in use).",
        expect: faulted("0x8007", DATA_START),
      }),
      eenter(TCS2, emodpe(DATA_START, "R|W"), {
        note: "EMODPE(R|W) from TCS#2 (TCS#1 cannot be entered until it resumes): the enclave extends the EPCM permissions itself, no kernel involved.",
        // EMODPE has no RAX output (selftests defines.h: enum encl_op_type): only the clean EEXIT is checked.
        expect: withEpcm(OK_EEXIT, { [page]: { type: "REG", perms: "RW-", pr: false } }),
      }),
      eresume(TCS1, {
        note: "ERESUME on TCS#1: the interrupted write runs again and succeeds.",
        expect: OK_EEXIT,
      }),
      eenter(TCS1, read(DATA_START), {
        note: "Read it back (GET_FROM_ADDRESS): MAGIC2 is there.",
        expect: okValue(MAGIC2),
      }),
    ],
  },
);
