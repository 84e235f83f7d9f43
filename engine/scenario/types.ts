// The normalized scenario: what `parseScenario()` (parse.ts) makes of the user's JSON after
// validation, and what the runner (run.ts) executes. Every number is already a number
// (addresses, offsets and lengths fit in a double: ELRANGE is below 2^48) and every flag word
// is already a bit mask; 64-bit data values are bigint. Names follow the uapi header, the SDM
// and the syscalls, as in docs/scenario-format.md (contract version 1).

import type {
  AddPagesArg,
  CreateArg,
  EnclaveCall,
  InitArg,
  ModifyTypesArg,
  RemovePagesArg,
  RestrictPermissionsArg,
} from "../kernel/uapi.ts";
import type { KernelVersion, Mutation } from "../kernel/versions.ts";

// The ioctl arguments and enclave calls are the kernel's vocabulary (../kernel/uapi.ts); the
// scenario carries them as they are.
export type * from "../kernel/uapi.ts";

export const SCENARIO_FORMAT = "epcm-scenario/1";
export const TRACE_FORMAT = "epcm-trace/1";
/** The compact trace with range records (docs/scenario-format.md, Compact traces). */
export const TRACE_FORMAT_COMPACT = "epcm-trace/2";

export interface Machine {
  /** Number of 4 KiB EPC pages (default 128). */
  epcPages: number;
  /** false: an SGX1-only CPU (SGX2 ioctls give ENODEV, no EAUG on fault). */
  sgx2: boolean;
  /** Logical processors, 1–64 (absent: the default, DEFAULT_CPUS). */
  cpus?: number;
  /** The driver's version (docs/scenario-format.md, Kernel versions and what-ifs); absent: "v6.0". */
  kernel?: KernelVersion;
  /** What-if mutations of the driver; absent: none. */
  mutate?: Mutation[];
}

/** machine.cpus when a scenario does not say (contract: "Logical processors"). */
export const DEFAULT_CPUS = 4;

export interface Scenario {
  format: typeof SCENARIO_FORMAT;
  title: string;
  /** Optional free text describing the scenario (shown by the UI). */
  description?: string;
  machine: Machine;
  steps: Step[];
}

/** Fields every step carries besides its op. */
export interface StepCommon {
  /** Enclave name (default "e0"). */
  enclave: string;
  note?: string;
  /** The logical processor that runs the step (absent: CPU 0). */
  cpu?: number;
  /** Partial trace step, compared after the step (see expect.ts). Kept as written. */
  expect?: Expectation;
  /** The step exactly as the user wrote it (echoed, normalized to hex, in the trace). */
  source: Record<string, unknown>;
}

export type Step = StepCommon & StepOp;

export type StepOp =
  | { op: "ioctl"; cmd: string; arg: IoctlArg }
  | { op: "mmap"; offset: number; length: number; prot: number; flags: number }
  | { op: "mprotect"; offset: number; length: number; prot: number }
  | { op: "munmap"; offset: number; length: number }
  | { op: "close" }
  | { op: "reclaim"; pages: number }
  | {
      op: "EENTER";
      tcs: number;
      call: EnclaveCall;
      pages?: number;
      /**
       * main.c's ENCL_CALL(op, run, clobbered): true (the default when absent) calls
       * vdso_sgx_enter_enclave() directly from C; false goes through call.S's
       * sgx_enter_enclave(), which saves the callee-saved registers around it. The model does
       * not track registers: only the selftest export and the trace's echo use it.
       */
      clobbered?: boolean;
      /** The thread stays inside on the step's CPU once the call completes. */
      stay?: boolean;
    }
  | { op: "ERESUME"; tcs: number; stay?: boolean }
  /** The thread inside on the step's CPU runs another call and stays inside. */
  | { op: "run"; call: EnclaveCall }
  /** The thread inside on the step's CPU leaves. */
  | { op: "EEXIT" }
  /** An interrupt arrives on the step's CPU. */
  | { op: "interrupt" }
  /** User space touches its own mapping of the enclave, outside enclave mode. */
  | { op: "access"; offset: number; kind: "read" | "write"; value?: bigint }
  /**
   * The listed steps run concurrently, each on its own CPU, switching at the kernel's lock
   * boundaries in `order` (docs/scenario-format.md, Races: explicit interleavings).
   */
  | { op: "race"; steps: Step[]; order: number[] };

/** Known ioctl commands; any other string reaches the kernel as an unknown command (ENOTTY). */
export type IoctlCmd =
  | "SGX_IOC_ENCLAVE_CREATE"
  | "SGX_IOC_ENCLAVE_ADD_PAGES"
  | "SGX_IOC_ENCLAVE_INIT"
  | "SGX_IOC_ENCLAVE_PROVISION"
  | "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS"
  | "SGX_IOC_ENCLAVE_MODIFY_TYPES"
  | "SGX_IOC_ENCLAVE_REMOVE_PAGES";

export type IoctlArg =
  | ({ cmd: "SGX_IOC_ENCLAVE_CREATE" } & CreateArg)
  | ({ cmd: "SGX_IOC_ENCLAVE_ADD_PAGES" } & AddPagesArg)
  | ({ cmd: "SGX_IOC_ENCLAVE_INIT" } & InitArg)
  | { cmd: "SGX_IOC_ENCLAVE_PROVISION" }
  | ({ cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS" } & RestrictPermissionsArg)
  | ({ cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES" } & ModifyTypesArg)
  | ({ cmd: "SGX_IOC_ENCLAVE_REMOVE_PAGES" } & RemovePagesArg)
  | { cmd: "unknown"; name: string };

/**
 * An expectation is a partial trace step (compared field by field after the step). Numbers may
 * be written as numbers or strings ("0x8007"); `epcm` maps offsets to partial EPCM entries.
 */
export type Expectation = Record<string, unknown>;
