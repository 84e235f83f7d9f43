// Provenance of fault events (docs/scenario-format.md, Provenance of events): which #PF error
// codes real hardware was seen to report, and which ones the model infers.

import { PF_I, PF_SGX, VEC_PF } from "./constants.ts";
import type { Provenance } from "./events.ts";

/** The engine/MODEL.md entries that explain the model's inferences. */
export const MODEL_REF = {
  enclsFault: "engine/MODEL.md: EPCM faults raised by ENCLS leaves",
  encluEpcmFault: "engine/MODEL.md: EPCM faults raised by ENCLU leaves on their operands",
  encluPagingFault: "engine/MODEL.md: Page faults on ENCLU operands",
  fetch: "engine/MODEL.md: Instruction fetches",
  repeated: "engine/MODEL.md: Repeated entries",
} as const;

/**
 * #PF error codes the kernel selftests (tools/testing/selftests/sgx/main.c) assert in
 * run.exception_error_code after an access by enclave code: values observed on real hardware.
 */
export const HARDWARE_PF_CODES: ReadonlyMap<number, string> = new Map([
  [0x7, "selftests/sgx/main.c: TEST_F(enclave, pte_permissions) asserts exception_error_code 0x7"],
  [
    0x8005,
    "selftests/sgx/main.c: TEST_F(enclave, remove_added_page_invalid_access) asserts exception_error_code 0x8005",
  ],
  [
    0x8007,
    "selftests/sgx/main.c: TEST_F(enclave, epcm_permissions) and augment assert exception_error_code 0x8007",
  ],
]);

/**
 * A fault taken by enclave code's own access (data access or instruction fetch): a code the
 * selftests assert is hardware-observed; an instruction-fetch code is the model's inference (the
 * selftests never fault on a fetch); any other #PF code follows from the bit definitions of SDM
 * Vol. 3A §4.7, and #GP(0) from the SDM.
 */
export function enclaveFaultBasis(vector: number, code: number): Provenance {
  if (vector !== VEC_PF) return { basis: "sdm" };
  const hw = HARDWARE_PF_CODES.get(code);
  if (hw) return { basis: "hardware", basis_ref: hw };
  if (code & PF_I) return { basis: "model", basis_ref: MODEL_REF.fetch };
  if (code & PF_SGX) return { basis: "model", basis_ref: MODEL_REF.encluEpcmFault };
  return { basis: "sdm" };
}

/**
 * A fault raised by an ENCLS/ENCLU leaf on its own operand. The SDM leaf pages say "#PF" but not
 * the error code, and no selftest asserts one: the code is the model's inference.
 */
export function leafFaultBasis(encls: boolean, vector: number, code: number): Provenance {
  if (vector !== VEC_PF) return { basis: "sdm" };
  if (encls) return { basis: "model", basis_ref: MODEL_REF.enclsFault };
  return { basis: "model", basis_ref: code & PF_SGX ? MODEL_REF.encluEpcmFault : MODEL_REF.encluPagingFault };
}
