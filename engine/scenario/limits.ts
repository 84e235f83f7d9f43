// The work limits and defaults of scenario validation (documented in LIMITS.md and in
// docs/scenario-format.md, Limits).

/** Work limits (documented in LIMITS.md). */
export const LIMITS = {
  /** Longest JSON text accepted, and longest string anywhere in an already-parsed value. */
  maxInputChars: 10 * 1024 * 1024,
  maxSteps: 100_000,
  /** Errors collected before giving up with "... and more". */
  maxErrors: 20,
  /** Nesting depth of the whole scenario (objects and arrays). */
  maxDepth: 64,
  /** Values (of any kind, all levels) in the whole scenario. */
  maxValues: 5_000_000,
  /**
   * machine.epcPages: 2^27 (512 GiB of EPC, as large as current servers offer); the EPC is
   * sparse (arch/epc.ts), so memory and time follow the pages in use, not this size.
   */
  maxEpcPages: 134_217_728,
  /** The largest EPC the explorer's views open (session/view-limit.ts); the CLI runs any size. */
  maxViewEpcPages: 4_194_304,
  /** EENTER `pages`. */
  maxRepeatPages: 16_777_216,
  maxTitleChars: 300,
  maxDescriptionChars: 20_000,
  maxNoteChars: 2_000,
  maxCmdChars: 200,
  /** machine.cpus (contract: "Logical processors", 1–64). */
  maxCpus: 64,
} as const;

/** Defaults from the contract and types.ts. */
export const DEFAULTS = {
  title: "untitled scenario",
  enclave: "e0",
  epcPages: 128,
  sgx2: true,
  /** mmap flags: MAP_SHARED|MAP_FIXED. */
  mmapFlags: 0x11,
  ssaFrameSize: 1,
  /** SECS.ATTRIBUTES: MODE64BIT. */
  attributes: 0x4,
  xfrm: 3,
} as const;
