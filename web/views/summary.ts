// Plain-language summaries of what the engine reported: one-liners for an op and its outcome,
// fault labels, timeline markers, the narration's lanes and the EPCM changes of a step. These
// only format the trace and the views the engine sent; they never compute EPC or EPCM state.
import type { EpcColumns, TraceEvent, TraceStep } from "../engine/client.ts";
export const DEFAULT_FLOW = "augment";

const VECTOR_NAMES: Record<number, string> = {
  0: "#DE",
  1: "#DB",
  3: "#BP",
  6: "#UD",
  13: "#GP",
  14: "#PF",
  17: "#AC",
};

/** "#PF" for vector 14, "#GP" for 13, "vector N" for anything without a mnemonic here. */
export function vectorName(vector: number): string {
  return VECTOR_NAMES[vector] ?? `vector ${vector}`;
}

/** "#PF 0x8007": the vector's mnemonic and the error code, as the SDM writes them. */
export function faultLabel(vector: number, errorCode: string | undefined): string {
  return `${vectorName(vector)} ${errorCode ?? "0x0"}`;
}

/** The fault label of an event that carries a vector (fault events), else undefined. */
export function eventFaultLabel(e: TraceEvent): string | undefined {
  return e.vector !== undefined ? faultLabel(e.vector, e.error_code) : undefined;
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

export const PAGE_TYPES = ["SECS", "TCS", "REG", "VA", "TRIM"] as const;

export function pageTypeName(pt: number): string {
  return PAGE_TYPES[pt] ?? `type ${pt}`;
}

/** R 1, W 2, X 4 (EPCM perms, vm_max_prot_bits and PROT_* share these bits) as "RW-". */
export function permString(bits: number): string {
  return (bits & 1 ? "R" : "-") + (bits & 2 ? "W" : "-") + (bits & 4 ? "X" : "-");
}

export const FLAG_BITS: Array<[string, number]> = [
  ["PENDING", 8],
  ["MODIFIED", 16],
  ["PR", 32],
  ["BLOCKED", 64],
];

/** The set bits among PENDING MODIFIED PR BLOCKED of an EPCM flag byte. */
export function flagNames(flags: number): string[] {
  return FLAG_BITS.filter(([, bit]) => flags & bit).map(([name]) => name);
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function range(fields: Record<string, unknown> | undefined): string {
  if (!fields) return "";
  const offset = text(fields.offset);
  const length = text(fields.length);
  if (offset === undefined) return "";
  return length === undefined ? ` ${offset}` : ` ${offset} +${length}`;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}

/** The op as a learner would say it: "ioctl SGX_IOC_ENCLAVE_ADD_PAGES 0x0 +0x2000", "EENTER write 0xc000". */
export function opSummary(op: Record<string, unknown>): string {
  const name = text(op.op) ?? "?";
  const arg = record(op.arg);
  switch (name) {
    case "ioctl": {
      const cmd = text(op.cmd) ?? text(arg?.cmd) ?? "?";
      return `ioctl ${cmd}${range(arg)}`;
    }
    case "mmap":
    case "mprotect":
    case "munmap":
      return `${name}${range(op)}`;
    case "EENTER": {
      let s = `EENTER ${text(op.call) ?? "?"}`;
      const addr = text(op.addr);
      if (addr !== undefined) s += ` ${addr}`;
      const pages = text(op.pages);
      if (pages !== undefined) s += ` ×${pages}`;
      return s;
    }
    case "ERESUME":
      return `ERESUME tcs ${text(op.tcs) ?? "0x0"}`;
    case "reclaim":
      return `reclaim ${text(op.pages) ?? "?"}`;
    default:
      return name;
  }
}

/** A value as a learner reads it: `{ossa 0x7000, nssa 0x1}`, `[a, b]`, or the text itself. */
function compact(value: unknown): string | undefined {
  if (Array.isArray(value)) return `[${value.map((v) => compact(v) ?? "").join(", ")}]`;
  const r = record(value);
  if (r) {
    const inner = Object.entries(r).map(([k, v]) => `${k} ${compact(v) ?? ""}`);
    return `{${inner.join(", ")}}`;
  }
  return text(value);
}

/** The op's fields as written ("size=0x10000", "prot=PROT_READ|PROT_WRITE"), the ioctl's struct flattened. */
export function opFields(op: Record<string, unknown>, omitSummarised = false): string[] {
  const out: string[] = [];
  // Fields opSummary already shows.
  const name = text(op.op);
  const shown = new Set(["op", "cmd"]);
  if (omitSummarised) {
    if (name === "EENTER") for (const k of ["call", "addr", "pages"]) shown.add(k);
    else if (name === "ERESUME") shown.add("tcs");
    else if (name === "reclaim") shown.add("pages");
    else if (name === "mmap" || name === "mprotect" || name === "munmap")
      for (const k of ["offset", "length"]) shown.add(k);
  }
  const shownInArg =
    omitSummarised && name === "ioctl" ? new Set(["cmd", "offset", "length"]) : new Set(["cmd"]);
  for (const [key, value] of Object.entries(op)) {
    if (shown.has(key)) continue;
    const inner = key === "arg" ? record(value) : undefined;
    if (inner) {
      for (const [k, v] of Object.entries(inner))
        if (!shownInArg.has(k) && compact(v) !== undefined) out.push(`${k}=${compact(v)}`);
    } else if (compact(value) !== undefined) out.push(`${key}=${compact(value)}`);
  }
  return out;
}

/**
 * What the step returned, in the order user space sees it: the vDSO's run record (function,
 * exception vector and error code), the enclave call's own result, or the syscall's ret/errno
 * and the ioctl's output fields.
 */
export function outcomeParts(step: TraceStep): string[] {
  const parts: string[] = [];
  const { run, call } = step;
  if (run) {
    parts.push(
      run.exception_vector !== 0
        ? `${run.function} ${faultLabel(run.exception_vector, run.exception_error_code)}`
        : run.function,
    );
    if (step.ret !== 0 || step.errno)
      parts.push(step.errno ? `ret ${step.ret} ${step.errno}` : `ret ${step.ret}`);
  } else {
    parts.push(step.errno ? `${step.ret} ${step.errno}` : `ret ${step.ret}`);
  }
  if (step.arg) {
    for (const [key, value] of Object.entries(step.arg)) parts.push(`${key} ${value}`);
  }
  if (call) {
    if (call.ret_name !== undefined) parts.push(call.ret_name);
    else if (call.ret !== undefined) parts.push(`status ${call.ret}`);
    if (call.value !== undefined) parts.push(`value ${call.value}`);
  }
  if (step.repeated !== undefined) parts.push(`${step.repeated} entries`);
  if (step.stalled) parts.push("stalled");
  return parts;
}

export function outcomeSummary(step: TraceStep): string {
  return outcomeParts(step).join(" · ");
}

/** The flow to show first: `?flow=<id>` from the page's query string, else the default flow. */
export function flowFromSearch(search: string): string {
  const id = new URLSearchParams(search).get("flow")?.trim();
  return id ? id : DEFAULT_FLOW;
}

// ---------------------------------------------------------------------------------------------
// Events

export const KIND_LABELS: Record<TraceEvent["kind"], string> = {
  syscall: "syscall",
  kernel: "kernel",
  encls: "ENCLS",
  enclu: "ENCLU",
  access: "access",
  fault: "fault",
  aex: "AEX",
  mm: "mm",
  reclaim: "reclaim",
  vdso: "vDSO",
};

/** Who acted in an event: user space (the vDSO), the kernel, or the CPU. */
export type Lane = "user" | "kernel" | "cpu";

export function laneOf(kind: TraceEvent["kind"]): Lane {
  switch (kind) {
    case "vdso":
      return "user";
    case "syscall":
    case "kernel":
    case "mm":
    case "reclaim":
      return "kernel";
    default:
      return "cpu";
  }
}

/**
 * The function or leaf an event's source names: "ioctl.c: sgx_ioctl()" → "sgx_ioctl()",
 * "SDM: ENCLS[EAUG]" → "ENCLS[EAUG]", "mm/mmap.c" → "mm/mmap.c".
 */
export function functionOf(source: string): string {
  const i = source.indexOf(": ");
  return i >= 0 ? source.slice(i + 2) : source;
}

/** The CPU's part of an event in a few words: "EAUG → ok", "EENTER #PF 0x4 (page tables)", "#PF 0x8007 (EPCM)". */
export function cpuSummary(e: TraceEvent): string {
  const fault = eventFaultLabel(e);
  if (fault) {
    const by = e.raised_by ? ` (${e.raised_by})` : "";
    return e.leaf ? `${e.leaf} ${fault}${by}` : `${fault}${by}`;
  }
  const what = e.leaf ?? KIND_LABELS[e.kind];
  return e.result ? `${what} → ${e.result}` : what;
}

// ---------------------------------------------------------------------------------------------
// Timeline markers

/**
 * What makes a step stand out: an exception reported to user space, an ioctl/syscall error
 * (errno), an SGX status code returned by the enclave call, an unmet expectation, or faults
 * taken (and resolved) inside the step.
 */
export type MarkerKind = "exception" | "errno" | "status" | "unmet" | "fault";

export const MARKER_SEVERITY: MarkerKind[] = ["exception", "errno", "status", "unmet", "fault"];

export const MARKER_NAMES: Record<MarkerKind, string> = {
  exception: "exception reported",
  errno: "error returned",
  status: "SGX status code",
  unmet: "unmet expectation",
  fault: "faults inside the step",
};

export interface StepMarker {
  /** The timeline position (steps completed) that shows this step: its 1-based number. */
  step: number;
  kind: MarkerKind;
  /** A few words: "#PF 0x8007", "EPERM", "SGX_PAGE_ATTRIBUTES_MISMATCH". */
  short: string;
  /** What happened, without the step: "#PF 0x8007 at offset 0xc000, reported to user space by ERESUME". */
  detail: string;
}

/** "#PF 0x4 ×2, #PF 0x6": equal labels counted, in first-seen order. */
function countLabels(labels: string[]): string[] {
  if (labels.length === 1) return labels;
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].map(([l, n]) => (n > 1 ? `${l} ×${n}` : l));
}

/** A marker's whole story for hover and assistive technology: "Step 12 (EENTER write 0xc000): …". */
export function markerLabel(m: StepMarker, steps?: TraceStep[]): string {
  const st = steps?.[m.step - 1];
  return st ? `Step ${m.step} (${opSummary(st.op)}): ${m.detail}` : `Step ${m.step}: ${m.detail}`;
}

/**
 * The markers of one step, most severe first. `major` markers (exception, errno, status,
 * unmet) go in the timeline's upper lane; faults resolved inside the step in the lower one.
 */
export function stepMarkers(step: TraceStep, position: number): StepMarker[] {
  const out: StepMarker[] = [];
  const run = step.run;
  if (run && run.exception_vector !== 0) {
    const short = faultLabel(run.exception_vector, run.exception_error_code);
    const offset =
      run.exception_offset && run.exception_offset !== "0x0" ? ` at offset ${run.exception_offset}` : "";
    out.push({
      step: position,
      kind: "exception",
      short,
      detail: `${short}${offset}, reported to user space by ${run.function}`,
    });
  }
  if (step.errno) {
    out.push({
      step: position,
      kind: "errno",
      short: step.errno,
      detail: `returned ${step.ret} with errno ${step.errno}`,
    });
  }
  if (step.call?.ret !== undefined && step.call.ret !== 0) {
    const short = step.call.ret_name ?? `status ${step.call.ret}`;
    out.push({ step: position, kind: "status", short, detail: `the enclave's leaf returned ${short}` });
  }
  if (step.unmet && step.unmet.length > 0) {
    out.push({
      step: position,
      kind: "unmet",
      short: step.unmet.length === 1 ? "expectation not met" : `${step.unmet.length} expectations not met`,
      detail: step.unmet.join("; "),
    });
  }
  const faults: string[] = [];
  for (const e of step.events)
    if (e.kind === "fault" && e.vector !== undefined) faults.push(faultLabel(e.vector, e.error_code));
  if (faults.length > 0) {
    const list = countLabels(faults).join(", ");
    out.push({
      step: position,
      kind: "fault",
      short: list,
      detail: `faults taken inside the step: ${list}`,
    });
  }
  return out;
}

/** Every step's markers, in step order. */
export function buildMarkers(steps: TraceStep[]): StepMarker[] {
  const out: StepMarker[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    // Cheap test first: most steps have nothing to mark.
    if (
      !s.errno &&
      !s.unmet &&
      !(s.run && s.run.exception_vector !== 0) &&
      !(s.call?.ret !== undefined && s.call.ret !== 0) &&
      !s.events.some((e) => e.kind === "fault")
    )
      continue;
    for (const m of stepMarkers(s, i + 1)) out.push(m);
  }
  return out;
}

export function isMajor(kind: MarkerKind): boolean {
  return kind !== "fault";
}

/** Markers that fall on the same few pixels, drawn as one (with a count). */
export interface MarkerBin {
  /** First and last step of the markers in the bin. */
  from: number;
  to: number;
  /** The most severe kind in the bin. */
  kind: MarkerKind;
  count: number;
  /** The step to seek to when the bin is clicked: the first marker of the most severe kind. */
  target: number;
  short: string;
  label: string;
}

/**
 * Groups markers (sorted by step) whose pixel positions fall in the same `gap`-wide bucket, so a
 * run of 100,000 steps still draws a few hundred marks at most.
 */
export function binMarkers(
  markers: StepMarker[],
  x: (step: number) => number,
  gap: number,
  steps?: TraceStep[],
): MarkerBin[] {
  const bins: MarkerBin[] = [];
  let group: StepMarker[] = [];
  let bucket = Number.NaN;
  const flush = () => {
    if (group.length === 0) return;
    let best = group[0];
    for (const m of group) if (MARKER_SEVERITY.indexOf(m.kind) < MARKER_SEVERITY.indexOf(best.kind)) best = m;
    const from = group[0].step;
    const to = group[group.length - 1].step;
    if (group.length === 1) {
      bins.push({
        from,
        to,
        kind: best.kind,
        count: 1,
        target: best.step,
        short: best.short,
        label: markerLabel(best, steps),
      });
    } else {
      const shorts = countLabels(group.map((m) => m.short));
      const shown =
        shorts.slice(0, 4).join(", ") + (shorts.length > 4 ? `, and ${shorts.length - 4} more` : "");
      const where = from === to ? `Step ${from}` : `Steps ${from}–${to}`;
      bins.push({
        from,
        to,
        kind: best.kind,
        count: group.length,
        target: best.step,
        short: best.short,
        label: `${where}: ${group.length} marks: ${shown}`,
      });
    }
    group = [];
  };
  for (const m of markers) {
    const b = Math.floor(x(m.step) / gap);
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    group.push(m);
  }
  flush();
  return bins;
}

// ---------------------------------------------------------------------------------------------
// EPCM changes: after (from the engine's view) and before (the trace's last recorded entry)

/** An EPCM entry as the narration lists it. */
export interface EntryLite {
  valid: boolean;
  type: string | null;
  perms: string;
  flags: string[];
  enclave: string | null;
  offset: string | null;
}

/** The entry of EPC page `epc` in the engine's view columns. */
export function entryFromColumns(epc: EpcColumns, i: number, names: string[]): EntryLite {
  const f = epc.flags[i];
  const valid = (f & 0x80) !== 0;
  const owner = epc.encl[i];
  const offset = epc.offset[i];
  return {
    valid,
    type: valid ? pageTypeName(epc.pt[i]) : null,
    perms: valid ? permString(f) : "---",
    flags: flagNames(f),
    enclave: valid && owner >= 0 ? (names[owner] ?? null) : null,
    offset: valid && offset >= 0 ? hex(offset) : null,
  };
}

type RecordedEntry = NonNullable<TraceEvent["epcm"]>[number];

function entryFromRecord(e: RecordedEntry): EntryLite {
  const flags: string[] = [];
  if (e.pending) flags.push("PENDING");
  if (e.modified) flags.push("MODIFIED");
  if (e.pr) flags.push("PR");
  if (e.blocked) flags.push("BLOCKED");
  return {
    valid: e.valid,
    type: e.valid ? e.type : null,
    perms: e.valid ? e.perms : "---",
    flags,
    enclave: e.enclave,
    offset: e.offset,
  };
}

/** "REG RW- PENDING", "VA", "free". */
export function entryText(e: EntryLite): string {
  if (!e.valid) return "free";
  const parts = [e.type ?? "?"];
  if (e.type === "REG" || e.type === "TRIM" || e.perms !== "---") parts.push(e.perms);
  return [...parts, ...e.flags].join(" ");
}

/**
 * Where each EPC page's entry was recorded in the trace (events' `epcm` deltas), so "before" can
 * be read without asking the engine again. Built once per run.
 */
export class ChangeIndex {
  /** Global ordinal of each step's first event. */
  private readonly start: Int32Array;
  private readonly byPage = new Map<number, { at: number[]; entries: RecordedEntry[] }>();
  /** Ordinals of events whose delta list was capped (`epcm_more`): pages may be missing there. */
  private readonly capped: number[] = [];

  constructor(private readonly steps: TraceStep[]) {
    this.start = new Int32Array(steps.length + 1);
    let n = 0;
    for (let s = 0; s < steps.length; s++) {
      this.start[s] = n;
      for (const e of steps[s].events) {
        if (e.epcm) {
          for (const d of e.epcm) {
            let p = this.byPage.get(d.epc);
            if (!p) {
              p = { at: [], entries: [] };
              this.byPage.set(d.epc, p);
            }
            p.at.push(n);
            p.entries.push(d);
          }
        }
        if (e.epcm_more) this.capped.push(n);
        n++;
      }
    }
    this.start[steps.length] = n;
  }

  /**
   * The entry of EPC page `epc` as last recorded before position (`step`, `event`): before
   * step `step` when `event` is null, else before that event. null when the page was never
   * recorded (free since the start); "unknown" when a capped delta list may hide it.
   */
  before(epc: number, step: number, event: number | null): EntryLite | null | "unknown" {
    if (step < 1) return null;
    const s = Math.min(step, this.steps.length) - 1;
    const limit = event === null ? this.start[s] : this.start[s] + event; // exclusive
    const p = this.byPage.get(epc);
    let found = -1;
    if (p) {
      let lo = 0;
      let hi = p.at.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (p.at[mid] < limit) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
    }
    const foundAt = found >= 0 && p ? p.at[found] : -1;
    // A capped list after the last recorded entry may have changed the page without listing it.
    for (let i = this.capped.length - 1; i >= 0; i--) {
      const c = this.capped[i];
      if (c >= limit) continue;
      if (c > foundAt) return "unknown";
      break;
    }
    return found >= 0 && p ? entryFromRecord(p.entries[found]) : null;
  }
}

const indexCache = new WeakMap<TraceStep[], ChangeIndex>();

export function changeIndex(steps: TraceStep[]): ChangeIndex {
  let idx = indexCache.get(steps);
  if (!idx) {
    idx = new ChangeIndex(steps);
    indexCache.set(steps, idx);
  }
  return idx;
}

export interface PageChange {
  epc: number;
  /** "e0+0xc000", "e0 SECS", "VA page" or "" for a freed page. */
  where: string;
  before: string;
  after: string;
}

function whereOf(e: EntryLite): string {
  if (!e.valid) return "";
  if (e.type === "SECS") return e.enclave ? `${e.enclave} SECS` : "SECS";
  if (e.type === "VA") return e.enclave ? `${e.enclave} VA page` : "VA page";
  if (e.enclave && e.offset) return `${e.enclave}+${e.offset}`;
  return e.offset ?? "";
}

/**
 * The EPCM changes the view reports (`changed`), at most `limit` of them: where, before → after.
 * "After" is the engine's view; "before" is the trace's last recorded entry for that page.
 */
export function pageChanges(
  changed: Int32Array,
  epc: EpcColumns,
  names: string[],
  steps: TraceStep[],
  step: number,
  event: number | null,
  limit = 12,
): PageChange[] {
  const idx = changeIndex(steps);
  const out: PageChange[] = [];
  for (let i = 0; i < changed.length && out.length < limit; i++) {
    const page = changed[i];
    const after = entryFromColumns(epc, page, names);
    const before = idx.before(page, step, event);
    const beforeText = before === "unknown" ? "not recorded" : before === null ? "free" : entryText(before);
    const where = whereOf(after) || (before && before !== "unknown" ? whereOf(before) : "");
    out.push({ epc: page, where, before: beforeText, after: entryText(after) });
  }
  return out;
}
