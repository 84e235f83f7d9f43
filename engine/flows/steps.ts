import { hex } from "../vocabulary/hex.ts";
// Small builders for raw scenario JSON (the user-facing "epcm-scenario/1" format of the
// contract, not the normalized types): every op and field carries its uapi / SDM / syscall
// name, numbers are written as lowercase hex strings. The built-in flows are written with
// these so that each step reads like the selftest line it translates.

export type RawStep = Record<string, unknown>;
export type RawScenario = Record<string, unknown>;
export type RawExpect = Record<string, unknown>;

export const SCENARIO_FORMAT = "epcm-scenario/1";
export const PAGE_SIZE = 0x1000;

/** Lowercase hex string, as the contract writes addresses, offsets, lengths and counts. */
export { hex } from "../vocabulary/hex.ts";

/** Optional fields every step may carry (docs/scenario-format.md, Scenario: "Every step may carry ..."). */
export interface StepExtras {
  enclave?: string;
  note?: string;
  expect?: RawExpect;
}

function finish(step: RawStep, extras: StepExtras): RawStep {
  if (extras.enclave !== undefined) step.enclave = extras.enclave;
  if (extras.note !== undefined) step.note = extras.note;
  if (extras.expect !== undefined) step.expect = extras.expect;
  return step;
}

// --- Driver calls (user space → kernel) ---------------------------------------------------

export function ioctl(cmd: string, arg: Record<string, unknown>, extras: StepExtras = {}): RawStep {
  return finish({ op: "ioctl", cmd, arg }, extras);
}

export function mmap(
  offset: number,
  length: number,
  prot: string,
  extras: StepExtras & { flags?: string } = {},
): RawStep {
  const step: RawStep = { op: "mmap", offset: hex(offset), length: hex(length), prot };
  if (extras.flags !== undefined) step.flags = extras.flags;
  return finish(step, extras);
}

export function mprotect(offset: number, length: number, prot: string, extras: StepExtras = {}): RawStep {
  return finish({ op: "mprotect", offset: hex(offset), length: hex(length), prot }, extras);
}

export function munmap(offset: number, length: number, extras: StepExtras = {}): RawStep {
  return finish({ op: "munmap", offset: hex(offset), length: hex(length) }, extras);
}

export function reclaim(pages: number, extras: StepExtras = {}): RawStep {
  return finish({ op: "reclaim", pages }, extras);
}

// --- Enclave calls (through the vDSO) ------------------------------------------------------

/** The enclave operation to run after EENTER (the selftest enclave's `encl_op_*`). */
export type Call = Record<string, unknown> & { call: string };

/** EENTER on `tcs`, run `call`, EEXIT. `pages: N` repeats the call on N consecutive pages. */
export function eenter(
  tcs: number,
  call: Call,
  extras: StepExtras & { pages?: number; clobbered?: boolean } = {},
): RawStep {
  const step: RawStep = { op: "EENTER", tcs: hex(tcs), ...call };
  if (extras.pages !== undefined) step.pages = extras.pages;
  // main.c's ENCL_CALL(op, run, clobbered): false = through call.S's sgx_enter_enclave().
  if (extras.clobbered !== undefined) step.clobbered = extras.clobbered;
  return finish(step, extras);
}

/** ERESUME the thread that an AEX interrupted on `tcs`: the faulting instruction runs again. */
export function eresume(tcs: number, extras: StepExtras = {}): RawStep {
  return finish({ op: "ERESUME", tcs: hex(tcs) }, extras);
}

// ENCL_OP_* of the selftest enclave (selftests defines.h: enum encl_op_type), as contract calls.
export const write = (addr: number, value: string): Call => ({ call: "write", addr: hex(addr), value });
export const read = (addr: number): Call => ({ call: "read", addr: hex(addr) });
export const exec = (addr: number): Call => ({ call: "exec", addr: hex(addr) });
export const nop = (): Call => ({ call: "nop" });
export const eaccept = (addr: number, secinfo: string): Call => ({
  call: "EACCEPT",
  addr: hex(addr),
  secinfo,
});
export const emodpe = (addr: number, secinfo: string): Call => ({ call: "EMODPE", addr: hex(addr), secinfo });
export const eacceptcopy = (addr: number, src: number, secinfo: string): Call => ({
  call: "EACCEPTCOPY",
  addr: hex(addr),
  src: hex(src),
  secinfo,
});
export const initTcs = (addr: number, ssa: number, entry: number): Call => ({
  call: "init_tcs",
  addr: hex(addr),
  ssa: hex(ssa),
  entry: hex(entry),
});

