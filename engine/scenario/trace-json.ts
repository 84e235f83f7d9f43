// Writing a trace as JSON in pieces, so a run that changed millions of EPCM entries (2^21 EAUGs)
// prints without building one giant string: one step per line, entries written in batches.
// Version 2 (docs/scenario-format.md, Compact traces) folds consecutive entries into range
// records with `count` and periodic runs of records into repeat records (trace-repeat.ts);
// version 1 writes every entry.

import { PT_SECS, PT_VA } from "../vocabulary/epcm.ts";
import { hex } from "../vocabulary/hex.ts";
import type { Simulation, StepDiff } from "./run.ts";
import { expandRepeats, foldRepeats, type Rec } from "./trace-repeat.ts";
import type { EpcmEntryJson } from "./trace-types.ts";
import { TRACE_FORMAT, TRACE_FORMAT_COMPACT } from "./types.ts";

const BATCH = 4096;

export type TraceFormatVersion = 1 | 2;

function writeArray(items: Iterable<unknown>, write: (s: string) => void): void {
  write("[");
  let batch: string[] = [];
  let first = true;
  for (const item of items) {
    batch.push(JSON.stringify(item));
    if (batch.length === BATCH) {
      write((first ? "" : ",") + batch.join(","));
      first = false;
      batch = [];
    }
  }
  if (batch.length) write((first ? "" : ",") + batch.join(","));
  write("]");
}

type Entry = { epc: number | null; offset: string | null } & Record<string, unknown>;

/** Whether `b` is the entry `k` places after `a` in a range (docs/scenario-format.md, Compact traces). */
function follows(a: Entry, b: Entry, k: number): boolean {
  // epc and offset advance by 1 and 0x1000; a null (no EPC page, no linear address) stays null.
  if (a.epc === null ? b.epc !== null : b.epc !== a.epc + k) return false;
  if (a.offset === null ? b.offset !== null : b.offset === null) return false;
  if (a.offset !== null && b.offset !== null && Number(b.offset) !== Number(a.offset) + k * 0x1000)
    return false;
  for (const key in a) {
    if (key === "epc" || key === "offset" || key === "count") continue;
    if (a[key] !== b[key]) return false;
  }
  for (const key in b) if (key !== "count" && !(key in a)) return false;
  return true;
}

/**
 * Fold consecutive entries into range records (`count: N`, N ≥ 2), then periodic runs of records
 * into repeat records: docs/scenario-format.md, Compact traces. Works on any EPCM entry or kernel
 * page record; streams.
 */
export function compactEntries<T extends object>(items: Iterable<T>): Generator<T & { count?: number }> {
  return foldRepeats(foldRanges(items) as Iterable<Rec>) as Generator<T & { count?: number }>;
}

/** Fold consecutive entries into range records only (version 2 without repeat records). */
function* foldRanges<T extends object>(items: Iterable<T>): Generator<T & { count?: number }> {
  let head: Entry | undefined;
  let n = 0;
  for (const item of items) {
    // A range record in the input counts as its entries (so range records merge too).
    const e = item as unknown as Entry;
    const c = typeof e.count === "number" ? e.count : 1;
    if (head && follows(head, e, n)) {
      n += c;
      continue;
    }
    if (head) yield (n > 1 ? { ...head, count: n } : head) as unknown as T & { count?: number };
    head = e;
    n = c;
  }
  if (head) yield (n > 1 ? { ...head, count: n } : head) as unknown as T & { count?: number };
}

/** The inverse of compactEntries: every repeat and range record written out entry by entry (a version 1 list). */
export function* expandEntries<T extends { count?: number }>(items: Iterable<T>): Generator<T> {
  for (const item of expandRepeats(items as Iterable<Rec>) as Iterable<T>) {
    const { count, ...rest } = item as T & Entry;
    if (count === undefined) {
      yield item;
      continue;
    }
    for (let k = 0; k < count; k++)
      yield {
        ...rest,
        epc: rest.epc === null ? null : (rest.epc as number) + k,
        offset: rest.offset === null ? null : hex(Number(rest.offset) + k * 0x1000),
      } as unknown as T;
  }
}

/**
 * A step diff as range records, straight from its typed arrays (no object per page): entries
 * whose EPC index and offset advance by 1 and 0x1000 with the same flags, type and enclave.
 */
