// The events of a step by who acted (user space, kernel, CPU) and in a few words.
import type { TraceEvent } from "../../engine/client.ts";
import { eventFaultLabel } from "./faults.ts";

export const KIND_LABELS: Record<TraceEvent["kind"], string> = {
  syscall: "syscall",
  kernel: "kernel",
  encls: "ENCLS",
  enclu: "ENCLU",
  access: "access",
  fault: "fault",
  aex: "AEX",
  ipi: "IPI",
  "tlb-hit": "TLB hit",
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
    case "ipi":
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
