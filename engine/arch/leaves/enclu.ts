// ENCLU leaves and AEX (SDM Vol. 3D): EENTER, ERESUME, EEXIT, AEX, EACCEPT, EACCEPTCOPY, EMODPE.
// Operand addresses are linear; the processor translates them through the page tables (Mmu)
// before the EPCM checks, so a missing PTE is an ordinary #PF the kernel can fix.

import {
  E_BLOCKED,
  E_MODIFIED,
  E_PENDING,
  E_PR,
  E_R,
  E_RWX,
  E_W,
  PT_REG,
  PT_TCS,
  PT_TRIM,
  permsText,
  SECINFO_MODIFIED,
  SECINFO_PENDING,
  SECINFO_PR,
  SECINFO_R,
  SECINFO_RESERVED_MASK,
  SECINFO_W,
  secinfoPageType,
} from "../../vocabulary/epcm.ts";
import { hex } from "../../vocabulary/hex.ts";
import { type AccessKind, isPageFault, type Mmu, NON_EPC, pagingFault } from "../access.ts";
import {
  ATTR_MODE64BIT,
  PAGE_SIZE,
  pageOffset,
  SGX_NOT_TRACKED,
  SGX_PAGE_ATTRIBUTES_MISMATCH,
  TCS_AEP,
  TCS_CSSA_NSSA,
  TCS_FLAGS,
  TCS_FSGSLIMIT,
  TCS_OFSBASE,
  TCS_OGSBASE,
  TCS_OSSA,
  TCS_STATE,
} from "../constants.ts";
import {
  type Cpu,
  type Fault,
  gp,
  isFault,
  type LogicalProcessor,
  type Outcome,
  pfEnclu,
  tlbFlush,
} from "../cpu.ts";
import { type Epc, NONE } from "../epc.ts";
import { fsGsLimitsOk, TCS_RESERVED } from "./build.ts";
import { logLeaf } from "./log.ts";

/**
 * CSSA and NSSA share the TCS word at offset 24. A word in [0, 2^53) (NSSA below 2^21, every
 * real TCS) is split as a plain number: the entry path reads it a few times per entry, and BigInt
 * arithmetic allocates. Number() is exact there and lands at or above 2^53 exactly for the words
 * outside (or below 0), so the range is tested on the number.
 */
const EXACT = 2 ** 53;
const LOW32 = 2 ** 32;

function cssaAt(epc: Epc, tcs: number): number {
  const n = epc.readNumber(tcs, TCS_CSSA_NSSA);
  // n - floor(n / 2^32) * 2^32 is n % 2^32 here; % on a double is a libm call.
  return n >= 0 && n < EXACT
    ? n - Math.floor(n / LOW32) * LOW32
    : Number(epc.readWord(tcs, TCS_CSSA_NSSA) & 0xffffffffn);
}

function nssaAt(epc: Epc, tcs: number): number {
  const n = epc.readNumber(tcs, TCS_CSSA_NSSA);
  return n >= 0 && n < EXACT ? Math.floor(n / LOW32) : Number(epc.readWord(tcs, TCS_CSSA_NSSA) >> 32n);
}

function setCssa(epc: Epc, tcs: number, cssa: number): void {
  const n = epc.readNumber(tcs, TCS_CSSA_NSSA);
  if (n >= 0 && n < EXACT && cssa >= 0 && cssa < LOW32)
    epc.writeNumber(tcs, TCS_CSSA_NSSA, Math.floor(n / LOW32) * LOW32 + cssa);
  else
    epc.writeWord(
      tcs,
      TCS_CSSA_NSSA,
      (epc.readWord(tcs, TCS_CSSA_NSSA) & 0xffffffff00000000n) | BigInt(cssa),
    );
}

export function tcsCssa(cpu: Cpu, tcs: number): number {
  return cssaAt(cpu.epc, tcs);
}

export function tcsNssa(cpu: Cpu, tcs: number): number {
  return nssaAt(cpu.epc, tcs);
}

/**
 * The EPC page the running ENCLU leaf's checks translated its operand to (NONE: not reached),
 * for the leaf's log line. The checks are a function of their own, not a closure, so that a leaf
 * run with the log off allocates nothing (enclave entries run millions of times).
 */
let reached = NONE;

/** Translate an operand; an ordinary #PF or a non-EPC page becomes the leaf's fault. */
function operand(_cpu: Cpu, linaddr: number, kind: AccessKind, mmu: Mmu, what: string): number | Fault {
  const t = mmu.translate(linaddr, kind);
  if (isPageFault(t)) return pagingFault(t, linaddr);
  if (t === NON_EPC) return pfEnclu(linaddr, kind === "write", `${what} is not in the EPC`);
  return t;
}

