// What a step must return (docs/scenario-format.md, Expectations), as the selftests check it.

import { hex } from "../vocabulary/hex.ts";
import type { RawExpect } from "./steps.ts";

/**
 * `run` after a clean EEXIT with no exception reported: the selftests' EXPECT_EEXIT
 * (function == EEXIT) plus "Z" (exception_vector, _error_code and _addr all 0).
 * selftests main.c.
 */
export const EEXIT_Z = {
  function: "EEXIT",
  exception_vector: 0,
  exception_error_code: "0x0",
  exception_addr: "0x0",
} as const;

/**
 * `run` after a #PF that the kernel did not fix: the enclave left by AEX, the vDSO stored
 * function = ERESUME (RAX after an AEX), vector 14, the hardware error code and CR2, and
 * returned 0 (vsgx.S: __vdso_sgx_enter_enclave). The address is checked as an enclave offset.
 */
export function pageFault(errorCode: string, offset: number): RawExpect {
  return {
    function: "ERESUME",
    exception_vector: 14,
    exception_error_code: errorCode,
    exception_offset: hex(offset),
  };
}

/** R0 + EEXIT + Z: the vDSO returned 0 after a clean EEXIT. */
export const OK_EEXIT: RawExpect = { ret: 0, run: EEXIT_Z };

/** R0 + EEXIT + Z + the value a GET_FROM_* op read. */
export function okValue(value: string): RawExpect {
  return { ret: 0, run: EEXIT_Z, call: { value } };
}

/** The EPCM entry of an ordinary, accepted read/write page. */
export const REG_RW = {
  valid: true,
  type: "REG",
  perms: "RW-",
  pending: false,
  modified: false,
  pr: false,
} as const;

/** R0 + EEXIT + Z + RET0: an ENCLU leaf (EACCEPT, EACCEPTCOPY) returned 0 in RAX. */
export const OK_LEAF: RawExpect = { ret: 0, run: EEXIT_Z, call: { ret: 0 } };

/** R0 + a #PF reported through the vDSO after an AEX. */
export function faulted(errorCode: string, offset: number): RawExpect {
  return { ret: 0, run: pageFault(errorCode, offset) };
}

/** An ioctl that succeeded, with the output fields the kernel wrote back. */
export function succeeds(arg?: Record<string, string>): RawExpect {
  return arg === undefined ? { ret: 0 } : { ret: 0, arg };
}

/** An ioctl that failed with `errno`, with the output fields the kernel wrote back. */
export function fails(errno: string, arg?: Record<string, string>): RawExpect {
  return arg === undefined ? { ret: -1, errno } : { ret: -1, errno, arg };
}

/** EPCM entries (partial) keyed by enclave offset, checked after a step. */
export type EpcmExpect = Record<string, Record<string, unknown>>;

/** Merge an `epcm` check into an expectation. */
export function withEpcm(expect: RawExpect, epcm: EpcmExpect): RawExpect {
  return { ...expect, epcm };
}

/** The EPCM entry EAUG leaves: REG, RW-, PENDING (SDM: EAUG). */
export const EAUG_PENDING = {
  valid: true,
  type: "REG",
  perms: "RW-",
  pending: true,
  modified: false,
  pr: false,
};
