// EMODPE on its own (not a selftest): the enclave extends EPCM permissions without the
// kernel (SDM: EMODPE: RWX |= mask, no ETRACK, no EACCEPT; PR is neither
// checked nor changed). Part 1: restrict data_start to R (EMODPR via the ioctl), accept it,
// then EMODPE R|W brings W back: writes work again without any fault. Part 2, on the heap
// page: EMODPE before accepting a restriction leaves PR set, and the EACCEPT must then name
// the current permissions (EACCEPT compares RWX with the EPCM: mismatch → 19, PR itself is not
// compared; SDM: EACCEPT).

import { eaccept, emodpe, read, write } from "./calls.ts";
import { EEXIT_Z, OK_EEXIT, OK_LEAF, okValue, succeeds, withEpcm } from "./expect.ts";
import { DATA_START, HEAP, MAGIC, MAGIC2, standardBuild, TCS1 } from "./standard-build.ts";
import { eenter, flow, hex, ioctl, PAGE_SIZE } from "./steps.ts";

const description =
  "Restrict a page to read-only, then let the enclave give W back by itself with EMODPE: no kernel call, no EACCEPT needed.";

const data = hex(DATA_START);
const heap = hex(HEAP);

function restrictToR(offset: number, note: string) {
  return ioctl(
    "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
    { offset: hex(offset), length: hex(PAGE_SIZE), permissions: "R" },
    {
      note,
      expect: withEpcm(succeeds({ result: "0x0", count: hex(PAGE_SIZE) }), {
        [hex(offset)]: { type: "REG", perms: "R--", pr: true, pending: false, modified: false },
      }),
    },
  );
}

export const emodpeFlow = flow("emodpe", "EMODPE: the enclave extends its own permissions", description, {
  steps: [
    ...standardBuild(),
    eenter(TCS1, write(DATA_START, MAGIC), {
      note: "Write MAGIC to data_start (0x5000) while it is RW.",
      expect: OK_EEXIT,
    }),
    restrictToR(
      DATA_START,
      "RESTRICT_PERMISSIONS data_start → R: EMODPR clears W and sets PR; ETRACK follows.",
    ),
    eenter(TCS1, eaccept(DATA_START, "R|REG|PR"), {
      note: "EACCEPT(R|REG|PR): the enclave accepts the restriction; PR clears.",
      expect: withEpcm(OK_LEAF, { [data]: { type: "REG", perms: "R--", pr: false } }),
    }),
    eenter(TCS1, emodpe(DATA_START, "R|W"), {
      note: "EMODPE(R|W): the enclave ORs W back into the EPCM permissions. No kernel call, no ETRACK, no EACCEPT; PR is left alone.",
      expect: withEpcm(OK_EEXIT, {
        [data]: { type: "REG", perms: "RW-", pr: false, pending: false, modified: false },
      }),
    }),
    eenter(TCS1, write(DATA_START, MAGIC2), {
      note: "Write MAGIC2: allowed again (EPCM RW, PTE RW), no fault.",
      expect: OK_EEXIT,
    }),
    eenter(TCS1, read(DATA_START), {
      note: "Read it back: MAGIC2.",
      expect: okValue(MAGIC2),
    }),
    restrictToR(HEAP, "RESTRICT_PERMISSIONS on the heap page (0xb000) → R: W cleared, PR set."),
    eenter(TCS1, emodpe(HEAP, "R|W"), {
      note: "EMODPE(R|W) before accepting: W is back at once, and PR stays set (EMODPE neither checks nor changes PR).",
      expect: withEpcm(OK_EEXIT, { [heap]: { type: "REG", perms: "RW-", pr: true } }),
    }),
    eenter(TCS1, eaccept(HEAP, "R|REG|PR"), {
      note: "EACCEPT(R|REG|PR) now fails with SGX_PAGE_ATTRIBUTES_MISMATCH (19): EACCEPT compares the permissions with the EPCM, which says RW- now.",
      expect: withEpcm(
        { ret: 0, run: EEXIT_Z, call: { ret: 19, ret_name: "SGX_PAGE_ATTRIBUTES_MISMATCH" } },
        { [heap]: { type: "REG", perms: "RW-", pr: true } },
      ),
    }),
    eenter(TCS1, eaccept(HEAP, "R|W|REG|PR"), {
      note: "EACCEPT(R|W|REG|PR) names the current permissions: accepted, PR clears.",
      expect: withEpcm(OK_LEAF, { [heap]: { type: "REG", perms: "RW-", pr: false } }),
    }),
  ],
});
