// The trace: what the engine answers for a scenario (docs/scenario-format.md, Trace).
// Addresses, offsets, lengths, counts, flag words and error codes are lowercase hex strings;
// vectors are integers; enumerations are names.

export type Hex = string;

import type { PageTypeName } from "../vocabulary/epcm.ts";

export interface EpcmEntryJson {
  /** Physical EPC page index. */
  epc: number;
  /**
   * Owning enclave's name; null for free pages. A VA page belongs to no enclave in the EPCM; the
   * trace names the enclave whose VA list the kernel keeps it on.
   */
  enclave: string | null;
  /** Offset of the page in its enclave; null for SECS and VA pages (they have no linear address). */
  offset: Hex | null;
  valid: boolean;
  type: PageTypeName | null;
  /** "RWX" letters, "-" where the bit is clear. */
  perms: string;
  pending: boolean;
  modified: boolean;
  pr: boolean;
  blocked: boolean;
}

/** The kernel's record of one enclave page (struct sgx_encl_page). */
export interface KernelPageJson {
  enclave: string;
  offset: Hex;
  /** The kernel's `type` field (it lags the EPCM until an ioctl completes). */
  type: PageTypeName;
  resident: boolean;
  /** EPC page index while resident, else null. */
  epc: number | null;
  /** vm_max_prot_bits as "RWX" letters. */
  vm_max_prot: string;
  /** While evicted: the VA page (EPC index) and slot holding its version. */
  va_page?: number;
  va_slot?: number;
}

export type { EventKind, TraceEvent } from "../arch/events.ts";
export type { IoctlReview } from "../kernel/checks.ts";

import type { TraceEvent } from "../arch/events.ts";
import type { IoctlReview } from "../kernel/checks.ts";

export interface RunJson {
  function: "EENTER" | "ERESUME" | "EEXIT";
  exception_vector: number;
  exception_error_code: Hex;
  exception_addr: Hex;
  exception_offset: Hex;
}

/** A thread that stayed inside (contract, "Threads"). */
export interface ThreadJson {
  enclave: string;
  tcs: Hex;
  cpu: number;
  state: "inside";
}

/** A thread inside at the end, with the translations its CPU caches (final.threads). */
export interface FinalThreadJson {
  enclave: string;
  tcs: Hex;
  cpu: number;
  /** The TLB's enclave pages: offset, rights cached, and whether they exceed the EPCM's now. */
  tlb: Array<{ enclave: string; offset: Hex; rights: string; stale: boolean }>;
}

export interface TraceStep {
  index: number;
  enclave: string;
  /** The logical processor that ran the step (contract, "Logical processors"). */
  cpu?: number;
  /** The step's op as written, numbers normalized to hex strings. */
  op: Record<string, unknown>;
  note?: string;
  /** Return value seen by user space (syscall/ioctl result, or the vDSO's return). */
  ret: number;
  errno?: string;
  /** Output fields of the ioctl struct as the kernel wrote them back (count, result). */
  arg?: Record<string, Hex>;
  run?: RunJson;
  call?: { ret?: number; ret_name?: string; value?: Hex };
  /** The thread inside on the step's CPU after the step (staying steps). */
  thread?: ThreadJson;
  /** `access`: the value a read returned. */
  value?: Hex;
  /** `access`: the signal the process gets, if any. */
  signal?: "SIGBUS" | "SIGSEGV";
  /** For `pages: N` steps: enclave entries completed. */
  repeated?: number;
  /** Set when the real system would keep faulting forever (working set larger than the EPC). */
  stalled?: boolean;
  events: TraceEvent[];
  /** Every EPCM entry this step changed, after the step. */
  epcm: EpcmEntryJson[];
  /**
   * For ioctl steps (reviewer mode): the driver's checks in order, each passed, failed (the one
   * that decided the errno), not reached or not applicable, and the kernel functions called.
   */
  review?: IoctlReview;
  /** Unmet expectations of this step (absent when all held or none were given). */
  unmet?: string[];
  /**
   * Kernel bugs the step left behind without crashing (a race's stale PTE, kernel/stale-pte.ts);
   * docs/scenario-format.md, Races: explicit interleavings.
   */
  bugs?: string[];
  /** The kernel crashed on this step (docs/scenario-format.md, Kernel bugs that crash): the run ends here. */
  oops?: { function: string; text: string };
  /** A `race` step: one trace step per listed step, `index` being its place in the list. */
  race?: TraceStep[];
  /** A `race` step: the lock boundaries passed, in order, each with the listed step that passed it. */
  schedule?: Array<{ step: number; boundary: string }>;
}

export interface Trace {
  format: "epcm-trace/1";
  title: string;
  machine: { epcPages: number; sgx2: boolean; cpus?: number; kernel?: string; mutate?: string[] };
  enclaves: Record<string, { base: Hex; size: Hex }>;
  steps: TraceStep[];
  final: { epcm: EpcmEntryJson[]; pages: KernelPageJson[]; threads?: FinalThreadJson[] };
  /** Set when a kernel oops ended the run: the step it happened on and how many steps were not run. */
  stopped?: { step: number; reason: "oops"; not_run: number };
}
