// What user space hands the driver, as the model reads it: the ioctl arguments of
// arch/x86/include/uapi/asm/sgx.h (struct sgx_enclave_create, _add_pages, _init,
// _restrict_permissions, _modify_types, _remove_pages; SIGSTRUCT fields for INIT), and the
// operations the selftests' test enclave runs when entered (tools/testing/selftests/sgx/
// test_encl.c: encl_op_*). Numbers are already numbers and flag words bit masks.

export interface CreateArg {
  size: number;
  ssa_frame_size: number; // default 1
  attributes: number; // default MODE64BIT (0x4)
  xfrm: number; // default 3
  /** Absent: the runner picks the default base (see run.ts). */
  base?: number;
  miscselect: number; // default 0
}

export interface TcsImage {
  ossa: number;
  nssa: number;
  oentry: number;
}

/**
 * A uapi `__u64` offset or length: a number up to 2^53 - 1, a bigint above (only values that
 * wrap or fail validation; docs/scenario-format.md, Kernel versions and what-ifs).
 */
export type U64 = number | bigint;

export interface AddPagesArg {
  offset: U64;
  length: U64;
  /** SECINFO.FLAGS word. */
  secinfo: number;
  /** SGX_PAGE_MEASURE (1) or 0. */
  flags: number;
  /** Source address alignment: the kernel refuses an unaligned src with EINVAL. Default 0 (aligned). */
  src: number;
  /** One TCS image per TCS page (offsets from base). Missing entries: ossa/nssa/oentry 0. */
  tcs?: TcsImage[];
  /** Initial 8-byte words, keyed by byte offset within the added range (multiple of 8). */
  data?: Array<[number, bigint]>;
}

export interface InitArg {
  /** SIGSTRUCT header vendor: 0 or 0x8086, anything else → EINVAL. Default 0. */
  vendor: number;
  /** Default: the enclave's own attributes. */
  attributes?: number;
  attributes_mask: number; // default 0 (as the selftests' sigstruct)
  xfrm?: number;
  xfrm_mask: number; // default 0
  miscselect: number; // default 0
  misc_mask: number; // default 0
  /** "match" (default) or a hex MRENCLAVE that differs from the enclave's: EINIT gives SGX_INVALID_MEASUREMENT. */
  enclavehash: "match" | string;
}

export interface RestrictPermissionsArg {
  offset: U64;
  length: U64;
  permissions: number;
  result: number;
  count: number;
}

export interface ModifyTypesArg {
  offset: U64;
  length: U64;
  page_type: number;
  result: number;
  count: number;
}

export interface RemovePagesArg {
  offset: U64;
  length: U64;
  count: number;
}

export type EnclaveCall =
  | { call: "write"; addr: number; value: bigint }
  | { call: "read"; addr: number }
  | { call: "exec"; addr: number }
  | { call: "nop" }
  | { call: "EACCEPT"; addr: number; secinfo: number }
  | { call: "EACCEPTCOPY"; addr: number; src: number; secinfo: number }
  | { call: "EMODPE"; addr: number; secinfo: number }
  | { call: "init_tcs"; addr: number; ssa: number; entry: number };
