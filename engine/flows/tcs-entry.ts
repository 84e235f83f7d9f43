// Selftest `tcs_entry` (selftests main.c: TEST_F(enclave, tcs_entry)): both TCSs of the test enclave can be
// entered. Each NOP entry must give R0, EEXIT and Z (no exception reported).

import { nop } from "./calls.ts";
import { OK_EEXIT } from "./expect.ts";
import { standardBuild, TCS1, TCS2 } from "./standard-build.ts";
import { eenter, flow } from "./steps.ts";

const description =
  "Enter the enclave once through each of its two TCS pages: a TCS is the entry point a thread needs.";

export const tcsEntry = flow("tcs-entry", "tcs_entry: both TCSs can be entered", description, {
  steps: [
    ...standardBuild(),
    eenter(TCS1, nop(), {
      note: "NOP via TCS#1 (run.tcs = base): EENTER checks the TCS page in the EPCM, the enclave does nothing, EEXIT.",
      expect: OK_EEXIT,
    }),
    eenter(TCS2, nop(), {
      note: "NOP via TCS#2 (run.tcs = base + 0x1000): a second thread slot with its own SSA and stack.",
      expect: OK_EEXIT,
    }),
  ],
});
