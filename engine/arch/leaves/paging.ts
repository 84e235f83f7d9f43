// EPC paging and page freeing: EPA, EBLOCK, ETRACK, EWB, ELDU/ELDB, EREMOVE (SDM Vol. 3D).

import {
  E_BLOCKED,
  E_MODIFIED,
  E_PENDING,
  E_PR,
  E_RWX,
  PT_REG,
  PT_SECS,
  PT_TCS,
  PT_TRIM,
  PT_VA,
} from "../../vocabulary/epcm.ts";
import {
  SGX_BLKSTATE,
  SGX_CHILD_PRESENT,
  SGX_ENCLAVE_ACT,
  SGX_MAC_COMPARE_FAIL,
  SGX_NOT_TRACKED,
  SGX_NOTBLOCKABLE,
  SGX_PAGE_NOT_BLOCKED,
  SGX_PG_INVLD,
  SGX_PG_IS_SECS,
  SGX_PREV_TRK_INCMPL,
  SGX_VA_SLOT_OCCUPIED,
  VA_SLOT_COUNT,
} from "../constants.ts";
import { type Cpu, gp, type Outcome, pfEncls } from "../cpu.ts";
import { cloneSecs, NONE, type SealedPage } from "../epc.ts";
import { measure } from "../measure.ts";
import { logLeaf } from "./log.ts";

/**
 * The eviction MAC (a digest, not a real cipher MAC): it covers the contents, PCMD.SECINFO, LINADDR,
 * the enclave's EID and the version kept in the VA slot (SDM EWB/ELDU; SDM: ELDU).
 */
function sealMac(
  secinfo: number,
  eid: number,
  linaddr: number,
  version: number,
  words: Map<number, bigint> | undefined,
  vaSlots: Float64Array | undefined,
): number {
  let h = measure(0, "PCMD", secinfo, eid, linaddr, version);
  for (const [off, w] of words ?? []) h = measure(h, "W", off, Number(w & 0xffffffffn), Number(w >> 32n));
  if (vaSlots)
    for (let i = 0; i < vaSlots.length; i++) if (vaSlots[i] !== 0) h = measure(h, "V", i, vaSlots[i]);
  return h;
}

function isChildType(pt: number): boolean {
  return pt === PT_REG || pt === PT_TCS || pt === PT_TRIM;
}

/** ENCLS[EPA]: make a free EPC page a Version Array page (512 empty slots, no owner). */
export function EPA(cpu: Cpu, target: number): Outcome {
  const { epc } = cpu;
  const out = ((): Outcome => {
    if (!epc.inEpc(target)) return pfEncls(target, "target page is not in the EPC");
    if (epc.isValid(target)) return pfEncls(target, "target EPCM entry is already VALID");
    epc.set(target, 0, PT_VA, NONE, 0);
    epc.zeroPage(target);
    epc.newVaPage(target);
    return 0;
  })();
  logLeaf(
    cpu,
    "EPA",
    target,
    out,
    "makes a Version Array page: 512 empty slots for versions of evicted pages",
  );
  return out;
}

/** ENCLS[EBLOCK]: mark a page BLOCKED so no new TLB translation can be made to it. */
export function EBLOCK(cpu: Cpu, target: number): Outcome {
  const { epc } = cpu;
  const out = ((): Outcome => {
    if (!epc.inEpc(target)) return pfEncls(target, "target page is not in the EPC");
    if (!epc.isValid(target)) return SGX_PG_INVLD;
    const pt = epc.pt[target];
    if (!isChildType(pt)) return pt === PT_SECS ? SGX_PG_IS_SECS : SGX_NOTBLOCKABLE;
    if (epc.flags[target] & E_BLOCKED) return SGX_BLKSTATE;
    epc.setFlags(target, epc.flags[target] | E_BLOCKED);
    // Remember the epoch the page was blocked in: EWB needs it tracked (SDM EWB TMP_BPEPOCH).
    epc.blockEpoch[target] = epc.secs.get(epc.owner[target])?.epoch ?? 0;
    return 0;
  })();
  logLeaf(
    cpu,
    "EBLOCK",
    target,
    out,
    "sets BLOCKED: threads can no longer create new translations to the page",
  );
  return out;
}