function inElrange(cpu: Cpu, lp: LogicalProcessor, linaddr: number): boolean {
  const secs = cpu.epc.secs.get(lp.secs);
  return !!secs && linaddr >= secs.baseaddr && linaddr < secs.baseaddr + secs.size;
}

/**
 * ENCLU[EENTER] and ENCLU[ERESUME]: enter the enclave on a TCS. ERESUME continues from the
 * SSA frame CSSA−1 that an AEX wrote. On success `lp` is inside the enclave.
 */
export function enterEnclave(
  cpu: Cpu,
  lp: LogicalProcessor,
  tcsLinaddr: number,
  mmu: Mmu,
  resume: boolean,
): Outcome {
  reached = NONE;
  const out = enter(cpu, lp, tcsLinaddr, mmu, resume);
  const tcs = reached;
  if (cpu.log.on)
    logLeaf(
      cpu,
      resume ? "ERESUME" : "EENTER",
      tcs,
      out,
      resume
        ? `resumes the thread on TCS ${cpu.label(tcsLinaddr)} from its SSA frame (CSSA ${tcs >= 0 ? tcsCssa(cpu, tcs) + 1 : "?"} → ${tcs >= 0 ? tcsCssa(cpu, tcs) : "?"})`
        : `enters the enclave on TCS ${cpu.label(tcsLinaddr)}`,
      tcsLinaddr,
    );
  return out;
}

/** EENTER's and ERESUME's checks and effects, in the SDM's order. */
function enter(cpu: Cpu, lp: LogicalProcessor, tcsLinaddr: number, mmu: Mmu, resume: boolean): Outcome {
  const { epc } = cpu;
  const leaf = resume ? "ERESUME" : "EENTER";
  if (lp.secs !== NONE) return gp(`${leaf} while already in enclave mode`);
  if (pageOffset(tcsLinaddr) !== 0) return gp("the TCS address is not 4 KiB aligned");
  const t = operand(cpu, tcsLinaddr, "read", mmu, "the TCS");
  if (isFault(t)) return t;
  reached = t;
  const f = epc.flags[t];
  if (
    !epc.isValid(t) ||
    f & E_BLOCKED ||
    epc.linaddr[t] !== tcsLinaddr ||
    epc.pt[t] !== PT_TCS ||
    f & (E_PENDING | E_MODIFIED)
  )
    return pfEnclu(
      tcsLinaddr,
      false,
      epc.isValid(t) && epc.pt[t] === PT_TCS && f & (E_PENDING | E_MODIFIED)
        ? "the TCS is MODIFIED: the enclave has not EACCEPTed it yet"
        : "the page is not a valid, unblocked PT_TCS page at this address",
    );
  const secsEpc = epc.owner[t];
  const secs = epc.secs.get(secsEpc);
  const ossa = epc.readNumber(t, TCS_OSSA);
  if (
    ossa % PAGE_SIZE !== 0 ||
    epc.readNumber(t, TCS_OFSBASE) % PAGE_SIZE !== 0 ||
    epc.readNumber(t, TCS_OGSBASE) % PAGE_SIZE !== 0
  )
    return gp("TCS.OSSA, OFSBASE or OGSBASE is not page aligned");
  // SDM EENTER/ERESUME (SDM: EENTER/ERESUME): TCS.FLAGS bits 63:1 are reserved (bit 0 is
  // DBGOPTIN), so FLAGS must be 0 or 1 (Number() of any other word is neither).
  const flags = epc.readNumber(t, TCS_FLAGS);
  if (flags !== 0 && flags !== 1) return gp("TCS.FLAGS has reserved bits set");
  if (!secs?.initialized) return gp("the enclave is not initialized");
  const cssa = cssaAt(epc, t);
  const nssa = nssaAt(epc, t);
  if (!resume && cssa >= nssa)
    return gp(`TCS.CSSA (${cssa}) ≥ TCS.NSSA (${nssa}): no free SSA frame; ERESUME first`);
  if (resume && cssa === 0) return gp("TCS.CSSA is 0: there is no interrupted state to resume");
  const frame = resume ? cssa - 1 : cssa;
  for (let i = 0; i < secs.ssaFrameSize; i++) {
    const ssa = secs.baseaddr + ossa + (frame * secs.ssaFrameSize + i) * PAGE_SIZE;
    const s = operand(cpu, ssa, "write", mmu, "the SSA frame");
    if (isFault(s)) return s;
    const sf = epc.flags[s];
    if (
      !epc.isValid(s) ||
      sf & (E_BLOCKED | E_PENDING | E_MODIFIED) ||
      epc.linaddr[s] !== ssa ||
      epc.pt[s] !== PT_REG ||
      epc.owner[s] !== secsEpc ||
      !(sf & E_R) ||
      !(sf & E_W)
    )
      return pfEnclu(ssa, true, "the SSA frame is not a valid, accepted, RW REG page of this enclave");
  }
  if (epc.readNumber(t, TCS_STATE) !== 0) return gp("the TCS is already ACTIVE (one thread per TCS)");
  epc.writeNumber(t, TCS_STATE, 1);
  if (resume) setCssa(epc, t, cssa - 1);
  lp.secs = secsEpc;
  lp.tcs = t;
  lp.tcsLinaddr = tcsLinaddr;
  lp.entryEpoch = secs.epoch;
  // SDM EENTER/ERESUME: Flush_linear_context: the thread starts with an empty TLB.
  tlbFlush(lp);
  return 0;
}

