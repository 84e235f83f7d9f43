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

/** An entry as the runner reads it off the EPCM (owner and offset as in the trace's entries). */
export type ReadEntry = (epc: number) => { flags: number; pt: number; encl: number; offset: number };

/** Collects one step's per-event rows; `finish()` hands them over as typed columns. */
export class EventDiffRecorder {
  private epc: number[] = [];
  private flags: number[] = [];
  private pt: number[] = [];
  private encl: number[] = [];
  private offset: number[] = [];
  private end: number[] = [];

  /** The pages one event changed (distinct, any order), read right after the event. */
  record(pages: readonly number[], read: ReadEntry): void {
    const sorted = Int32Array.from(pages).sort();
    for (const p of sorted) {
      const e = read(p);
      this.epc.push(p);
      this.flags.push(e.flags);
      this.pt.push(e.pt);
      this.encl.push(e.encl);
      this.offset.push(e.offset);
    }
  }

  /** Closes the current event (call once per event, with or without rows). */
  endEvent(): void {
    this.end.push(this.epc.length);
  }

  finish(): EventDiffs {
    const out: EventDiffs = {
      end: Uint32Array.from(this.end),
      epc: Int32Array.from(this.epc),
      flags: Uint8Array.from(this.flags),
      pt: Uint8Array.from(this.pt),
      encl: Int32Array.from(this.encl),
      offset: Float64Array.from(this.offset),
    };
    this.epc = [];
    this.flags = [];
    this.pt = [];
    this.encl = [];
    this.offset = [];
    this.end = [];
    return out;
  }
}

/** The row range of event `i` in `d`. */
export function eventRows(d: EventDiffs, i: number): [from: number, to: number] {
  return [i === 0 ? 0 : d.end[i - 1], d.end[i]];
}
