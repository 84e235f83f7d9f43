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

/** Where an event's statement comes from (docs/scenario-format.md, "Provenance of events"). */
export type EventBasis = "hardware" | "sdm" | "kernel" | "model";

export interface TraceEvent {
  kind: EventKind;
  /** The logical processor the event ran on (set by EventLog.push from `EventLog.cpu`). */
  cpu?: number;
  /** What the statement rests on. */
  basis?: EventBasis;
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
