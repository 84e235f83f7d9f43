// Faults as the SDM writes them: "#PF 0x8007" (vector mnemonic and error code).
import type { TraceEvent } from "../../engine/client.ts";

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
