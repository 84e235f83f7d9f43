// The trace's view of threads that stayed inside an enclave and of their CPUs' TLBs (contract,
// "Logical processors, threads that stay inside, TLBs": final.threads).

import { rightsLetters } from "../arch/access.ts";
import type { Kernel } from "../kernel/kernel.ts";
import type { Thread } from "../kernel/vdso.ts";
import { E_MODIFIED, E_PENDING, E_RWX, PT_REG } from "../vocabulary/epcm.ts";
import { hex } from "../vocabulary/hex.ts";
import type { FinalThreadJson } from "./trace-types.ts";

export { userAccess } from "../kernel/uaccess.ts";

/**
 * The rights the EPCM grants enclave code on an EPC page at a linear address now (0 when the page
 * is not a valid, accepted REG page at that address): a cached translation with more is stale.
 */
export function epcmRights(k: Kernel, epc: number, linaddr: number): number {
  const e = k.cpu.epc;
  if (!e.isValid(epc) || e.pt[epc] !== PT_REG || e.linaddr[epc] !== linaddr) return 0;
  if (e.flags[epc] & (E_PENDING | E_MODIFIED)) return 0;
  return e.flags[epc] & E_RWX;
}

export function threadJson(k: Kernel, t: Thread, cpu: number): FinalThreadJson {
  const lp = k.cpu.lps[cpu];
  const tlb: FinalThreadJson["tlb"] = [];
  for (let i = 0; i < lp.tlbN; i++) {
    const lin = lp.tlbVpn[i] * 4096;
    const encl = k.enclaves.find((e) => e.created && lin >= e.base && lin < e.base + e.size);
    const rights = lp.tlbRights[i];
    tlb.push({
      enclave: encl?.name ?? t.encl.name,
      offset: hex(encl ? lin - encl.base : lin),
      rights: rightsLetters(rights),
      stale: (rights & ~epcmRights(k, lp.tlbEpc[i], lin)) !== 0,
    });
  }
  return { enclave: t.encl.name, tcs: hex(t.tcsOffset), cpu, tlb };
}