/** ENCLS[ETRACK]: start a tracking cycle for the enclave's threads. */
export function ETRACK(cpu: Cpu, secsEpc: number): Outcome {
  const { epc } = cpu;
  const out = ((): Outcome => {
    if (!epc.inEpc(secsEpc)) return pfEncls(secsEpc, "SECS is not in the EPC");
    const secs = cpu.secsOf(secsEpc);
    if (!secs) return pfEncls(secsEpc, "the operand is not a valid PT_SECS page");
    if (secs.tracked.size > 0) return SGX_PREV_TRK_INCMPL;
    for (const lp of cpu.lps) if (lp.secs === secsEpc) secs.tracked.add(lp.id);
    secs.epoch++;
    return 0;
  })();
  const inside = cpu.lps.filter((lp) => lp.secs === secsEpc).length;
  logLeaf(
    cpu,
    "ETRACK",
    secsEpc,
    out,
    inside === 0
      ? "starts a tracking cycle; no thread is inside the enclave, so it completes at once"
      : `starts a tracking cycle; ${inside} thread(s) inside must exit before EWB or EACCEPT can rely on it`,
  );
  return out;
}

/** Result of EWB: the status and, when the page left the EPC, what was written out. */
export interface EwbResult {
  out: Outcome;
  sealed?: SealedPage;
}

/** ENCLS[EWB]: encrypt a page out of the EPC, recording its version in a VA slot. */
export function EWB(cpu: Cpu, target: number, vaEpc: number, slot: number): EwbResult {
  const { epc } = cpu;
  let sealed: SealedPage | undefined;
  const out = ((): Outcome => {
    if (!epc.inEpc(target)) return pfEncls(target, "target page is not in the EPC");
    if (!Number.isInteger(slot) || slot < 0 || slot >= VA_SLOT_COUNT)
      return gp("the VA slot address is not 8-byte aligned inside its page");
    if (!epc.inEpc(vaEpc)) return pfEncls(vaEpc, "the VA slot is not in the EPC");
    if (target === vaEpc) return gp("the page and the VA slot are in the same EPC page");
    if (!epc.isValid(target)) return pfEncls(target, "target EPCM entry is not VALID");
    if (!epc.isValid(vaEpc) || epc.pt[vaEpc] !== PT_VA)
      return pfEncls(vaEpc, "the VA slot is not in a valid PT_VA page");
    const pt = epc.pt[target];
    const flags = epc.flags[target];
    const owner = epc.owner[target];
    if (isChildType(pt)) {
      if (!(flags & E_BLOCKED)) return SGX_PAGE_NOT_BLOCKED;
      if (!cpu.isTracked(owner, epc.blockEpoch[target])) return SGX_NOT_TRACKED;
    } else if (pt === PT_SECS) {
      if ((epc.secs.get(target)?.childCount ?? 0) > 0) return SGX_CHILD_PRESENT;
    }
    const slots = epc.vaSlots.get(vaEpc) as Float64Array;
    const occupied = slots[slot] !== 0;
    const version = cpu.newVersion();
    const eid = pt === PT_SECS ? (epc.secs.get(target)?.eid ?? 0) : (epc.secs.get(owner)?.eid ?? 0);
    // PCMD.SECINFO: PT, RWX, PENDING, MODIFIED, PR survive eviction.
    const secinfo = (pt << 8) | (flags & (E_RWX | E_PENDING | E_MODIFIED | E_PR));
    const words = epc.words.get(target);
    // A VA page's contents are its slots: they leave with it (SDM: EWB).
    const vaSlots = pt === PT_VA ? epc.vaSlots.get(target) : undefined;
    sealed = {
      secinfo,
      eid,
      linaddr: epc.linaddr[target],
      version,
      words,
      ...(pt === PT_SECS ? { secs: epc.secs.get(target) } : {}),
      ...(vaSlots ? { vaSlots } : {}),
      mac: sealMac(secinfo, eid, epc.linaddr[target], version, words, vaSlots),
    };
    slots[slot] = version;
    if (isChildType(pt)) {
      const secs = epc.secs.get(owner);
      if (secs) secs.childCount--;
    }
    epc.words.delete(target); // keep the contents in `sealed`
    epc.secs.delete(target);
    epc.invalidate(target);
    return occupied ? SGX_VA_SLOT_OCCUPIED : 0;
  })();
  logLeaf(
    cpu,
    "EWB",
    target,
    out,
    `encrypts the page out of the EPC and stores its version in VA page ${vaEpc}, slot ${slot}`,
  );
  return { out, sealed };
}

/**
 * ENCLS[ELDU] / ENCLS[ELDB]: decrypt an evicted page back into a free EPC page, verifying its
 * MAC against the version in the VA slot. `secsEpc` is NONE when loading a SECS (Linux passes
 * PAGEINFO.SECS = 0 for it). A successful load clears the VA slot (see MODEL.md, Architecture
 * on the SDM text; Linux reuses the slot afterwards).
 */
