// The CPU side of SGX: the EPC, the logical processors that enter enclaves, and the outcome
// conventions every leaf follows (SDM Vol. 3D: a leaf either raises an exception, returns an
// SGX status in RAX, or succeeds).

import { PT_SECS } from "../vocabulary/epcm.ts";
import { hex } from "../vocabulary/hex.ts";
import { PF_P, PF_SGX, PF_U, PF_W, VEC_GP, VEC_PF } from "./constants.ts";
import { Epc, NONE, type SecsState } from "./epc.ts";
import { EventLog } from "./events.ts";

/** An exception raised by a leaf or by an access from inside an enclave. */
export interface Fault {
  vector: number;
  /** #PF error code (0 for #GP). */
  code: number;
  /** Faulting linear address (CR2) for #PF; for ENCLS operands, the EPC page's index. */
  addr: number;
  /** The EPCM, the page tables, or a leaf's own operand check. */
  raisedBy: "EPCM" | "page tables" | "leaf";
  /** Which check failed, in the SDM's words. */
  why: string;
}

/** A leaf's outcome: RAX (0 = success, else an SGX status code) or an exception. */
export type Outcome = number | Fault;

export function isFault(o: Outcome): o is Fault {
  return typeof o !== "number";
}

export function gp(why: string): Fault {
  return { vector: VEC_GP, code: 0, addr: 0, raisedBy: "leaf", why };
}

/**
 * #PF raised by an ENCLS leaf on an EPC operand. KVM (sgx_inject_fault) describes such EPCM
 * faults on SGX2 parts as #PF with PFEC.SGX and synthesizes P|W|SGX; we use the same code.
 */
export function pfEncls(epc: number, why: string): Fault {
  return { vector: VEC_PF, code: PF_SGX | PF_W | PF_P, addr: epc, raisedBy: "leaf", why };
}

/**
 * #PF raised by an ENCLU leaf on an enclave-page operand that fails its EPCM check. The SGX
 * bit marks an EPCM-induced fault; U is set (CPL 3), P because a translation existed, W when
 * the leaf writes the operand. (Derived from the bit definitions, SDM §4.7; not observed.)
 */
export function pfEnclu(linaddr: number, write: boolean, why: string): Fault {
  return {
    vector: VEC_PF,
    code: PF_SGX | PF_U | PF_P | (write ? PF_W : 0),
    addr: linaddr,
    raisedBy: "leaf",
    why,
  };
}

/** A logical processor. Outside an enclave `secs` is NONE. */
export interface LogicalProcessor {
  id: number;
  /** EPC index of the current enclave's SECS (CR_ACTIVE_SECS), or NONE outside. */
  secs: number;
  /** EPC index and linear address of the TCS in use. */
  tcs: number;
  tcsLinaddr: number;
  /** SECS epoch when the processor entered (EENTER/ERESUME); see tracking below. */
  entryEpoch: number;
  /**
   * The TLB's enclave translations, filled since the processor entered: virtual page number,
   * EPC page and the rights (R=1 W=2 X=4) the filling walk allowed (PTE ∩ EPCM). The first
   * `tlbN` slots are in use, oldest first; at most TLB_ENTRIES (engine/MODEL.md, "Many CPUs").
   */
  tlbN: number;
  tlbVpn: Float64Array;
  tlbEpc: Int32Array;
  tlbRights: Uint8Array;
}

/** A TLB may drop any entry at any time (SDM Vol. 3A §4.10.2); the model keeps the newest 64. */
export const TLB_ENTRIES = 64;

export function newProcessor(id: number): LogicalProcessor {
  return {
    id,
    secs: NONE,
    tcs: NONE,
    tcsLinaddr: 0,
    entryEpoch: 0,
    tlbN: 0,
    tlbVpn: new Float64Array(TLB_ENTRIES),
    tlbEpc: new Int32Array(TLB_ENTRIES),
    tlbRights: new Uint8Array(TLB_ENTRIES),
  };
}

/** The cached translation of a virtual page, as a slot of the TLB arrays, or -1. */
export function tlbFind(lp: LogicalProcessor, vpn: number): number {
  const v = lp.tlbVpn;
  for (let i = lp.tlbN - 1; i >= 0; i--) if (v[i] === vpn) return i;
  return -1;
}

