// The layout of the typed-array view columns the session sends from the worker to the web
// (engine/session/session.ts builds them; the web's grids, tables and exports read them).
// Dependency-free: the EPCM flag byte uses the E_* bits and the page type column the PT_*
// values of ./epcm.ts.

/** "No such thing" in an index column: no owner, no offset, evicted, not mapped. */
export const NO_INDEX = -1;

/** PTE column bits: 0 none, PTE_PRESENT, PTE_PRESENT | PTE_ACCESSED. */
export const PTE_NONE = 0;
export const PTE_PRESENT = 0x1;
export const PTE_ACCESSED = 0x2;

/** Per-page columns of the whole EPC (index = EPC page). */
export interface EpcColumns {
  /** EPCM flag byte: E_R 1, E_W 2, E_X 4, E_PENDING 8, E_MODIFIED 16, E_PR 32, E_BLOCKED 64, E_VALID 128. */
  flags: Uint8Array;
  /** Page type: PT_SECS 0, PT_TCS 1, PT_REG 2, PT_VA 3, PT_TRIM 4. */
  pt: Uint8Array;
  /** Owner enclave's index in `RunInfo.enclaveNames` (NO_INDEX none; VA pages: the enclave that holds them). */
  encl: Int16Array;
  /** Offset in the enclave (NO_INDEX for SECS, VA and free pages). */
  offset: Float64Array;
}

/** One enclave's pages as the kernel records them, plus its mappings. Arrays are parallel, sorted by offset. */
export interface EnclaveColumns {
  name: string;
  base: number;
  size: number;
  created: boolean;
  released: boolean;
  offset: Float64Array;
  /** The kernel's page type (PT_* values). */
  type: Uint8Array;
  /** vm_max_prot_bits (R 1, W 2, X 4). */
  vmMaxProt: Uint8Array;
  /** EPC page, NO_INDEX while evicted. */
  epc: Int32Array;
  /** While evicted: the VA page's EPC index and the slot (NO_INDEX while resident). */
  vaPage: Int32Array;
  vaSlot: Int32Array;
  /** PTE: PTE_NONE, PTE_PRESENT, or PTE_PRESENT | PTE_ACCESSED. */
  pte: Uint8Array;
  /** Protection of the VMA covering the page (PROT_* bits; NO_INDEX: not mapped). */
  vmaProt: Int8Array;
  /** VMAs of this enclave's fd, as offsets. */
  vmas: Array<{ start: number; end: number; prot: number }>;
  /** SECS: resident EPC page or NO_INDEX. */
  secsEpc: number;
}

export interface StateView {
  /** Steps completed (0 = before the first step). */
  step: number;
  /** When inside a step: events of step `step` shown so far (the state after event `event`). */
  event: number | null;
  epc: EpcColumns;
  /** EPC pages changed by the last step (or by the last event, when inside a step). */
  changed: Int32Array;
  enclaves: EnclaveColumns[];
  freeCount: number;
  activeCount: number;
}