export function ELDU(
  cpu: Cpu,
  target: number,
  vaEpc: number,
  slot: number,
  sealed: SealedPage,
  secsEpc: number,
  blocked = false,
): Outcome {
  const { epc } = cpu;
  const leaf = blocked ? "ELDB" : "ELDU";
  const pt = sealed.secinfo >> 8;
  const out = ((): Outcome => {
    if (!epc.inEpc(target)) return pfEncls(target, "target page is not in the EPC");
    if (!Number.isInteger(slot) || slot < 0 || slot >= VA_SLOT_COUNT)
      return gp("the VA slot address is not 8-byte aligned inside its page");
    if (!epc.inEpc(vaEpc)) return pfEncls(vaEpc, "the VA slot is not in the EPC");
    if (epc.isValid(target)) return pfEncls(target, "target EPCM entry is already VALID");
    if (!epc.isValid(vaEpc) || epc.pt[vaEpc] !== PT_VA)
      return pfEncls(vaEpc, "the VA slot is not in a valid PT_VA page");
    let eid = 0;
    if (isChildType(pt)) {
      if (!epc.inEpc(secsEpc)) return pfEncls(secsEpc, "PAGEINFO.SECS is not in the EPC");
      const secs = cpu.secsOf(secsEpc);
      if (!secs) return pfEncls(secsEpc, "PAGEINFO.SECS is not a valid PT_SECS page");
      eid = secs.eid;
    } else if (pt === PT_SECS) {
      eid = sealed.secs?.eid ?? 0;
    }
    const slots = epc.vaSlots.get(vaEpc) as Float64Array;
    if (
      slots[slot] !== sealed.version ||
      sealed.eid !== eid ||
      sealMac(sealed.secinfo, eid, sealed.linaddr, slots[slot], sealed.words, sealed.vaSlots) !== sealed.mac
    )
      return SGX_MAC_COMPARE_FAIL;
    slots[slot] = 0;
    const flags =
      (sealed.secinfo & (E_RWX | E_PENDING | E_MODIFIED | E_PR)) |
      (blocked && isChildType(pt) ? E_BLOCKED : 0);
    epc.set(target, flags, pt, isChildType(pt) ? secsEpc : NONE, sealed.linaddr);
    // Copies: a sealed page stays immutable (checkpoints of the model share it).
    if (sealed.words) epc.words.set(target, new Map(sealed.words));
    if (pt === PT_SECS && sealed.secs) epc.secs.set(target, cloneSecs(sealed.secs));
    if (pt === PT_VA) {
      if (sealed.vaSlots) epc.vaSlots.set(target, sealed.vaSlots);
      else epc.newVaPage(target);
    }
    if (isChildType(pt)) {
      const secs = epc.secs.get(secsEpc);
      if (secs) secs.childCount++;
      // A reloaded page's EMODPR/EMODT epoch is unknown to the new entry; it was tracked before EWB.
    }
    return 0;
  })();
  logLeaf(
    cpu,
    leaf,
    target,
    out,
    `verifies and decrypts the page back into EPC page ${target}, freeing VA slot ${slot}`,
  );
  return out;
}

/** ENCLS[EREMOVE]: free an EPC page (SDM: EREMOVE: step 3 is "VALID = 0" only). */
export function EREMOVE(cpu: Cpu, target: number): Outcome {
  const { epc } = cpu;
  const out = ((): Outcome => {
    if (!epc.inEpc(target)) return pfEncls(target, "target page is not in the EPC");
    if (!epc.isValid(target)) return 0;
    const pt = epc.pt[target];
    const owner = epc.owner[target];
    if (pt === PT_VA || (pt === PT_TRIM && !(epc.flags[target] & E_MODIFIED))) {
      // An accepted TRIM page can be removed even while threads run in the enclave.
      if (pt === PT_TRIM) {
        const secs = epc.secs.get(owner);
        if (secs) secs.childCount--;
      }
      epc.invalidate(target);
      return 0;
    }
    if (pt === PT_SECS) {
      if ((epc.secs.get(target)?.childCount ?? 0) > 0) return SGX_CHILD_PRESENT;
      epc.invalidate(target);
      return 0;
    }
    if (cpu.anyInside(owner)) return SGX_ENCLAVE_ACT;
    const secs = epc.secs.get(owner);
    if (secs) secs.childCount--;
    epc.invalidate(target);
    return 0;
  })();
  logLeaf(cpu, "EREMOVE", target, out, "clears the EPCM entry: the EPC page is free again");
  return out;
}
