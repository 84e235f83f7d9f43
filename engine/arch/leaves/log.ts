// One trace event per leaf execution: the leaf, its EPC operand and its outcome.

import { hex } from "../../vocabulary/hex.ts";
import { leafFaultBasis } from "../basis.ts";
import { sgxCodeName } from "../constants.ts";
import { type Cpu, isFault, type Outcome } from "../cpu.ts";

/** Why a leaf returned a status code, in the SDM's terms. */
const WHY: Record<number, string> = {
  2: "the enclave's attributes do not match the SIGSTRUCT's",
  3: "the page was already BLOCKED (informational, CF=1)",
  4: "MRENCLAVE does not match SIGSTRUCT.ENCLAVEHASH",
  5: "this page type cannot be blocked (CF=1)",
  6: "the EPCM entry is not VALID",
  9: "the page's MAC or version does not verify",
  10: "the page is not BLOCKED",
  11: "the change is not tracked yet: no ETRACK cycle has completed since it (an ETRACK after the change, then every thread that was inside has left)",
  12: "the VA slot was occupied; it is overwritten and the eviction completes (CF=1)",
  13: "the SECS still has child pages in the EPC",
  14: "a logical processor is executing inside the enclave",
  17: "the previous tracking cycle has not completed",
  18: "the page is a SECS (CF=1)",
  19: "the SECINFO does not match the page's EPCM entry",
  20: "the page is PENDING or MODIFIED: the enclave has not accepted its last change",
};

const ENCLU = new Set(["EENTER", "ERESUME", "EEXIT", "EACCEPT", "EACCEPTCOPY", "EMODPE"]);

/** Describe an outcome in a learner's words and record it. */
export function logLeaf(
  cpu: Cpu,
  leaf: string,
  epc: number,
  out: Outcome,
  success: string | (() => string),
  addr?: number,
): void {
  if (!cpu.log.on) return;
  const kind = ENCLU.has(leaf) ? "enclu" : "encls";
  const source = `SDM: ${kind.toUpperCase()}[${leaf}]`;
  if (isFault(out)) {
    const name = out.vector === 14 ? "#PF" : "#GP";
    cpu.log.push({
      kind: "fault",
      leaf,
      source,
      result: name,
      vector: out.vector,
      error_code: hex(out.code),
      ...(out.vector === 14 && kind === "enclu" ? { addr: hex(out.addr) } : {}),
      ...(epc >= 0 && cpu.epc.inEpc(epc) ? { epc } : {}),
      raised_by: out.raisedBy,
      ...leafFaultBasis(kind === "encls", out.vector, out.code),
      text: `${leaf} raises ${name}${out.vector === 14 ? ` (error code ${hex(out.code)})` : "(0)"}: ${out.why}.`,
    });
    return;
  }
  const ok = out === 0;
  cpu.log.push({
    kind,
    leaf,
    source,
    basis: "sdm", // SDM: the leaf page states the outcome and its status code
    result: ok ? "ok" : sgxCodeName(out),
    ...(epc >= 0 && cpu.epc.inEpc(epc) ? { epc } : {}),
    ...(addr !== undefined ? { addr: hex(addr) } : {}),
    text: ok
      ? `${leaf} ${typeof success === "function" ? success() : success}.`
      : `${leaf} returns ${sgxCodeName(out)} (${out}): ${WHY[out] ?? "see the SDM leaf page"}.`,
  });
}
