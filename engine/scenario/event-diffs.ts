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
 * Collects one step's per-event rows in typed arrays (no object per row: a step that EAUGs
 * millions of pages stays affordable). Pages are `add`ed as they change;
 * `record` closes them into the current event's rows; `finish()` hands the step's rows over.
 */
export class EventDiffRecorder {
  /** Rows closed so far; pages added since are pending in `epc[n, n + pending)`. */
  private n = 0;
  private pendingCount = 0;
  private epc = new Int32Array(16);
  private flags = new Uint8Array(16);
  private pt = new Uint8Array(16);
  private encl = new Int32Array(16);
  private offset = new Float64Array(16);
  private end: number[] = [];
  private readonly row: DiffRow = { flags: 0, pt: 0, encl: 0, offset: 0 };

  /** Room for one more pending page: the page list doubles (4 bytes a page). */
  private growPages(): void {
    const epc = new Int32Array(this.epc.length * 2);
    epc.set(this.epc.subarray(0, this.n + this.pendingCount));
    this.epc = epc;
  }

  /**
   * Room for `rows` rows of values. They grow only when an event closes, to what is needed (at
   * least double), so one event of millions of pages allocates its values once, exactly.
   */
  private growValues(rows: number): void {
    if (rows <= this.flags.length) return;
    const cap = Math.max(rows, this.flags.length * 2);
    const n = this.n;
    const flags = new Uint8Array(cap);
    flags.set(this.flags.subarray(0, n));
    this.flags = flags;
    const pt = new Uint8Array(cap);
    pt.set(this.pt.subarray(0, n));
    this.pt = pt;
    const encl = new Int32Array(cap);
    encl.set(this.encl.subarray(0, n));
    this.encl = encl;
    const offset = new Float64Array(cap);
    offset.set(this.offset.subarray(0, n));
    this.offset = offset;
  }

  /** A page changed (the caller passes each page once per event). */
  add(page: number): void {
    if (this.n + this.pendingCount === this.epc.length) this.growPages();
    this.epc[this.n + this.pendingCount++] = page;
  }

  /** Pages changed since the last recorded event. */
  get pending(): number {
    return this.pendingCount;
  }

  /** The first `k` pending pages, in the order they changed. */
  firstPending(k: number): number[] {
    return Array.from(this.epc.subarray(this.n, this.n + Math.min(k, this.pendingCount)));
  }

  /** The pending pages become the current event's rows (sorted), read right after the event. */
  record(read: ReadEntry): void {
    const from = this.n;
    const to = from + this.pendingCount;
    this.growValues(to);
    this.epc.subarray(from, to).sort();
    const row = this.row;
    for (let i = from; i < to; i++) {
      read(this.epc[i], row);
      this.flags[i] = row.flags;
      this.pt[i] = row.pt;
      this.encl[i] = row.encl;
      this.offset[i] = row.offset;
    }
    this.n = to;
    this.pendingCount = 0;
  }

  /** The pending pages are dropped, not recorded (a run that keeps no event diffs). */
  skip(): void {
    this.pendingCount = 0;
  }

  /** Closes the current event (call once per event, with or without rows). */
  endEvent(): void {
    this.end.push(this.n);
  }

  /** The step's rows (pages still pending belong to no event and are dropped); starts over empty. */
  finish(): EventDiffs {
    const n = this.n;
    // Value columns filled exactly are handed over as they are (no second copy of a huge step).
    const whole = n === this.flags.length;
    const out: EventDiffs = {
      end: Uint32Array.from(this.end),
      epc: this.epc.slice(0, n),
      flags: whole ? this.flags : this.flags.slice(0, n),
      pt: whole ? this.pt : this.pt.slice(0, n),
      encl: whole ? this.encl : this.encl.slice(0, n),
      offset: whole ? this.offset : this.offset.slice(0, n),
    };
    this.n = 0;
    this.pendingCount = 0;
    this.end = [];
    if (whole || this.epc.length > 1024) {
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
