// Architectural constants of SGX (Intel SDM Vol. 3D; Linux arch/x86/include/asm/sgx.h).

export const PAGE_SIZE = 4096;

/**
 * `x % PAGE_SIZE` for the 4 KiB pages of linear addresses: the same value for every finite x,
 * without the floating-point remainder `%` needs above 2^31, where user addresses live (an
 * enclave entry checks a few per entry).
 */
export function pageOffset(x: number): number {
  return x - Math.trunc(x / PAGE_SIZE) * PAGE_SIZE;
}

// Page types, SECINFO.FLAGS bits and EPCM flag bits: ../vocabulary/epcm.ts.

/** SECS.ATTRIBUTES bits (asm/sgx.h). */
export const ATTR_INIT = 0x1;
export const ATTR_DEBUG = 0x2;
export const ATTR_MODE64BIT = 0x4;
export const ATTR_PROVISIONKEY = 0x10;
export const ATTR_EINITTOKENKEY = 0x20;
export const ATTR_KSS = 0x80;
/** Every ATTRIBUTES bit the model's CPU supports; the others are reserved (asm/sgx.h: SGX_ATTR_RESERVED_MASK). */
export const ATTR_KNOWN =
  ATTR_INIT | ATTR_DEBUG | ATTR_MODE64BIT | ATTR_PROVISIONKEY | ATTR_EINITTOKENKEY | ATTR_KSS;

/** SGX status codes returned in RAX (SDM "Error codes"; asm/sgx.h enum sgx_return_code). */
export const SGX_SUCCESS = 0;
export const SGX_INVALID_SIG_STRUCT = 1;
export const SGX_INVALID_ATTRIBUTE = 2;
export const SGX_BLKSTATE = 3;
export const SGX_INVALID_MEASUREMENT = 4;
export const SGX_NOTBLOCKABLE = 5;
export const SGX_PG_INVLD = 6;
export const SGX_EPC_PAGE_CONFLICT = 7;
export const SGX_INVALID_SIGNATURE = 8;
export const SGX_MAC_COMPARE_FAIL = 9;
export const SGX_PAGE_NOT_BLOCKED = 10;
export const SGX_NOT_TRACKED = 11;
export const SGX_VA_SLOT_OCCUPIED = 12;
export const SGX_CHILD_PRESENT = 13;
export const SGX_ENCLAVE_ACT = 14;
export const SGX_ENTRYEPOCH_LOCKED = 15;
export const SGX_INVALID_EINITTOKEN = 16;
export const SGX_PREV_TRK_INCMPL = 17;
export const SGX_PG_IS_SECS = 18;
export const SGX_PAGE_ATTRIBUTES_MISMATCH = 19;
export const SGX_PAGE_NOT_MODIFIABLE = 20;
export const SGX_UNMASKED_EVENT = 128;

const SGX_CODE_NAMES: Record<number, string> = {
  0: "SGX_SUCCESS",
  1: "SGX_INVALID_SIG_STRUCT",
  2: "SGX_INVALID_ATTRIBUTE",
  3: "SGX_BLKSTATE",
  4: "SGX_INVALID_MEASUREMENT",
  5: "SGX_NOTBLOCKABLE",
  6: "SGX_PG_INVLD",
  7: "SGX_EPC_PAGE_CONFLICT",
  8: "SGX_INVALID_SIGNATURE",
  9: "SGX_MAC_COMPARE_FAIL",
  10: "SGX_PAGE_NOT_BLOCKED",
  11: "SGX_NOT_TRACKED",
  12: "SGX_VA_SLOT_OCCUPIED",
  13: "SGX_CHILD_PRESENT",
  14: "SGX_ENCLAVE_ACT",
  15: "SGX_ENTRYEPOCH_LOCKED",
  16: "SGX_INVALID_EINITTOKEN",
  17: "SGX_PREV_TRK_INCMPL",
  18: "SGX_PG_IS_SECS",
  19: "SGX_PAGE_ATTRIBUTES_MISMATCH",
  20: "SGX_PAGE_NOT_MODIFIABLE",
  128: "SGX_UNMASKED_EVENT",
};

export function sgxCodeName(code: number): string {
  return SGX_CODE_NAMES[code] ?? `SGX_ERROR_${code}`;
}

/** Exception vectors. */
export const VEC_GP = 13;
export const VEC_PF = 14;

/** #PF error-code bits (SDM Vol. 3A §4.7; Linux X86_PF_*). */
export const PF_P = 0x1;
export const PF_W = 0x2;
export const PF_U = 0x4;
export const PF_I = 0x10;
export const PF_SGX = 0x8000;

/** VA page geometry (SDM: 512 8-byte slots; kernel SGX_VA_SLOT_COUNT). */
export const VA_SLOT_COUNT = 512;

/** TCS field byte offsets (SDM "Layout of Thread Control Structure"). */
export const TCS_STATE = 0;
export const TCS_FLAGS = 8;
export const TCS_OSSA = 16;
export const TCS_CSSA_NSSA = 24; // CSSA in bits 31:0, NSSA in bits 63:32 of this word
export const TCS_OENTRY = 32;
export const TCS_AEP = 40;
export const TCS_OFSBASE = 48;
export const TCS_OGSBASE = 56;
export const TCS_FSGSLIMIT = 64; // FSLIMIT bits 31:0, GSLIMIT bits 63:32