/** ENCLU[EEXIT]: leave the enclave; the TCS becomes inactive and the TLB is flushed. */
export function EEXIT(cpu: Cpu, lp: LogicalProcessor): Outcome {
  const tcs = lp.tcs;
  // SDM ENCLU (SDM: ENCLU): EEXIT outside enclave mode is #GP(0).
  const out: Outcome = lp.secs === NONE ? gp("EEXIT outside enclave mode") : 0;
  if (out === 0) {
    cpu.epc.writeNumber(tcs, TCS_STATE, 0);
    cpu.leave(lp);
  }
  logLeaf(
    cpu,
    "EEXIT",
    tcs,
    out,
    "leaves the enclave: the TCS is free again and the thread's TLB entries are flushed",
  );
  return out;
}

/**
 * Asynchronous Enclave Exit: an exception inside the enclave, or an interrupt (`fault` null)
 * arriving while the processor is in enclave mode, saves state to SSA frame CSSA and exits;
 * the TLB is flushed (cpu.leave).
 */
export function AEX(cpu: Cpu, lp: LogicalProcessor, fault: Fault | null): void {
  const tcs = lp.tcs;
  const cssa = cssaAt(cpu.epc, tcs);
  setCssa(cpu.epc, tcs, cssa + 1);
  cpu.epc.writeNumber(tcs, TCS_STATE, 0);
  cpu.leave(lp);
  if (cpu.log.on)
    cpu.log.push({
      kind: "aex",
      cause: fault ? "exception" : "interrupt",
      cpu: lp.id,
      source: "SDM: Asynchronous Enclave Exit",
      basis: "sdm",
      epc: tcs,
      text: fault
        ? `AEX: the ${fault.vector === 14 ? "#PF" : "#GP"} makes the thread leave the enclave; its state goes to SSA frame ${cssa} (CSSA ${cssa} → ${cssa + 1}) and RIP becomes the AEP.`
        : `AEX on CPU ${lp.id}: the interrupt makes the thread leave the enclave; its state goes to SSA frame ${cssa} (CSSA ${cssa} → ${cssa + 1}), its TLB is flushed and RIP becomes the AEP.`,
    });
}

/** The target checks EACCEPT and EMODPE share (SDM: VALID, BLOCKED, PT, owner → #PF). */
function targetEpcm(
  cpu: Cpu,
  lp: LogicalProcessor,
  t: number,
  linaddr: number,
  types: number[],
): Fault | undefined {
  const { epc } = cpu;
  if (!epc.isValid(t)) return pfEnclu(linaddr, false, "the target EPCM entry is not VALID");
  if (epc.flags[t] & E_BLOCKED) return pfEnclu(linaddr, false, "the target page is BLOCKED");
  if (!types.includes(epc.pt[t])) return pfEnclu(linaddr, false, `the target is PT_${epc.typeName(t)}`);
  if (epc.owner[t] !== lp.secs) return pfEnclu(linaddr, false, "the target page belongs to another enclave");
  return undefined;
}

/** The page types EACCEPT takes. */
const ACCEPT_TYPES = [PT_REG, PT_TCS, PT_TRIM];

/** ENCLU[EACCEPT]: the enclave accepts an EAUG, EMODPR or EMODT change to one of its pages. */
export function EACCEPT(cpu: Cpu, lp: LogicalProcessor, secinfo: number, target: number, mmu: Mmu): Outcome {
  reached = NONE;
  const out = accept(cpu, lp, secinfo, target, mmu);
  if (cpu.log.on)
    logLeaf(
      cpu,
      "EACCEPT",
      reached,
      out,
      `accepts the page at ${cpu.label(target)} with SECINFO ${hex(secinfo)}: PENDING, MODIFIED and PR are cleared`,
      target,
    );
  return out;
}

