// Memory accesses from inside an enclave (SDM Vol. 3D §38.3 "Access-control requirements"; the
// SDM: access-control requirements): ordinary paging checks first, then the EPCM checks. An EPCM violation is a
// #PF with the SGX bit (0x8000) | P | U, plus W for a write and I/D for a fetch.

import { E_BLOCKED, E_MODIFIED, E_PENDING, E_R, E_RWX, E_W, E_X, PT_REG } from "../vocabulary/epcm.ts";
import { PF_I, PF_P, PF_SGX, PF_U, PF_W, pageOffset, VEC_PF } from "./constants.ts";
import { type Cpu, type Fault, gp, type LogicalProcessor, tlbFill, tlbFind } from "./cpu.ts";

export type AccessKind = "read" | "write" | "fetch";

/** translate() result for a linear address that maps to ordinary (non-EPC) memory. */
export const NON_EPC = -1;

/**
 * enclaveAccess() result for an access outside ELRANGE that lands on an EPC page (another
 * enclave's): a non-enclave access to the EPC. The SDM leaves it undefined; real parts behave as
 * an abort page (reads return all ones, writes are dropped), which is what the model does.
 */
export const ABORT_PAGE = -3;

/**
 * The page tables as the CPU walks them (implemented by the kernel model). translate() returns
 * the EPC page index (≥ 0), NON_EPC, or an ordinary #PF encoded by pageFault(errorCode). A
 * successful walk sets the PTE's Accessed bit, as the hardware does.
 */
export interface Mmu {
  translate(linaddr: number, kind: AccessKind): number;
  /** The protection (PROT_READ=1, PROT_WRITE=2, PROT_EXEC=4) of the PTE the last successful walk used; absent: all. */
  lastProt?: number;
}

/** The right an access needs, in EPCM/PROT bit terms (R=1, W=2, X=4). */
function rightOf(kind: AccessKind): number {
  return kind === "read" ? 1 : kind === "write" ? 2 : 4;
}

export function rightsLetters(r: number): string {
  return (r & 1 ? "R" : "-") + (r & 2 ? "W" : "-") + (r & 4 ? "X" : "-");
}

export function pageFault(errorCode: number): number {
  return -2 - errorCode;
}

export function isPageFault(t: number): boolean {
  return t <= -2;
}

export function pageFaultCode(t: number): number {
  return -2 - t;
}

/** The ordinary #PF that translate() reported, as a Fault. */
export function pagingFault(t: number, linaddr: number): Fault {
  const code = pageFaultCode(t);
  return {
    vector: VEC_PF,
    code,
    addr: linaddr,
    raisedBy: "page tables",
    why:
      code & PF_P
        ? "the page-table entry does not allow this access"
        : "no page-table entry maps the address",
  };
}

function epcmFault(linaddr: number, kind: AccessKind, why: string): Fault {
  const code = PF_SGX | PF_P | PF_U | (kind === "write" ? PF_W : 0) | (kind === "fetch" ? PF_I : 0);
  return { vector: VEC_PF, code, addr: linaddr, raisedBy: "EPCM", why };
}

/**
 * Check one access by a processor in enclave mode. Returns the EPC page index of the accessed
 * page (or NON_EPC for ordinary memory outside ELRANGE) or the fault.
 */
export function enclaveAccess(
  cpu: Cpu,
  lp: LogicalProcessor,
  linaddr: number,
  kind: AccessKind,
  mmu: Mmu,
): number | Fault {
  const secs = cpu.epc.secs.get(lp.secs);
  if (!secs) return gp("the processor is not in enclave mode");
  const vpn = Math.floor(linaddr / 4096);
  // A translation cached since the thread entered, with the right this access needs, is used
  // without a page walk and without the EPCM check (docs/scenario-format.md, "TLBs"; the EPCM
  // is consulted when a translation is filled). A cached entry without the right: walk again.
  if (lp.tlbN > 0) {
    const i = tlbFind(lp, vpn);
    if (i >= 0 && lp.tlbRights[i] & rightOf(kind)) {
      const hit = lp.tlbEpc[i];
      if (cpu.log.on)
        cpu.log.push({
          kind: "tlb-hit",
          basis: "model",
          basis_ref: "engine/MODEL.md: Many CPUs",
          source: "SDM: EPCM checks at TLB fill",
          epc: hit,
          addr: `0x${linaddr.toString(16)}`,
          text: `CPU ${lp.id}: the ${kind} of ${cpu.label(linaddr)} hits the TLB (cached ${rightsLetters(lp.tlbRights[i])}), so the EPCM is not consulted.`,
        });
      return hit;
    }
  }
  const inside = linaddr >= secs.baseaddr && linaddr < secs.baseaddr + secs.size;
  const t = mmu.translate(linaddr, kind);
  // Ordinary paging checks come first (SDM §38.1; SDM: access-control requirements), even for a fetch outside ELRANGE.
  if (isPageFault(t)) return pagingFault(t, linaddr);
  // Enclave code can only be fetched from ELRANGE (SDM: fetch outside ELRANGE → #GP(0); SDM: access-control requirements).
  if (!inside && kind === "fetch") return gp("instruction fetch outside ELRANGE");
  if (!inside) return t >= 0 ? ABORT_PAGE : t;
  // Inside ELRANGE the address must map to an EPC page (SDM §38.1; modelled as #PF with SGX set).
  if (t === NON_EPC) return epcmFault(linaddr, kind, "an ELRANGE address maps to memory outside the EPC");
  const { epc } = cpu;
  const page = linaddr - pageOffset(linaddr);
  const f = epc.flags[t];
  if (!epc.isValid(t)) return epcmFault(linaddr, kind, "the EPCM entry is not VALID");
  if (epc.owner[t] !== lp.secs) return epcmFault(linaddr, kind, "the page belongs to another enclave");
  if (epc.linaddr[t] !== page)
    return epcmFault(linaddr, kind, "the page is mapped at a linear address other than its ENCLAVEADDRESS");
  if (epc.pt[t] !== PT_REG)
    return epcmFault(linaddr, kind, `PT_${epc.typeName(t)} pages are never accessible to enclave code`);
  if (f & E_BLOCKED) return epcmFault(linaddr, kind, "the page is BLOCKED (being evicted)");
  if (f & E_PENDING) return epcmFault(linaddr, kind, "the page is PENDING: the enclave has not EACCEPTed it");
  if (f & E_MODIFIED)
    return epcmFault(linaddr, kind, "the page is MODIFIED: the enclave has not EACCEPTed its type change");
  // PR is not checked: a restricted, unaccepted page is used with its already-reduced permissions.
  if (kind === "read" && !(f & E_R)) return epcmFault(linaddr, kind, "the EPCM does not allow reads (R=0)");
  if (kind === "write" && !(f & E_W)) return epcmFault(linaddr, kind, "the EPCM does not allow writes (W=0)");
  if (kind === "fetch" && !(f & E_X))
    return epcmFault(linaddr, kind, "the EPCM does not allow instruction fetches (X=0)");
  // The walk passed the page tables and the EPCM: the TLB caches PTE rights ∩ EPCM rights.
  const prot = mmu.lastProt ?? 7;
  tlbFill(lp, vpn, t, (1 | (prot & 6)) & f & E_RWX);
  return t;
}