function* compactDiff(sim: Simulation, d: StepDiff): Generator<EpcmEntryJson & { count?: number }> {
  const n = d.epc.length;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    const off = d.offset[i];
    while (
      j < n &&
      d.epc[j] === d.epc[i] + (j - i) &&
      d.flags[j] === d.flags[i] &&
      d.pt[j] === d.pt[i] &&
      d.encl[j] === d.encl[i] &&
      (off < 0 ? d.offset[j] < 0 : d.offset[j] === off + (j - i) * 0x1000)
    )
      j++;
    const [entry] = sim.diffEntries(sliceDiff(d, i));
    yield j - i > 1 ? { ...entry, count: j - i } : entry;
    i = j;
  }
}

function sliceDiff(d: StepDiff, i: number): StepDiff {
  return {
    epc: d.epc.subarray(i, i + 1),
    flags: d.flags.subarray(i, i + 1),
    pt: d.pt.subarray(i, i + 1),
    encl: d.encl.subarray(i, i + 1),
    offset: d.offset.subarray(i, i + 1),
  };
}

/**
 * final.epcm as range records read off the EPCM's columns: one entry object per run of pages
 * with equal flags, type and owner and addresses advancing by 0x1000, not one per page. SECS and
 * VA pages, and pages whose owner is not a resident SECS, go one by one (foldRanges merges them).
 */
function* finalEpcmRuns(sim: Simulation): Generator<Rec> {
  const k = sim.kernel;
  const e = k.cpu.epc;
  const end = e.reachedEnd;
  let i = 0;
  while (i < end) {
    if (!e.isValid(i)) {
      i++;
      continue;
    }
    const head = sim.entryJson(i) as unknown as Rec;
    const pt = e.pt[i];
    const f = e.flags[i];
    const owner = e.owner[i];
    let j = i + 1;
    if (pt !== PT_SECS && pt !== PT_VA && k.enclaves.some((y) => y.secsEpc === owner))
      while (
        j < end &&
        e.flags[j] === f &&
        e.pt[j] === pt &&
        e.owner[j] === owner &&
        e.linaddr[j] === e.linaddr[i] + (j - i) * 0x1000
      )
        j++;
    yield j - i > 1 ? { ...head, count: j - i } : head;
    i = j;
  }
}

/** Stream the finished simulation's trace. Step `epcm` lists come from the compact diffs. */
export function writeTraceJson(
  sim: Simulation,
  write: (s: string) => void,
  version: TraceFormatVersion = 1,
): void {
  // The header and steps of the trace; final.epcm and final.pages are streamed from the model
  // (a 2^21-page run would otherwise hold millions of entry objects at once).
  const t = sim.trace({ final: false });
  const compact = version === 2;
  const format = compact ? TRACE_FORMAT_COMPACT : TRACE_FORMAT;
  write(`{"format":${JSON.stringify(format)},"title":${JSON.stringify(t.title)},`);
  write(`"machine":${JSON.stringify(t.machine)},"enclaves":${JSON.stringify(t.enclaves)},\n"steps":[\n`);
  t.steps.forEach((step, i) => {
    const { epcm: _, ...rest } = step;
    const events = compact
      ? rest.events.map((e) => (e.epcm ? { ...e, epcm: [...compactEntries(e.epcm)] } : e))
      : rest.events;
    const head = JSON.stringify({ ...rest, events, epcm: [] });
    write(head.slice(0, -3)); // everything before "[]}"
    writeArray(
      compact ? foldRepeats(compactDiff(sim, sim.diffs[i]) as Iterable<Rec>) : sim.diffEntries(sim.diffs[i]),
      write,
    );
    write(i < t.steps.length - 1 ? "},\n" : "}\n");
  });
  write('],\n"final":{"epcm":');
  writeArray(compact ? compactEntries(finalEpcmRuns(sim)) : sim.epcmEntries(), write);
  write(',"pages":');
  writeArray(compact ? compactEntries(sim.pageRecords(true)) : sim.pageRecords(), write);
  if (t.final.threads) write(`,"threads":${JSON.stringify(t.final.threads)}`);
  write(t.stopped ? `},"stopped":${JSON.stringify(t.stopped)}}\n` : "}}\n");
}