/** EACCEPT's checks and effect, in the SDM's order. */
function accept(cpu: Cpu, lp: LogicalProcessor, secinfo: number, target: number, mmu: Mmu): Outcome {
  const { epc } = cpu;
  // SGX2 leaves do not exist on an SGX1-only CPU: an invalid ENCLU leaf is #GP(0) (SDM ENCLU).
  if (!cpu.sgx2) return gp("EAX is not a valid ENCLU leaf: this CPU has no SGX2");
  if (lp.secs === NONE) return gp("EACCEPT outside enclave mode");
  // The SECINFO operand lives in the enclave's own stack page (as in the selftest enclave) and passes its checks.
  if (secinfo & SECINFO_RESERVED_MASK) return gp("SECINFO reserved bits are set");
  if (pageOffset(target) !== 0) return gp("the target address is not 4 KiB aligned");
  if (!inElrange(cpu, lp, target)) return gp("the target is outside ELRANGE");
  const r = operand(cpu, target, "read", mmu, "the target page");
  if (isFault(r)) return r;
  const t = r;
  reached = t;
  const pt = secinfoPageType(secinfo);
  const p = secinfo & SECINFO_PENDING;
  const m = secinfo & SECINFO_MODIFIED;
  const pr = secinfo & SECINFO_PR;
  const legal = (pt === PT_REG && (pr || p) && !m) || ((pt === PT_TCS || pt === PT_TRIM) && !pr && !p && m);
  if (!legal)
    return gp(
      "illegal SECINFO combination: REG needs PR or PENDING (not MODIFIED); TCS/TRIM need MODIFIED only",
    );
  const bad = targetEpcm(cpu, lp, t, target, ACCEPT_TYPES);
  if (bad) return bad;
  const f = epc.flags[t];
  if (
    epc.linaddr[t] !== target ||
    Boolean(f & E_PENDING) !== Boolean(p) ||
    Boolean(f & E_MODIFIED) !== Boolean(m) ||
    (f & E_RWX) !== (secinfo & E_RWX) ||
    epc.pt[t] !== pt
  )
    return SGX_PAGE_ATTRIBUTES_MISMATCH; // PR itself is not compared
  if (epc.modEpoch[t] !== NONE && !cpu.isTracked(lp.secs, epc.modEpoch[t])) return SGX_NOT_TRACKED;
  if (pt === PT_TCS) {
    // Validate the new TCS (SDM EACCEPT: reserved area, DBGOPTIN, CSSA < NSSA, AEP = 0, STATE = 0 → else #GP).
    const cssa = tcsCssa(cpu, t);
    const nssa = tcsNssa(cpu, t);
    if (epc.readWord(t, TCS_FLAGS) & 1n) return gp("the new TCS has FLAGS.DBGOPTIN set");
    if (cssa >= nssa) return gp("the new TCS has CSSA ≥ NSSA");
    if (epc.readWord(t, TCS_AEP) !== 0n || epc.readWord(t, TCS_STATE) !== 0n)
      return gp("the new TCS has AEP or STATE set");
    for (const [off, w] of epc.words.get(t) ?? [])
      if (off >= TCS_RESERVED && w !== 0n) return gp("the new TCS's reserved area is not zero");
    // SDM EACCEPT (SDM: EACCEPT): a 32-bit enclave's FS/GS limits must end in 0xFFF.
    const secs = epc.secs.get(lp.secs);
    if (secs && !(secs.attributes & ATTR_MODE64BIT) && !fsGsLimitsOk(epc.readWord(t, TCS_FSGSLIMIT)))
      return gp("the new TCS's FSLIMIT/GSLIMIT low 12 bits are not all ones (32-bit enclave)");
  }
  epc.setFlags(t, f & ~(E_PENDING | E_MODIFIED | E_PR));
  epc.modEpoch[t] = NONE;
  return 0;
}