function tlbRemoveAt(lp: LogicalProcessor, i: number): void {
  lp.tlbVpn.copyWithin(i, i + 1, lp.tlbN);
  lp.tlbEpc.copyWithin(i, i + 1, lp.tlbN);
  lp.tlbRights.copyWithin(i, i + 1, lp.tlbN);
  lp.tlbN--;
}

/** Cache a translation (replacing an older one of the same page; dropping the oldest when full). */
export function tlbFill(lp: LogicalProcessor, vpn: number, epc: number, rights: number): void {
  if (lp.tlbN > 0) {
    const i = tlbFind(lp, vpn);
    if (i >= 0) tlbRemoveAt(lp, i);
    else if (lp.tlbN >= TLB_ENTRIES) tlbRemoveAt(lp, 0);
  }
  const n = lp.tlbN++;
  lp.tlbVpn[n] = vpn;
  lp.tlbEpc[n] = epc;
  lp.tlbRights[n] = rights;
}

/** Flush every cached enclave translation (EENTER, ERESUME, EEXIT, AEX). */
export function tlbFlush(lp: LogicalProcessor): void {
  lp.tlbN = 0;
}

/** Drop one page's translation (the kernel's TLB shootdown after a PTE change). */
export function tlbInvalidate(lp: LogicalProcessor, vpn: number): boolean {
  const i = tlbFind(lp, vpn);
  if (i < 0) return false;
  tlbRemoveAt(lp, i);
  return true;
}

export class Cpu {
  readonly epc: Epc;
  readonly sgx2: boolean;
  readonly log: EventLog;
  readonly lps: LogicalProcessor[] = [];
  private nextEid = 1;
  private nextVersion = 1;
  /** Names a page for event text (the kernel model sets it to "e0+0x5000"-style labels). */
  label: (linaddr: number) => string = hex;

  constructor(epcPages: number, sgx2: boolean, log: EventLog = new EventLog(), epc?: Epc) {
    this.epc = epc ?? new Epc(epcPages);
    this.sgx2 = sgx2;
    this.log = log;
  }

  /** A deep copy (for checkpoints) with a fresh event log. */
  clone(): Cpu {
    const c = new Cpu(this.epc.size, this.sgx2, new EventLog(), this.epc.clone());
    c.nextEid = this.nextEid;
    c.nextVersion = this.nextVersion;
    for (const lp of this.lps)
      c.lps.push({
        ...lp,
        tlbVpn: lp.tlbVpn.slice(),
        tlbEpc: lp.tlbEpc.slice(),
        tlbRights: lp.tlbRights.slice(),
      });
    return c;
  }

  newEid(): number {
    return this.nextEid++;
  }

  newVersion(): number {
    return this.nextVersion++;
  }

  addProcessor(): LogicalProcessor {
    const lp = newProcessor(this.lps.length);
    this.lps.push(lp);
    return lp;
  }

  secsOf(secsEpc: number): SecsState | undefined {
    if (!this.epc.inEpc(secsEpc) || !this.epc.isValid(secsEpc) || this.epc.pt[secsEpc] !== PT_SECS)
      return undefined;
    return this.epc.secs.get(secsEpc);
  }

  /** Any logical processor executing inside the enclave of this SECS. */
  anyInside(secsEpc: number): boolean {
    for (const lp of this.lps) if (lp.secs === secsEpc) return true;
    return false;
  }

  /**
   * Tracking rule (SDM: ETRACK, built from the SDM EWB/EACCEPT/ETRACK pages and the
   * kernel's sgx_encl_cpumask() comment): a change made at epoch `e` is tracked once an ETRACK
   * has advanced the epoch past `e` and every processor that was inside at that time has left.
   */
  isTracked(secsEpc: number, e: number): boolean {
    const secs = this.epc.secs.get(secsEpc);
    if (!secs) return false;
    if (secs.epoch <= e) return false;
    for (const lp of this.lps) if (lp.secs === secsEpc && lp.entryEpoch <= e) return false;
    return true;
  }

  /** A processor leaves enclave mode (EEXIT or AEX): it no longer holds up tracking. */
  leave(lp: LogicalProcessor): void {
    const secs = this.epc.secs.get(lp.secs);
    secs?.tracked.delete(lp.id);
    lp.secs = NONE;
    lp.tcs = NONE;
    // SDM: EEXIT and the AEX flow flush the processor's cached linear-to-physical mappings.
    tlbFlush(lp);
  }
}
