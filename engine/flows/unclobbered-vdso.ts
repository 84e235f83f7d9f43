// Selftest `unclobbered_vdso` (selftests main.c: TEST_F(enclave, unclobbered_vdso)): a plain EENTER/EEXIT round trip.
// The selftest enters through `sgx_enter_enclave`, an assembly wrapper that saves the
// callee-saved registers around the vDSO call (main.c: ENCL_CALL(..., false)); the steps say
// so with `clobbered: false`. The model does not track registers, so the calls below are the
// same enclave entries the wrapper makes. The selftest checks ret 0,
// function == EEXIT and user_data == 0 (no user handler here); it does not check the
// exception fields.

import { read, write } from "./calls.ts";
import { ENCL_BUFFER, MAGIC, standardBuild, TCS1 } from "./standard-build.ts";
import { eenter, flow } from "./steps.ts";

const description =
  "Enter the enclave, store MAGIC in its buffer, enter again and read it back: the basic EENTER/EEXIT round trip.";

export const unclobberedVdso = flow(
  "unclobbered-vdso",
  "unclobbered_vdso: EENTER/EEXIT round trip",
  description,
  {
    steps: [
      ...standardBuild(),
      eenter(TCS1, write(ENCL_BUFFER, MAGIC), {
        clobbered: false,
        note: "Write MAGIC into encl_buffer (PUT_TO_BUFFER): enter on TCS#1 through the register-saving wrapper and copy it in.",
        expect: { ret: 0, run: { function: "EEXIT" } },
      }),
      eenter(TCS1, read(ENCL_BUFFER), {
        clobbered: false,
        note: "Read encl_buffer back (GET_FROM_BUFFER): enter again; the enclave's memory kept MAGIC between entries.",
        expect: { ret: 0, run: { function: "EEXIT" }, call: { value: MAGIC } },
      }),
    ],
  },
);