/** ENCLU[EACCEPTCOPY]: initialize a PENDING page from another enclave page and accept it with the given permissions. */
export function EACCEPTCOPY(
  cpu: Cpu,
  lp: LogicalProcessor,
  secinfo: number,
  dst: number,
  src: number,
  mmu: Mmu,
): Outcome {
  const { epc } = cpu;
  let d = NONE;
  const out = ((): Outcome => {
    // SGX2 leaves do not exist on an SGX1-only CPU: an invalid ENCLU leaf is #GP(0) (SDM ENCLU).
    if (!cpu.sgx2) return gp("EAX is not a valid ENCLU leaf: this CPU has no SGX2");
    if (lp.secs === NONE) return gp("EACCEPTCOPY outside enclave mode");
    if (dst % PAGE_SIZE !== 0 || src % PAGE_SIZE !== 0)
      return gp("the destination or source is not 4 KiB aligned");
    if (!inElrange(cpu, lp, dst) || !inElrange(cpu, lp, src))
      return gp("the destination or source is outside ELRANGE");
    const dd = operand(cpu, dst, "write", mmu, "the destination page");
    if (isFault(dd)) return dd;
    d = dd;
    const s = operand(cpu, src, "read", mmu, "the source page");
    if (isFault(s)) return s;
    const pt = secinfoPageType(secinfo);
    if (secinfo & SECINFO_RESERVED_MASK || (!(secinfo & SECINFO_R) && secinfo & SECINFO_W) || pt !== PT_REG)
      return gp("SECINFO reserved bits set, W without R, or PT is not PT_REG");
    const sf = epc.flags[s];
    if (
      !epc.isValid(s) ||
      !(sf & E_R) ||
      sf & (E_PENDING | E_MODIFIED | E_BLOCKED) ||
      epc.pt[s] !== PT_REG ||
      epc.owner[s] !== lp.secs ||
      epc.linaddr[s] !== src
    )
      return pfEnclu(src, false, "the source is not a valid, readable, accepted REG page of this enclave");
    const df = epc.flags[d];
    if (
      !epc.isValid(d) ||
      !(df & E_PENDING) ||
      df & (E_MODIFIED | E_BLOCKED) ||
      epc.pt[d] !== PT_REG ||
      epc.owner[d] !== lp.secs ||
      (df & E_RWX) !== (E_R | E_W) ||
      epc.linaddr[d] !== dst
    )
      return SGX_PAGE_ATTRIBUTES_MISMATCH; // the destination must be exactly as EAUG left it
    const words = epc.words.get(s);
    if (words) epc.words.set(d, new Map(words));
    else epc.zeroPage(d);
    epc.setFlags(d, (df & ~(E_RWX | E_PENDING)) | (secinfo & E_RWX));
    return 0;
  })();
  logLeaf(
    cpu,
    "EACCEPTCOPY",
    d,
    out,
    `copies ${cpu.label(src)} into the pending page ${cpu.label(dst)} and accepts it with permissions ${permsText(secinfo)}`,
    dst,
  );
  return out;
}

/** ENCLU[EMODPE]: the enclave extends a REG page's EPCM permissions (OR); no kernel, ETRACK or EACCEPT involved. */
export function EMODPE(cpu: Cpu, lp: LogicalProcessor, secinfo: number, target: number, mmu: Mmu): Outcome {
  const { epc } = cpu;
  let t = NONE;
  const out = ((): Outcome => {
    // SGX2 leaves do not exist on an SGX1-only CPU: an invalid ENCLU leaf is #GP(0) (SDM ENCLU).
    if (!cpu.sgx2) return gp("EAX is not a valid ENCLU leaf: this CPU has no SGX2");
    if (lp.secs === NONE) return gp("EMODPE outside enclave mode");
    if (target % PAGE_SIZE !== 0) return gp("the target address is not 4 KiB aligned");
    if (!inElrange(cpu, lp, target)) return gp("the target is outside ELRANGE");
    const r = operand(cpu, target, "read", mmu, "the target page");
    if (isFault(r)) return r;
    t = r;
    if (secinfo & SECINFO_RESERVED_MASK) return gp("SECINFO reserved bits are set");
    const f = epc.flags[t];
    const bad = targetEpcm(cpu, lp, t, target, [PT_REG]);
    if (bad) return bad;
    if (f & (E_PENDING | E_MODIFIED)) return pfEnclu(target, false, "the target is PENDING or MODIFIED");
    if (epc.linaddr[t] !== target) return pfEnclu(target, false, "the target's ENCLAVEADDRESS differs");
    if (!(f & E_R) && !(secinfo & SECINFO_R) && secinfo & SECINFO_W)
      return gp("the result would be W without R");
    epc.setFlags(t, f | (secinfo & E_RWX));
    return 0;
  })();
  logLeaf(
    cpu,
    "EMODPE",
    t,
    out,
    `extends the EPCM permissions of ${cpu.label(target)} to ${t >= 0 && epc.isValid(t) ? epc.permString(t) : "?"} (OR with ${permsText(secinfo)}); PR is untouched`,
    target,
  );
  return out;
}
