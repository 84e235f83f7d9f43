// Repeat records of epcm-trace/2 (docs/scenario-format.md, Compact traces): a group of up to
// MAX_PERIOD records written once with `repeat: K` and a `step`, standing for the group written K
// times, copy k with each field named in `step` advanced by k times its step (a null stays null).
// The driver takes a VA page for every 512 enclave pages (encl.c: sgx_encl_grow()), so a long
// run of EAUGs is "512 REG pages, one VA page" over and over: one repeat record of two records.

import { hex } from "../vocabulary/hex.ts";

/** One record of an EPCM list or of final.pages, as written. */
export type Rec = Record<string, unknown>;

/** A repeat record: `records` written `repeat` times, copy k advanced by k × `step`. */
export interface RepeatRecord {
  repeat: number;
  /** Per copy: epc, va_page and va_slot as numbers; offset as a hex string. */
  step: Record<string, number | string>;
  records: Rec[];
}

/** The fields a repeat record may advance; every other field is equal in every copy. */
const STEP_FIELDS = new Set(["epc", "offset", "va_page", "va_slot"]);
/** Longest group looked for (records per copy). */
const MAX_PERIOD = 4;
/** Fewest copies worth a repeat record (two are as short written out, and easier to read). */
const MIN_REPEAT = 3;
/** How far the writer keeps records it has passed before dropping them. */
const KEEP = 4096;

/** Hex offsets parsed once: the fold compares the same group against thousands of copies. */
const parsed = new Map<string, number>();

function num(v: unknown): number {
  if (typeof v !== "string") return v as number;
  let n = parsed.get(v);
  if (n === undefined) {
    if (parsed.size >= 4096) parsed.clear();
    n = Number(v);
    parsed.set(v, n);
  }
  return n;
}

export function isRepeatRecord(r: unknown): r is RepeatRecord {
  return typeof r === "object" && r !== null && "repeat" in r && Array.isArray((r as Rec).records);
}

/** The per-copy advance taking group `buf[pos, pos + p)` to the next p records, if there is one. */
function groupStep(buf: Rec[], pos: number, p: number): Map<string, number> | undefined {
  const step = new Map<string, number>();
  for (let i = 0; i < p; i++) {
    const a = buf[pos + i];
    const b = buf[pos + p + i];
    if (isRepeatRecord(a) || isRepeatRecord(b)) return undefined;
    for (const key of STEP_FIELDS) {
      const av = a[key];
      const bv = b[key];
      if (av === null || av === undefined || bv === null || bv === undefined) {
        if (av !== bv) return undefined;
        continue;
      }
      const d = num(bv) - num(av);
      const seen = step.get(key);
      if (seen === undefined) step.set(key, d);
      else if (seen !== d) return undefined;
    }
  }
  // Offsets are written as hex strings: only forward steps.
  if ((step.get("offset") ?? 0) < 0) return undefined;
  return isCopy(buf, pos, p, 1, step) ? step : undefined;
}

/** Whether the k-th group after `buf[pos, pos + p)` is that group advanced by k × step. */
function isCopy(buf: Rec[], pos: number, p: number, k: number, step: Map<string, number>): boolean {
  for (let i = 0; i < p; i++) {
    const a = buf[pos + i];
    const b = buf[pos + k * p + i];
    if (isRepeatRecord(b)) return false;
    let keys = 0;
    for (const key in a) {
      keys++;
      if (!(key in b)) return false;
      const av = a[key];
      const bv = b[key];
      if (STEP_FIELDS.has(key) && av !== null && av !== undefined) {
        if (bv === null || bv === undefined || num(bv) !== num(av) + k * (step.get(key) ?? 0)) return false;
      } else if (av !== bv) return false;
    }
    for (const _ in b) keys--;
    if (keys !== 0) return false;
  }
  return true;
}

/**
 * Fold periodic runs of records into repeat records. At each record, the group length (1 to
 * MAX_PERIOD) whose copies cover the most records wins (the shorter on a tie), if it repeats at
 * least MIN_REPEAT times; the fold is deterministic, so folding an expanded list gives it back.
 */
export function* foldRepeats(items: Iterable<Rec>): Generator<Rec> {
  const it = items[Symbol.iterator]();
  let buf: Rec[] = [];
  let pos = 0;
  let done = false;
  const have = (n: number): boolean => {
    while (!done && buf.length < n) {
      const r = it.next();
      if (r.done) done = true;
      else buf.push(r.value);
    }
    return buf.length >= n;
  };
  while (have(pos + 1)) {
    let best: { p: number; k: number; step: Map<string, number> } | undefined;
    for (let p = 1; p <= MAX_PERIOD && have(pos + 2 * p); p++) {
      const step = groupStep(buf, pos, p);
      if (!step) continue;
      let k = 2;
      while (have(pos + (k + 1) * p) && isCopy(buf, pos, p, k, step)) k++;
      if (k >= MIN_REPEAT && (!best || k * p > best.k * best.p)) best = { p, k, step };
    }
    if (best) {
      const step: Record<string, number | string> = {};
      for (const [key, d] of best.step) if (d !== 0) step[key] = key === "offset" ? hex(d) : d;
      const out: RepeatRecord = { repeat: best.k, step, records: buf.slice(pos, pos + best.p) };
      yield out as unknown as Rec;
      pos += best.k * best.p;
    } else yield buf[pos++];
    if (pos > KEEP) {
      buf = buf.slice(pos);
      pos = 0;
    }
  }
}

/** Copy k of a record of a repeat record. */
function advance(r: Rec, step: Record<string, number | string>, k: number): Rec {
  if (k === 0) return r;
  const out = { ...r };
  for (const key in step) {
    const v = r[key];
    if (v === null || v === undefined) continue;
    const d = k * num(step[key]);
    out[key] = typeof v === "string" ? hex(Number(v) + d) : (v as number) + d;
  }
  return out;
}

/** Every repeat record written out as its copies (range records are left as they are). */
export function* expandRepeats(items: Iterable<Rec>): Generator<Rec> {
  for (const item of items) {
    if (!isRepeatRecord(item)) {
      yield item;
      continue;
    }
    for (let k = 0; k < item.repeat; k++) for (const r of item.records) yield advance(r, item.step, k);
  }
}
