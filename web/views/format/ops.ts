// An op and its outcome in a learner's words: "ioctl SGX_IOC_ENCLAVE_ADD_PAGES 0x0 +0x2000",
// the op's fields as written, and what user space got back. Formats the trace only.
import type { TraceStep } from "../../engine/client.ts";
import { faultLabel } from "./faults.ts";

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
  } else if (step.ret === undefined && step.thread) {
    // A thread that stayed inside: the vDSO has not returned (docs/scenario-format.md, "Threads").
    parts.push(`stays inside on CPU ${step.thread.cpu}`);
  } else {
    parts.push(step.errno ? `${step.ret} ${step.errno}` : `ret ${step.ret}`);
  }
  if (step.value !== undefined) parts.push(`value ${step.value}`);
  if (step.signal !== undefined) parts.push(step.signal);
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

/** A step's outcome on one line, as a tour stop's claims and the narration sum it up. */
export function outcomeSummary(step: TraceStep): string {
  return outcomeParts(step).join(" · ");
}
