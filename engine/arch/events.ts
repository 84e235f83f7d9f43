// Trace events: the ordered micro-steps under one scenario step (each ENCLS/ENCLU leaf, fault,
// kernel decision). The UI's "step into" walks them, so each `text` is written for a learner.

export type EventKind =
  | "syscall" // what user space asked for
  | "kernel" // a driver decision or function
  | "encls" // an ENCLS leaf (kernel → CPU)
  | "enclu" // an ENCLU leaf (enclave/vDSO → CPU)
  | "access" // a memory access by enclave code
  | "fault" // an exception (#PF/#GP) with vector and error code
  | "aex" // asynchronous enclave exit / resume
  | "ipi" // an inter-processor interrupt the kernel sends (field `cpus`)
  | "tlb-hit" // an access that hit a cached translation and skipped the EPCM check
  | "mm" // VMA/PTE changes
  | "reclaim" // the reclaimer
  | "vdso"; // what the vDSO reports to the caller

/**
 * What an event's statement rests on (docs/scenario-format.md, Provenance of events), strongest
 * first: a value the kernel selftests assert on real hardware, the SDM's leaf pages, the driver's
 * code, or the model's own inference (explained in engine/MODEL.md, named by `basis_ref`).
 */
export type Basis = "hardware" | "sdm" | "kernel" | "model";
export const BASES: readonly Basis[] = ["hardware", "sdm", "kernel", "model"];

/**
 * The provenance every event must carry. A "model" basis must name the engine/MODEL.md entry
 * that explains the inference; a "hardware" one names the selftest that asserts the value.
 */
export type Provenance =
  | { basis: "sdm" | "kernel"; basis_ref?: string }
  | { basis: "hardware" | "model"; basis_ref: string };

/** Sources whose basis follows from the name: an SDM page, or a kernel file and function. */
const KERNEL_FILES = [
  "ioctl.c",
  "encl.c",
  "main.c",
  "driver.c",
  "fault.c",
  "extable.c",
  "vsgx.S",
  "mm/",
  "fs:",
] as const;
export type SdmSource = `SDM${string}`;
export type KernelSource = `${(typeof KERNEL_FILES)[number]}${string}`;
export type DerivableSource = SdmSource | KernelSource;

/**
 * The default basis of a source: an SDM page states it (sdm), a kernel function does (kernel).
 * Any other source derives nothing (and an event without a basis fails the flows' test).
 */
export function basisOfSource(source: DerivableSource): Partial<Provenance> {
  if (source.startsWith("SDM")) return { basis: "sdm" };
  if (KERNEL_FILES.some((f) => source.startsWith(f))) return { basis: "kernel" };
  return {};
}

/** Everything an event says, without its provenance. */
export interface EventBody {
  kind: EventKind;
  /** The logical processor the event ran on (set by EventLog.push from `EventLog.cpu`). */
  cpu?: number;
  /** `aex` events: what made the thread leave. */
  cause?: "exception" | "interrupt";
  /** `ipi` events: the target CPUs (sgx_encl_cpumask()). */
  cpus?: number[];
  /** One sentence for a learner. */
  text: string;
  /** The SDM leaf or the kernel function this models, e.g. "SDM: EMODPR" or "ioctl.c: sgx_enclave_restrict_permissions()". */
  source: string;
  /** Leaf name for encls/enclu events. */
  leaf?: string;
  /** Outcome: "ok", an SGX code name, "#PF", "#GP", an errno name... */
  result?: string;
  vector?: number;
  error_code?: string;
  addr?: string;
  offset?: string;
  enclave?: string;
  epc?: number;
  /** Which mechanism raised a fault: the EPCM or the page tables. */
  raised_by?: "EPCM" | "page tables" | "leaf";
  /**
   * EPCM entries changed since the previous event (usually by this event's leaf), as they were
   * right after it: "step into" shows the EPC changing event by event. Capped; see `epcm_more`.
   */
  epcm?: Array<{
    epc: number;
    enclave: string | null;
    offset: string | null;
    valid: boolean;
    type: "SECS" | "TCS" | "REG" | "VA" | "TRIM" | null;
    perms: string;
    pending: boolean;
    modified: boolean;
    pr: boolean;
    blocked: boolean;
  }>;
  /** How many more entries changed than `epcm` lists. */
  epcm_more?: number;
}

/** A trace event: what it says and what that rests on. A missing `basis` is a compile error. */
export type TraceEvent = EventBody & Provenance;

/** True when `e` carries a valid basis (and, for model/hardware, the reference that explains it). */
export function hasValidBasis(e: { basis?: unknown; basis_ref?: unknown }): boolean {
  if (!BASES.includes(e.basis as Basis)) return false;
  if (e.basis === "model" || e.basis === "hardware")
    return typeof e.basis_ref === "string" && e.basis_ref.length > 0;
  return e.basis_ref === undefined || typeof e.basis_ref === "string";
}

/** Where leaves and the kernel model write events. `on` is false inside repeated entries. */
export class EventLog {
  on = true;
  /** The CPU whose code is running: every event pushed names it unless it names its own. */
  cpu = 0;
  readonly events: TraceEvent[] = [];
  /** Called for each recorded event before it is stored (the runner attaches EPCM deltas). */
  onPush: (e: TraceEvent) => void = () => {};
  push(e: TraceEvent): void {
    if (!this.on) return;
    if (e.cpu === undefined) e.cpu = this.cpu;
    this.onPush(e);
    this.events.push(e);
  }
  take(): TraceEvent[] {
    return this.events.splice(0, this.events.length);
  }
}
