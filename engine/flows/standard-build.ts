// The kernel selftests' test enclave, built exactly as `setup_test_encl()` does it
// (selftests load.c: encl_load(), encl_build()), with the measured page layout of selftests test_encl.lds:
//
//   0x0000 TCS#1 (OSSA 0x7000, OENTRY encl_entry 0x23d3)   seg0 "tcs"   TCS, perms 0
//   0x1000 TCS#2 (OSSA 0x8000, OENTRY encl_entry 0x23d3)   seg0
//   0x2000 code, 2 pages (encl_dyn_entry = 0x23e9)          seg1 "text"  REG, R|X
//   0x4000 encl_buffer page 1 (byte 0 = 1)                  seg2 "data"  REG, R|W
//   0x5000 encl_buffer page 2 = data_start                  seg2
//   0x6000 op dispatch table; 0x7000/0x8000 SSAs; 0x9000/0xa000 stacks
//   0xb000 heap (ENCL_HEAP_SIZE_DEFAULT = 1 page, unmeasured) seg3 "heap" REG, R|W
//   0xc000 … end of ELRANGE: no EPC pages
//
// The selftests derive every address from the segment table; the relations they rely on
// (TCS#1 at base, TCS#2 at base + 4 KiB, data_start = data segment + 4 KiB, free ELRANGE
// from total_size on) hold for this layout.

import { type EpcmExpect, REG_RW, succeeds, withEpcm } from "./expect.ts";
import { hex, ioctl, mmap, PAGE_SIZE, type RawExpect, type RawStep, type StepExtras } from "./steps.ts";

/** TCS#1: `run.tcs = base` ("via TCS#1"). */
export const TCS1 = 0x0;
/** TCS#2: `run.tcs = base + 0x1000` ("via TCS#2"). */
export const TCS2 = 0x1000;
/** First page of the text segment (code, R|X). */
export const TEXT = 0x2000;
/** `encl_buffer`: PUT_TO_BUFFER / GET_FROM_BUFFER copy its first 8 bytes. */
export const ENCL_BUFFER = 0x4000;
/** `data_off`: the offset of the data segment. */
export const DATA_OFF = 0x4000;
/** `data_start` = data_off + 4096: the second page of `encl_buffer`, the selftests' target page. */
export const DATA_START = 0x5000;
/** SSA pages of TCS#1 and TCS#2 (each TCS has its own). */
export const SSA_TCS1 = 0x7000;
export const SSA_TCS2 = 0x8000;
/** Start of the heap segment (the end of the ELF segments). */
export const HEAP = 0xb000;
/** `total_size` with the default one-page heap: the first free page of ELRANGE. */
export const TOTAL_SIZE = 0xc000;
/** `encl_entry` (OENTRY of TCS#1 and TCS#2) and `encl_dyn_entry` (for a TCS made at run time). */
export const ENCL_ENTRY = 0x23d3;
export const ENCL_DYN_ENTRY = 0x23e9;

export const MAGIC = "0x1122334455667788";
export const MAGIC2 = "0x8877665544332211";

/** `ENCL_HEAP_SIZE_DEFAULT` = 4096 bytes. */
export const HEAP_PAGES_DEFAULT = 1;

/** `total_size` (= `src_size`): the end of the heap segment. */
export function totalSize(heapPages: number = HEAP_PAGES_DEFAULT): number {
  return HEAP + heapPages * PAGE_SIZE;
}

/**
 * `encl_size`: the smallest power of two that is at least 4096 and at least the contents
 * (selftests load.c: encl_load()). `dynamicPages` is the extra ELRANGE that
 * `setup_test_encl_dynamic` adds before rounding (Appendix A). 0x10000 for the default layout.
 */
export function enclaveSize(heapPages: number = HEAP_PAGES_DEFAULT, dynamicPages = 0): number {
  const contents = totalSize(heapPages) + dynamicPages * PAGE_SIZE;
  let size = PAGE_SIZE;
  while (size < contents) size *= 2;
  return size;
}

export interface StandardBuildOptions {
  /** Heap pages (default 1 = ENCL_HEAP_SIZE_DEFAULT). */
  heapPages?: number;
  /** Enclave name (default: the contract's default "e0", left implicit). */
  enclave?: string;
  /**
   * The machine's EPC size. When given without `heapPages`, the heap is all of the EPC, as in
   * the oversubscribed selftests (heap = total_mem), so the build needs EPC reclaim.
   */
  epcPages?: number;
  /** Extra ELRANGE pages beyond the contents (Appendix A's `dynamic_size`). Default 0. */
  dynamicPages?: number;
  /**
   * Check each added segment's first page in the EPCM right after its ADD_PAGES (default
   * true). Turn off when the build runs under EPC pressure: the reclaimer may already have
   * evicted the page at the end of the step.
   */
  epcmChecks?: boolean;
}

/** The heap size a build with these options gets. */
export function buildHeapPages(opts: StandardBuildOptions = {}): number {
  return opts.heapPages ?? opts.epcPages ?? HEAP_PAGES_DEFAULT;
}

/**
 * The selftests' standard build (`setup_test_encl` → `encl_build`, selftests load.c: encl_build()):
 * SGX_IOC_ENCLAVE_CREATE, one SGX_IOC_ENCLAVE_ADD_PAGES per segment in order (TCS, text,
 * data, heap), SGX_IOC_ENCLAVE_INIT, then one mmap per segment. Every address is an offset
 * from the enclave's base (the engine picks a naturally aligned base, as the selftest does
 * by over-reserving and rounding up).
 */