// --- Expectations ----------------------------------------------------------------------------

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

/** R0 + EEXIT + Z + RET0: an ENCLU leaf (EACCEPT, EACCEPTCOPY) returned 0 in RAX. */
/** PUT_TO_ADDRESS `value` at `addr`, then GET_FROM_ADDRESS: both end in a clean EEXIT, the read returns `value`. */
export function putGet(
  tcs: number,
  addr: number,
  value: string,
  putNote: string,
  getNote: string,
): RawStep[] {
  return [
    eenter(tcs, write(addr, value), { note: putNote, expect: OK_EEXIT }),
    eenter(tcs, read(addr), { note: getNote, expect: okValue(value) }),
  ];
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

// --- Scenario ------------------------------------------------------------------------------

export interface ScenarioOptions {
  title: string;
  description?: string;
  machine?: { epcPages?: number; sgx2?: boolean };
  steps: RawStep[];
}

/** A built-in flow, as the flow list and the UI show it. */
export interface BuiltInFlow {
  /** kebab-case, e.g. "augment" (the selftest's name with dashes). */
  id: string;
  title: string;
  /** One line for a learner. */
  description: string;
  /** Raw scenario JSON ("epcm-scenario/1"). */
  scenario: Record<string, unknown>;
}

/** A built-in flow whose scenario carries the flow's title and description. */
export function flow(
  id: string,
  title: string,
  description: string,
  opts: Omit<ScenarioOptions, "title" | "description">,
): BuiltInFlow {
  return { id, title, description, scenario: scenario({ title, description, ...opts }) };
}

export function scenario(opts: ScenarioOptions): RawScenario {
  const s: RawScenario = { format: SCENARIO_FORMAT, title: opts.title };
  if (opts.description !== undefined) s.description = opts.description;
  if (opts.machine !== undefined) s.machine = opts.machine;
  s.steps = opts.steps;
  return s;
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

/**
 * A write to an ELRANGE page with no EPC page yet: the not-present #PF makes the kernel EAUG a
 * PENDING page and map it (encl.c: sgx_vma_fault() → sgx_encl_eaug_page()); the retried write
 * hits the PENDING page and faults in the EPCM (0x8007), which the vDSO reports.
 */
export function writeFaultsOnPending(tcs: number, addr: number, value: string, note: string): RawStep {
  return eenter(tcs, write(addr, value), {
    note,
    expect: withEpcm(faulted("0x8007", addr), { [hex(addr)]: EAUG_PENDING }),
  });
}

/**
 * A runtime's untrusted side mapping `pages` pages of its enclave range from the enclave's fd,
 * read/write, MAP_SHARED|MAP_FIXED (syscall mmap() → sgx_mmap()); the mapping's address comes back.
 */
export function runtimeMaps(offset: number, pages: number, base: number, note: string): RawStep {
  return mmap(offset, pages * PAGE_SIZE, "PROT_READ|PROT_WRITE", {
    flags: "MAP_SHARED|MAP_FIXED",
    note,
    expect: { ret: hex(base + offset) },
  });
}

/**
 * SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS of one page to R: EMODPR clears W and sets PR, ETRACK
 * follows (ioctl.c: sgx_enclave_restrict_permissions(); SDM: EMODPR).
 */
export function restrictPageToR(addr: number, note: string): RawStep {
  return ioctl(
    "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
    { offset: hex(addr), length: hex(PAGE_SIZE), permissions: "R" },
    {
      note,
      expect: withEpcm(succeeds({ result: "0x0", count: hex(PAGE_SIZE) }), {
        [hex(addr)]: { type: "REG", perms: "R--", pr: true },
      }),
    },
  );
}

/** EACCEPT(R|REG|PR) of a page restricted to R: PR clears (SDM: EACCEPT). */
export function acceptRestrictionToR(tcs: number, addr: number, note: string): RawStep {
  return eenter(tcs, eaccept(addr, "R|REG|PR"), {
    note,
    expect: withEpcm(OK_LEAF, { [hex(addr)]: { type: "REG", perms: "R--", pr: false } }),
  });
}
