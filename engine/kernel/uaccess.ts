// User space touching its own mapping of an enclave, outside enclave mode (contract: "User space
// touching its enclave mapping"). The access goes through the page tables; a missing PTE reaches
// the driver's fault handler (encl.c: sgx_vma_fault()); an access that reaches an EPC page from
// outside enclave mode hits the abort page: reads return all ones, writes are dropped.

import { isPageFault, NON_EPC, pageFaultCode } from "../arch/access.ts";
import { VEC_PF } from "../arch/constants.ts";
import { hex } from "../vocabulary/hex.ts";
import type { Encl } from "./encl.ts";
import { type FaultResult, faultLocked, sgxVmaFault } from "./fault.ts";
import type { Kernel } from "./kernel.ts";
import { drain, faultLockBoundary, faultUnlockBoundary } from "./locks.ts";
import { runKsgxd } from "./main.ts";

export interface UserAccessResult {
  value?: bigint;
  signal?: "SIGBUS" | "SIGSEGV";
}

/** A retry bound for the fault-and-retry loop (as for enclave accesses, kernel/vdso.ts). */
const MAX_RETRIES = 64;

export { EAUG_LOCK, EAUG_UNLOCK } from "./locks.ts";

export function userAccess(
  k: Kernel,
  encl: Encl,
  offset: number,
  kind: "read" | "write",
  value: bigint,
): UserAccessResult {
  return drain(userAccessSteps(k, encl, offset, kind, value));
}

/** userAccess() yielding at each lock boundary it reaches (for races). */
export function* userAccessSteps(
  k: Kernel,
  encl: Encl,
  offset: number,
  kind: "read" | "write",
  value: bigint,
): Generator<string, UserAccessResult> {
  const addr = encl.base + offset;
  k.ev(
    "syscall",
    () =>
      kind === "read"
        ? `User space loads 8 bytes from ${k.label(addr)}, outside enclave mode.`
        : `User space stores 0x${value.toString(16)} to ${k.label(addr)}, outside enclave mode.`,
    "scenario: access",
    { basis: "model", basis_ref: "engine/MODEL.md: Many CPUs" },
  );
  for (let retries = 0; ; retries++) {
    const t = k.mm.translate(addr, kind);
    if (isPageFault(t)) {
      const code = pageFaultCode(t);
      k.ev(
        "fault",
        () =>
          `#PF ${hex(code)} at ${k.label(addr)}: ${code & 1 ? "the PTE does not allow this access" : "no PTE maps the address"}.`,
        "SDM Vol. 3A §4.7 (page-fault error code)",
        {
          result: "#PF",
          vector: VEC_PF,
          error_code: hex(code),
          addr: hex(addr),
          offset: k.label(addr),
          raised_by: "page tables",
          basis: "sdm",
        },
      );
      const f = retries < MAX_RETRIES ? sgxVmaFault(k, addr, code) : "SIGBUS";
      let r: FaultResult;
      if (typeof f === "string") r = f;
      else {
        yield faultLockBoundary(f.eaug);
        r = faultLocked(k, f);
        yield faultUnlockBoundary(f.eaug, r);
      }
      // WAIT: the page is busy on another CPU; the access is retried (a race lets the others go first).
      if (r === "NOPAGE" || r === "WAIT") continue;
      if (r === "BUSY") {
        runKsgxd(k);
        continue;
      }
      // do_user_addr_fault(): a bad area is SIGSEGV; VM_FAULT_SIGBUS (and OOM here) is SIGBUS.
      const signal = r === "BAD_AREA" ? "SIGSEGV" : "SIGBUS";
      k.ev("kernel", `The kernel sends ${signal} to the process.`, "fault.c: do_user_addr_fault()", {
        result: signal,
        basis: "kernel",
      });
      return { signal };
    }
    if (t === NON_EPC) {
      // Not EPC memory: an enclave mapping never maps anything else; read zeros, keep nothing.
      return kind === "read" ? { value: 0n } : {};
    }
    k.ev(
      "access",
      () =>
        kind === "read"
          ? `The load reaches EPC page ${t} from outside enclave mode: it hits the abort page and reads all ones.`
          : `The store reaches EPC page ${t} from outside enclave mode: it hits the abort page and is dropped.`,
      "SDM §38.1: non-enclave access to EPC (abort page)",
      { epc: t, basis: "model", basis_ref: "engine/MODEL.md: Many CPUs" },
    );
    return kind === "read" ? { value: 0xffffffffffffffffn } : {};
  }
}
