// SGX2 ENCLS leaves the kernel uses for dynamic memory management: EAUG, EMODPR, EMODT
// (SDM Vol. 3D leaf pages; check order as in SDM: EAUG, EMODPR, EMODT).

import {
  E_MODIFIED,
  E_PENDING,
  E_PR,
  E_R,
  E_RWX,
  E_W,
  PT_REG,
  PT_TCS,
  PT_TRIM,
  pageTypeLabel,
  SECINFO_R,
  SECINFO_RESERVED_MASK,
  SECINFO_W,
  secinfoPageType,
} from "../../vocabulary/epcm.ts";
import { hex } from "../../vocabulary/hex.ts";
import { pageOffset, SGX_PAGE_NOT_MODIFIABLE } from "../constants.ts";
import { type Cpu, gp, type Outcome, pfEncls } from "../cpu.ts";
import { logLeaf } from "./log.ts";

/** ENCLS[EAUG]: add a zeroed, PENDING page (REG, RW-) to an initialized enclave. */
export function EAUG(cpu: Cpu, target: number, linaddr: number, secsEpc: number): Outcome {
  const out = eaug(cpu, target, linaddr, secsEpc);
  // A function of its own, not a closure: with the log off, an EAUG allocates nothing.
  if (cpu.log.on)
    logLeaf(
      cpu,
      "EAUG",
      target,
      out,
      `adds a zeroed page at ${cpu.label(linaddr)}: REG, RW-, PENDING until the enclave EACCEPTs it`,
    );
  return out;
}

/** EAUG's checks and effect, in the SDM's order. */
function eaug(cpu: Cpu, target: number, linaddr: number, secsEpc: number): Outcome {
  const { epc } = cpu;
  if (!epc.inEpc(target)) return pfEncls(target, "target page is not in the EPC");
  if (pageOffset(linaddr) !== 0) return gp("PAGEINFO.LINADDR is not 4 KiB aligned");
  if (!epc.inEpc(secsEpc)) return pfEncls(secsEpc, "PAGEINFO.SECS is not in the EPC");
  if (epc.isValid(target)) return pfEncls(target, "target EPCM entry is already VALID");
  const secs = cpu.secsOf(secsEpc);
  if (!secs) return pfEncls(secsEpc, "PAGEINFO.SECS is not a valid PT_SECS page");
  if (!secs.initialized) return gp("the enclave is not initialized");
  if (linaddr < secs.baseaddr || linaddr >= secs.baseaddr + secs.size)
    return gp("PAGEINFO.LINADDR is outside the enclave's ELRANGE");
  epc.zeroPage(target);
  epc.set(target, E_R | E_W | E_PENDING, PT_REG, secsEpc, linaddr);
  secs.childCount++;
  return 0;
}

/** ENCLS[EMODPR]: restrict a REG page's EPCM permissions (AND with SECINFO R/W/X) and set PR. */
export function EMODPR(cpu: Cpu, secinfo: number, target: number): Outcome {
  const { epc } = cpu;
  const out = ((): Outcome => {
    if (!epc.inEpc(target)) return pfEncls(target, "target page is not in the EPC");
    // Only the architecturally reserved bits are checked; PT and status bits are ignored (MODEL.md, Architecture).
    if (secinfo & SECINFO_RESERVED_MASK || (!(secinfo & SECINFO_R) && secinfo & SECINFO_W))
      return gp("SECINFO reserved bits set, or W=1 with R=0");
    if (!epc.isValid(target)) return pfEncls(target, "target EPCM entry is not VALID");
    const f = epc.flags[target];
    // PENDING/MODIFIED (→ 20) is checked before the page type (→ #PF): Linux's REMOVE_PAGES probe relies on it.
    if (f & (E_PENDING | E_MODIFIED)) return SGX_PAGE_NOT_MODIFIABLE;
    if (epc.pt[target] !== PT_REG)
      return pfEncls(target, `the page is PT_${epc.typeName(target)}, not PT_REG`);
    const secs = epc.secs.get(epc.owner[target]);
    if (!secs?.initialized) return gp("the enclave is not initialized");
    epc.setFlags(target, (f & ~E_RWX) | (f & secinfo & E_RWX) | E_PR);
    epc.modEpoch[target] = secs.epoch;
    return 0;
  })();
  logLeaf(
    cpu,
    "EMODPR",
    target,
    out,
    () =>
      `restricts the EPCM permissions to ${epc.isValid(target) ? epc.permString(target) : "?"} (AND with ${hex(secinfo & E_RWX)}) and sets PR`,
  );
  return out;
}

/** ENCLS[EMODT]: change a page's type to TCS or TRIM; RWX become 0 and MODIFIED is set. */
export function EMODT(cpu: Cpu, secinfo: number, target: number): Outcome {
  const { epc } = cpu;
  const newPt = secinfoPageType(secinfo);
  const out = ((): Outcome => {
    if (!epc.inEpc(target)) return pfEncls(target, "target page is not in the EPC");
    if (secinfo & SECINFO_RESERVED_MASK || (newPt !== PT_TCS && newPt !== PT_TRIM))
      return gp("SECINFO reserved bits set, or the new type is neither PT_TCS nor PT_TRIM");
    if (!epc.isValid(target)) return pfEncls(target, "target EPCM entry is not VALID");
    const pt = epc.pt[target];
    // Allowed: REG→TCS, REG→TRIM, TCS→TRIM. The type is checked before PENDING/MODIFIED here (unlike EMODPR).
    if (!(pt === PT_REG || (pt === PT_TCS && newPt === PT_TRIM)))
      return pfEncls(target, `PT_${epc.typeName(target)} cannot become PT_${pageTypeLabel(newPt)}`);
    const f = epc.flags[target];
    if (f & (E_PENDING | E_MODIFIED)) return SGX_PAGE_NOT_MODIFIABLE;
    const secs = epc.secs.get(epc.owner[target]);
    if (!secs?.initialized) return gp("the enclave is not initialized");
    epc.pt[target] = newPt;
    epc.setFlags(target, (f & ~(E_RWX | E_PR)) | E_MODIFIED);
    epc.modEpoch[target] = secs.epoch;
    return 0;
  })();
  logLeaf(
    cpu,
    "EMODT",
    target,
    out,
    () =>
      `changes the page type to ${pageTypeLabel(newPt)}, clears R/W/X and sets MODIFIED until the enclave accepts`,
  );
  return out;
}
