// Every EPCM entry each event of a step changed, uncapped, in compact columns (like the step's
// StepDiff). The trace's `events[].epcm` lists stop at a few entries per event (contract:
// docs/scenario-format.md, "Trace"); these columns keep all of them, so the session can answer
// "what did this event change, and what was there before" exactly.

/** EPCM entries in rows: row i is EPC page `epc[i]`, as it was at the moment the row was taken. */
export interface DiffColumns {
  epc: Int32Array;
  /** EPCM flag byte (E_* bits, VALID included). */
  flags: Uint8Array;
  pt: Uint8Array;
  /** Owning enclave's index in kernel.enclaves, -1 for none. */
  encl: Int32Array;
  /** Offset in the enclave, -1 for SECS, VA and free pages. */
  offset: Float64Array;
}

/**
 * The per-event changes of one step. The rows of event i are `[i === 0 ? 0 : end[i - 1], end[i])`,
 * sorted by EPC page; each row is the entry right after that event.
 */
export interface EventDiffs extends DiffColumns {
  /** One per event of the step (the step's `events`, in order). */
  end: Uint32Array;
}

/** One row as the runner reads it off the EPCM (owner and offset as in the trace's entries). */
export interface DiffRow {
  flags: number;
  pt: number;
  encl: number;
  offset: number;
}

/** Fills `row` with EPC page `epc`'s entry as it is now. */
export type ReadEntry = (epc: number, row: DiffRow) => void;

/**
 * Collects one step's per-event rows in typed arrays that grow by doubling (no object per row:
 * a step that EAUGs millions of pages stays affordable); `finish()` hands them over.
 */
export class EventDiffRecorder {
  private n = 0;
  private epc = new Int32Array(16);
  private flags = new Uint8Array(16);
  private pt = new Uint8Array(16);
  private encl = new Int32Array(16);
  private offset = new Float64Array(16);
  private end: number[] = [];
  private readonly row: DiffRow = { flags: 0, pt: 0, encl: 0, offset: 0 };

  private reserve(extra: number): void {
    const need = this.n + extra;
    if (need <= this.epc.length) return;
    let cap = this.epc.length * 2;
    while (cap < need) cap *= 2;
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.epc = grow(this.epc, (k) => new Int32Array(k));
    this.flags = grow(this.flags, (k) => new Uint8Array(k));
    this.pt = grow(this.pt, (k) => new Uint8Array(k));
    this.encl = grow(this.encl, (k) => new Int32Array(k));
    this.offset = grow(this.offset, (k) => new Float64Array(k));
  }

  /** The pages one event changed (distinct, any order), read right after the event. */
  record(pages: readonly number[], read: ReadEntry): void {
    this.reserve(pages.length);
    const from = this.n;
    for (let i = 0; i < pages.length; i++) this.epc[from + i] = pages[i];
    this.epc.subarray(from, from + pages.length).sort();
    const row = this.row;
    for (let i = from; i < from + pages.length; i++) {
      read(this.epc[i], row);
      this.flags[i] = row.flags;
      this.pt[i] = row.pt;
      this.encl[i] = row.encl;
      this.offset[i] = row.offset;
    }
    this.n += pages.length;
  }

  /** Closes the current event (call once per event, with or without rows). */
  endEvent(): void {
    this.end.push(this.n);
  }

  /** The step's rows (copied to their exact size); the recorder starts over empty. */
  finish(): EventDiffs {
    const n = this.n;
    const out: EventDiffs = {
      end: Uint32Array.from(this.end),
      epc: this.epc.slice(0, n),
      flags: this.flags.slice(0, n),
      pt: this.pt.slice(0, n),
      encl: this.encl.slice(0, n),
      offset: this.offset.slice(0, n),
    };
    this.n = 0;
    this.end = [];
    if (this.epc.length > 1024) {
      this.epc = new Int32Array(16);
      this.flags = new Uint8Array(16);
      this.pt = new Uint8Array(16);
      this.encl = new Int32Array(16);
      this.offset = new Float64Array(16);
    }
    return out;
  }
}

/** The row range of event `i` in `d`. */
export function eventRows(d: EventDiffs, i: number): [from: number, to: number] {
  return [i === 0 ? 0 : d.end[i - 1], d.end[i]];
}
