// EPC usage over a run: for every step, how many EPC pages hold a SECS, a TCS, a REG page, a VA
// page or a TRIM page, how many are free (not VALID), and how many enclave pages are evicted
// (sealed in the backing store, their version in a VA slot). Counted while the session runs,
// from each step's EPCM diff, so it costs O(pages changed) per step, not O(EPC).

import type { Kernel } from "../kernel/kernel.ts";
import type { StepDiff } from "../scenario/run.ts";
import { E_VALID } from "../vocabulary/epcm.ts";

/** The kinds of EPC page the chart stacks, in EPCM page-type order (PT_SECS 0 … PT_TRIM 4), then free. */
export const USAGE_KINDS = ["SECS", "TCS", "REG", "VA", "TRIM", "free"] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

const FREE = 5;

export interface EpcUsage {
  epcPages: number;
  /** Entries per kind: index k = after k steps (0 = before the first step); length steps + 1. */
  kinds: Record<UsageKind, Int32Array>;
  /**
   * Enclave pages (the SECS included) evicted to the backing store after each step: EWB wrote
   * them out and ELDU has not brought them back (paging.c: sgx_encl_ewb() / __sgx_encl_eldu()).
   */
  evicted: Int32Array;
}

/** Pages the backing stores of the run's enclaves hold: one per evicted page. */
function evictedPages(k: Kernel): number {
  let n = 0;
  for (const e of k.enclaves) n += e.backing.size;
  return n;
}

/** Counts EPC pages by kind step after step, fed one step's diff at a time. */
export class UsageCounter {
  private readonly kind: Uint8Array;
  private readonly counts = new Int32Array(USAGE_KINDS.length);
  /** Rows of counts (kinds, then evicted), one per step, in one growable buffer. */
  private rows = new Int32Array(64 * (USAGE_KINDS.length + 1));
  private n = 0;
  private readonly epcPages: number;

  /** Starts from an empty EPC (every page free), as a fresh simulation does. */
  constructor(kernel: Kernel) {
    this.epcPages = kernel.cpu.epc.size;
    this.kind = new Uint8Array(this.epcPages).fill(FREE);
    this.counts[FREE] = this.epcPages;
    this.record(kernel);
  }

  /** Apply the EPCM entries one step changed (as they are after the step) and record the row. */
  addStep(diff: StepDiff, kernel: Kernel): void {
    for (let i = 0; i < diff.epc.length; i++) {
      const p = diff.epc[i];
      const now = diff.flags[i] & E_VALID ? diff.pt[i] : FREE;
      const was = this.kind[p];
      if (now !== was) {
        this.counts[was]--;
        this.counts[now]++;
        this.kind[p] = now;
      }
    }
    this.record(kernel);
  }

  private record(kernel: Kernel): void {
    const w = USAGE_KINDS.length + 1;
    if ((this.n + 1) * w > this.rows.length) {
      const grown = new Int32Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    this.rows.set(this.counts, this.n * w);
    this.rows[this.n * w + USAGE_KINDS.length] = evictedPages(kernel);
    this.n++;
  }

  /** The counts as typed arrays per kind (fresh copies: the worker may transfer them). */
  usage(): EpcUsage {
    const n = this.n;
    const w = USAGE_KINDS.length + 1;
    const column = (j: number) => {
      const col = new Int32Array(n);
      for (let k = 0; k < n; k++) col[k] = this.rows[k * w + j];
      return col;
    };
    const kinds = {} as Record<UsageKind, Int32Array>;
    USAGE_KINDS.forEach((name, j) => {
      kinds[name] = column(j);
    });
    return { epcPages: this.epcPages, kinds, evicted: column(USAGE_KINDS.length) };
  }
}