export function standardBuild(opts: StandardBuildOptions = {}): RawStep[] {
  const heapPages = buildHeapPages(opts);
  const size = enclaveSize(heapPages, opts.dynamicPages ?? 0);
  const heapLength = heapPages * PAGE_SIZE;
  const checks = opts.epcmChecks ?? true;
  const on = (extras: StepExtras): StepExtras =>
    opts.enclave === undefined ? extras : { ...extras, enclave: opts.enclave };
  // EADD sets PT and RWX from SECINFO, forcing RWX = 0 for a TCS; PENDING, MODIFIED and PR
  // are 0 (SDM: EADD). TCS#2 is checked: offset 0x0 also names the SECS.
  const added = (expect: RawExpect, epcm: EpcmExpect): RawExpect =>
    checks ? withEpcm(expect, epcm) : expect;

  return [
    ioctl(
      "SGX_IOC_ENCLAVE_CREATE",
      { size: hex(size), ssa_frame_size: 1, attributes: "MODE64BIT", xfrm: 3 },
      on({
        note: `ECREATE: make the SECS for a ${hex(size)}-byte ELRANGE (a power of two covering every page), 64-bit, one SSA frame per thread.`,
        expect: succeeds(),
      }),
    ),
    ioctl(
      "SGX_IOC_ENCLAVE_ADD_PAGES",
      {
        offset: hex(TCS1),
        length: hex(2 * PAGE_SIZE),
        secinfo: "TCS",
        flags: "SGX_PAGE_MEASURE",
        tcs: [
          { ossa: hex(SSA_TCS1), nssa: 1, oentry: hex(ENCL_ENTRY) },
          { ossa: hex(SSA_TCS2), nssa: 1, oentry: hex(ENCL_ENTRY) },
        ],
      },
      on({
        note: "EADD + EEXTEND the two TCS pages (one per thread). A TCS has no EPCM permissions: enclave code can never read or write it.",
        expect: added(succeeds({ count: hex(2 * PAGE_SIZE) }), {
          [hex(TCS2)]: { valid: true, type: "TCS", perms: "---", pending: false, modified: false, pr: false },
        }),
      }),
    ),
    ioctl(
      "SGX_IOC_ENCLAVE_ADD_PAGES",
      { offset: hex(TEXT), length: hex(2 * PAGE_SIZE), secinfo: "R|X|REG", flags: "SGX_PAGE_MEASURE" },
      on({
        note: "EADD + EEXTEND the code: regular pages, readable and executable, never writable.",
        expect: added(succeeds({ count: hex(2 * PAGE_SIZE) }), {
          [hex(TEXT)]: { valid: true, type: "REG", perms: "R-X", pending: false, modified: false, pr: false },
        }),
      }),
    ),
    ioctl(
      "SGX_IOC_ENCLAVE_ADD_PAGES",
      {
        offset: hex(DATA_OFF),
        length: hex(7 * PAGE_SIZE),
        secinfo: "R|W|REG",
        flags: "SGX_PAGE_MEASURE",
        data: { "0x0": "0x1" },
      },
      on({
        note: "EADD + EEXTEND the data: encl_buffer (2 pages, byte 0 = 1), the op table, both SSAs and both stacks, readable and writable.",
        expect: added(succeeds({ count: hex(7 * PAGE_SIZE) }), {
          [hex(DATA_START)]: REG_RW,
        }),
      }),
    ),
    ioctl(
      "SGX_IOC_ENCLAVE_ADD_PAGES",
      { offset: hex(HEAP), length: hex(heapLength), secinfo: "R|W|REG", flags: 0 },
      on({
        note:
          heapPages === 1
            ? "EADD the heap page without measuring it (flags 0): zero-filled, readable and writable."
            : `EADD the ${heapPages}-page heap without measuring it (flags 0): zero-filled, readable and writable.`,
        expect: added(succeeds({ count: hex(heapLength) }), {
          [hex(HEAP)]: { valid: true, type: "REG", perms: "RW-", pending: false, modified: false, pr: false },
        }),
      }),
    ),
    ioctl(
      "SGX_IOC_ENCLAVE_INIT",
      {},
      on({
        note: "EINIT with a SIGSTRUCT that matches the measurement: the enclave is now initialized and can be entered (and no more pages can be EADDed).",
        expect: succeeds(),
      }),
    ),
    mmap(
      TCS1,
      2 * PAGE_SIZE,
      "PROT_READ|PROT_WRITE",
      on({
        note: "Map the TCS pages read/write (the kernel allows RW for a TCS; the EPCM still denies enclave code any access).",
      }),
    ),
    mmap(TEXT, 2 * PAGE_SIZE, "PROT_READ|PROT_EXEC", on({ note: "Map the code read/execute." })),
    mmap(DATA_OFF, 7 * PAGE_SIZE, "PROT_READ|PROT_WRITE", on({ note: "Map the data read/write." })),
    mmap(
      HEAP,
      heapLength,
      "PROT_READ|PROT_WRITE",
      on({ note: "Map the heap read/write. The rest of ELRANGE stays unmapped." }),
    ),
  ];
}
