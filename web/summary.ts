// Plain-text summaries of one trace step for the trace table. These only format what the
// engine reported; they never compute EPC or EPCM state.
import type { TraceStep } from "../engine/index.ts";

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
        ? `${run.function} ${vectorName(run.exception_vector)} ${run.exception_error_code}`
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
