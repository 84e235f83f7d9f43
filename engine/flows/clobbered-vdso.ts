// Selftest `clobbered_vdso` (selftests main.c: TEST_F(enclave, clobbered_vdso)): the same round trip as
// `unclobbered_vdso`, but both calls go straight to `__vdso_sgx_enter_enclave` from C
// (the enclave may clobber callee-saved registers; the model does not track registers).
// Asserted: ret 0, function == EEXIT, user_data == 0, value == MAGIC.

import { read, write } from "./calls.ts";
import { ENCL_BUFFER, MAGIC, standardBuild, TCS1 } from "./standard-build.ts";
import { eenter, flow } from "./steps.ts";

const description =
  "The same MAGIC round trip, calling the vDSO's __vdso_sgx_enter_enclave directly instead of through the wrapper.";

export const clobberedVdso = flow("clobbered-vdso", "clobbered_vdso: direct vDSO call", description, {
  steps: [
    ...standardBuild(),
    eenter(TCS1, write(ENCL_BUFFER, MAGIC), {
      note: "Copy MAGIC into encl_buffer through the direct vDSO call (PUT_TO_BUFFER): EENTER on TCS#1, the copy, EEXIT.",
      expect: { ret: 0, run: { function: "EEXIT" } },
    }),
    eenter(TCS1, read(ENCL_BUFFER), {
      note: "Read encl_buffer back through the direct vDSO call (GET_FROM_BUFFER): MAGIC comes back.",
      expect: { ret: 0, run: { function: "EEXIT" }, call: { value: MAGIC } },
    }),
  ],
});
