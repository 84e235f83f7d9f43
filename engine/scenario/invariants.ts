// Invariants that must hold between any two steps of a simulation: the EPCM, the kernel's
// records (free list, active list, reverse map, enclave pages, VA slots, backing store) and the
// page tables agree with each other. Derived from the driver's records (encl.h: struct sgx_encl,
// struct sgx_encl_page, struct sgx_va_page; main.c: the free and active lists) and the EPCM
// (SDM Vol. 3D "Enclave Page Cache Map"). Used by the property tests and the fuzzer; usable from
// any test that drives a Simulation step by step. One function per numbered invariant.
//
// Each message starts with the number of the invariant it breaks:
//  [1] EPC ownership: a valid child page (REG/TCS/TRIM) belongs to a valid SECS; the kernel's
//      reverse map (ownerEncl/ownerIndex) and its records (pages, SECS, VA pages) name each
//      other; no EPC page is claimed twice; a page on the free list is not VALID, owned or on
//      the active list; every page is either free or owned (nothing leaks).
//  [2] Each enclave page (and the SECS) is either resident (VALID, right type, ENCLAVESECS and
//      ENCLAVEADDRESS) or evicted (a used slot of one of the enclave's VA pages holding the
//      version of the sealed copy in the backing store), never both (encl.h: an sgx_encl_page has an epc_page or a VA offset).
//  [3] SECS child count = valid child pages in the EPCM = resident pages in the kernel's
//      records = secs_child_cnt; an evicted SECS has no resident child (main.c: sgx_reclaimer_write()
//      evicts the SECS only when secs_child_cnt drops to 0).
//  [4] No REG page has W without R in the EPCM.
//  [5] VA slots: used slots = evicted pages (+1 for an evicted SECS); each VA page's count
//      matches its used bits and the versions the CPU holds; page_cnt and VA capacity (ioctl.c:
//      sgx_encl_grow(): one VA page per SGX_VA_SLOT_COUNT pages).
//  [6] The active list holds exactly the resident child pages (main.c: sgx_mark_page_reclaimable());
//      between steps, a logical processor is inside an enclave exactly when a thread stayed
//      there (`stay`).
//  [7] A PTE maps a resident page of the enclave whose ELRANGE holds the address, inside a
//      VMA of that enclave's fd.
//  [8] The kernel's page type equals the EPCM's (resident) or the sealed PCMD's (evicted)
//      once an ioctl has completed (ioctl.c: sgx_enclave_modify_types() updates entry->type).

import { VA_SLOT_COUNT } from "../arch/constants.ts";
import { type Epc, NONE } from "../arch/epc.ts";
import { type Encl, type EnclPage, VA_PAGE_INDEX } from "../kernel/encl.ts";
import type { Kernel } from "../kernel/kernel.ts";
import {
  E_R,
  E_W,
  PT_REG,
  PT_SECS,
  PT_TCS,
  PT_TRIM,
  PT_VA,
  pageTypeName,
  SECINFO_PT_SHIFT,
} from "../vocabulary/epcm.ts";
import { hex } from "../vocabulary/hex.ts";
import type { Simulation } from "./run.ts";

const PAGE = 4096;

/** Records one violation of the invariant the reporter was made for. */
type Bad = (msg: string) => void;

function isChild(pt: number): boolean {
  return pt === PT_REG || pt === PT_TCS || pt === PT_TRIM;
}

const typeName = (pt: number) => pageTypeName(pt) ?? `PT_${pt}`;
const at = (encl: Encl, index: number) => `${encl.name}+${hex(index * PAGE)}`;
const pageLabel = (encl: Encl, p: EnclPage) => ({ toString: () => at(encl, p.index) });

/** Created and not yet released: the enclaves whose records must be complete. */
function liveEnclaves(k: Kernel): Encl[] {
  return k.enclaves.filter((e) => e.created && !e.released);
}

/** Released or never created: nothing of it may remain. */
function gone(encl: Encl): string | undefined {
  if (encl.released) return "released";
  if (!encl.created) return "not created";
  return undefined;
}

/** Valid child pages per SECS page, counted from the EPCM (those with a valid ENCLAVESECS). */
function childrenPerSecs(epc: Epc): Map<number, number> {
  const childrenOf = new Map<number, number>();
  for (let e = 0; e < epc.size; e++) {
    if (!epc.isValid(e) || !isChild(epc.pt[e])) continue;
    const s = epc.owner[e];
    if (epc.inEpc(s) && epc.isValid(s) && epc.pt[s] === PT_SECS && epc.secs.has(s))
      childrenOf.set(s, (childrenOf.get(s) ?? 0) + 1);
  }
  return childrenOf;
}

/** The sealed page type (PCMD.SECINFO) of an evicted copy. */
function sealedType(encl: Encl, backingIndex: number): number | undefined {
  const sealed = encl.backing.get(backingIndex);
  return sealed === undefined ? undefined : sealed.secinfo >> SECINFO_PT_SHIFT;
}

/**
 * Check every invariant against the simulation's current state. Returns one message per
 * violation, each prefixed with the invariant's number (see the property tests); empty when
 * all hold. Meant to be called between steps (no operation is half done then).
 */
export function checkInvariants(sim: Simulation): string[] {
  const k = sim.kernel;
  // The checks read every EPC page; pages never reached are made real first (arch/epc.ts).
  k.cpu.epc.reachAll();
  const out: string[] = [];
  const staying = new Set(sim.threadsNow().map((t) => t.cpu));
  const checks: Array<(k: Kernel, bad: Bad) => void> = [
    epcOwnership,
    residentOrEvicted,
    childCounts,
    noWriteWithoutRead,
    vaSlots,
    (kk, bad) => activeList(kk, bad, staying),
    ptes,
    kernelTypes,
  ];
  checks.forEach((check, i) => {
    check(k, (msg) => out.push(`[${i + 1}] ${msg}`));
  });
  return out;
}

/** [1] EPC ownership: free list, reverse map, records, no page claimed twice, none leaked. */
function epcOwnership(k: Kernel, bad: Bad): void {
  const epc = k.cpu.epc;
  const isFree = new Uint8Array(epc.size);
  for (const e of k.freeList()) {
    if (!epc.inEpc(e)) {
      bad(`free list holds ${e}, not an EPC page`);
      continue;
    }
    if (isFree[e]) bad(`EPC ${e} is on the free list twice`);
    isFree[e] = 1;
    if (epc.isValid(e)) bad(`EPC ${e} is free but VALID in the EPCM (${typeName(epc.pt[e])})`);
    if (k.ownerEncl[e] !== NONE) bad(`EPC ${e} is free but the reverse map names enclave #${k.ownerEncl[e]}`);
  }

  for (let e = 0; e < epc.size; e++) {
    const owned = k.ownerEncl[e] !== NONE;
    if (!isFree[e] && !owned) bad(`EPC ${e} is neither free nor owned by an enclave (leaked)`);
    if (!epc.isValid(e)) {
      if (owned)
        bad(
          `EPC ${e} is owned by enclave #${k.ownerEncl[e]} (index ${k.ownerIndex[e]}) but not VALID in the EPCM`,
        );
      continue;
    }
    const pt = epc.pt[e];
    if (isChild(pt)) {
      const s = epc.owner[e];
      if (!epc.inEpc(s) || !epc.isValid(s) || epc.pt[s] !== PT_SECS || !epc.secs.has(s))
        bad(`EPC ${e} (${typeName(pt)}) is VALID but its ENCLAVESECS ${s} is not a valid SECS page`);
    } else if (pt === PT_SECS) {
      if (!epc.secs.has(e)) bad(`EPC ${e} is a VALID SECS without SECS state`);
    } else if (pt === PT_VA) {
      if (!epc.vaSlots.has(e)) bad(`EPC ${e} is a VALID VA page without slots`);
    } else bad(`EPC ${e} is VALID with unknown page type ${pt}`);
    if (owned) reverseMapEntry(k, e, bad);
  }

  // Every EPC page named by a kernel record is named by exactly one, and the reverse map names it back.
  const claimed = new Map<number, { toString(): string }>();
  const claim = (e: number, who: { toString(): string }) => {
    const prev = claimed.get(e);
    if (prev !== undefined) bad(`EPC ${e} is claimed by both ${prev} and ${who}`);
    else claimed.set(e, who);
  };
  for (const encl of k.enclaves) {
    const why = gone(encl);
    if (why) {
      if (encl.secsEpc !== NONE) bad(`${encl.name} is ${why} but has a SECS at EPC ${encl.secsEpc}`);
      continue;
    }
    for (const va of encl.vaPages) {
      claim(va.epc, `${encl.name}'s VA page`);
      if (!epc.inEpc(va.epc) || !epc.isValid(va.epc) || epc.pt[va.epc] !== PT_VA) continue;
      if (k.ownerEncl[va.epc] !== encl.id || k.ownerIndex[va.epc] !== VA_PAGE_INDEX)
        bad(`${encl.name}'s VA page at EPC ${va.epc} is not in the reverse map`);
    }
    if (encl.secsEpc !== NONE) {
      claim(encl.secsEpc, `${encl.name}'s SECS`);
      if (k.ownerEncl[encl.secsEpc] !== encl.id || k.ownerIndex[encl.secsEpc] !== NONE)
        bad(`${encl.name}'s SECS at EPC ${encl.secsEpc} is not in the reverse map`);
    }
    for (const p of encl.pages.values()) {
      if (p.epc === NONE) continue;
      const who = pageLabel(encl, p);
      claim(p.epc, who);
      if (!epc.inEpc(p.epc) || !epc.isValid(p.epc)) continue;
      if (k.ownerEncl[p.epc] !== encl.id || k.ownerIndex[p.epc] !== p.index)
        bad(`${who} at EPC ${p.epc} is not in the reverse map`);
    }
  }
}

/** [1], one owned EPC page: the reverse map points at a kernel record that names the page. */
function reverseMapEntry(k: Kernel, e: number, bad: Bad): void {
  const pt = k.cpu.epc.pt[e];
  const encl = k.enclaves[k.ownerEncl[e]];
  const index = k.ownerIndex[e];
  if (!encl) {
    bad(`EPC ${e}: reverse map names enclave #${k.ownerEncl[e]}, which does not exist`);
  } else if (index === NONE) {
    if (encl.secsEpc !== e)
      bad(`EPC ${e}: reverse map says ${encl.name}'s SECS, but its SECS is ${encl.secsEpc}`);
    if (pt !== PT_SECS)
      bad(`EPC ${e}: reverse map says ${encl.name}'s SECS, but the EPCM type is ${typeName(pt)}`);
  } else if (index === VA_PAGE_INDEX) {
    if (!encl.vaPages.some((v) => v.epc === e))
      bad(`EPC ${e}: reverse map says a VA page of ${encl.name}, which has no such VA page`);
    if (pt !== PT_VA)
      bad(`EPC ${e}: reverse map says a VA page of ${encl.name}, but the EPCM type is ${typeName(pt)}`);
  } else {
    const p = encl.pages.get(index);
    if (!p || p.epc !== e)
      bad(`EPC ${e}: reverse map says ${at(encl, index)}, whose page is ${p ? `at EPC ${p.epc}` : "absent"}`);
    if (!isChild(pt))
      bad(`EPC ${e}: reverse map says ${at(encl, index)}, but the EPCM type is ${typeName(pt)}`);
  }
}

/** [2] Each page and the SECS: resident at its place in the EPCM, or evicted with a VA slot and a sealed copy. */
function residentOrEvicted(k: Kernel, bad: Bad): void {
  const epc = k.cpu.epc;
  for (const encl of k.enclaves) {
    const name = encl.name;
    const why = gone(encl);
    if (why) {
      if (encl.pages.size > 0) bad(`${name} is ${why} but has ${encl.pages.size} page record(s)`);
      continue;
    }
    const nPages = encl.size / PAGE;
    const vaByEpc = new Map(encl.vaPages.map((v) => [v.epc, v]));
    /** An evicted page's version slot and sealed copy agree. */
    const evictedCopy = (
      who: { toString(): string },
      vaEpc: number,
      slot: number,
      index: number,
      linaddr: number,
    ) => {
      const va = vaByEpc.get(vaEpc);
      if (!va) {
        bad(`${who} is evicted but its VA page ${vaEpc} is not one of ${name}'s VA pages`);
        return false;
      }
      if (!(slot >= 0 && slot < VA_SLOT_COUNT) || !va.used[slot])
        bad(`${who} is evicted to VA page ${vaEpc} slot ${slot}, which is not marked used`);
      const sealed = encl.backing.get(index);
      if (!sealed) {
        bad(`${who} is evicted but the backing store has no sealed copy`);
        return false;
      }
      const version = epc.vaSlots.get(vaEpc)?.[slot];
      if (sealed.version !== version)
        bad(`${who}: sealed version ${sealed.version} but VA page ${vaEpc} slot ${slot} holds ${version}`);
      if (sealed.linaddr !== linaddr)
        bad(`${who}: sealed at linear address ${hex(sealed.linaddr)}, expected ${hex(linaddr)}`);
      return true;
    };

    if (encl.secsEpc !== NONE) {
      const s = epc.secs.get(encl.secsEpc);
      if (!epc.isValid(encl.secsEpc) || epc.pt[encl.secsEpc] !== PT_SECS || !s)
        bad(`${name}'s SECS at EPC ${encl.secsEpc} is not a valid SECS page`);
      else if (s.baseaddr !== encl.base || s.size !== encl.size)
        bad(`${name}'s SECS says ELRANGE ${hex(s.baseaddr)}+${hex(s.size)}`);
      if (encl.secsVaPage !== NONE)
        bad(`${name}'s SECS is resident and also has VA slot ${encl.secsVaPage}:${encl.secsVaSlot}`);
      if (encl.backing.has(nPages))
        bad(`${name}'s SECS is resident but a sealed copy remains in the backing store`);
    } else {
      const who = `${name}'s SECS`;
      if (encl.secsVaPage === NONE) bad(`${name}'s SECS is neither resident nor evicted to a VA slot`);
      else if (evictedCopy(who, encl.secsVaPage, encl.secsVaSlot, nPages, 0)) {
        const pt = sealedType(encl, nPages);
        if (pt !== PT_SECS) bad(`${name}'s sealed SECS has page type ${typeName(pt ?? NONE)}`);
      }
      // main.c: sgx_reclaimer_write(): the SECS is evicted only after INIT (no child is left then).
      if (!encl.initialized) bad(`${name}'s SECS is evicted before INIT`);
    }

    for (const [key, p] of encl.pages) {
      const who = pageLabel(encl, p);
      const linaddr = encl.base + p.index * PAGE;
      if (key !== p.index || !(p.index >= 0 && p.index < nPages))
        bad(`${who}: page record under key ${key}, index ${p.index} (ELRANGE has ${nPages} pages)`);
      if (p.epc === NONE) {
        if (p.vaPage === NONE) bad(`${who} is neither resident nor evicted to a VA slot`);
        else evictedCopy(who, p.vaPage, p.vaSlot, p.index, linaddr);
        continue;
      }
      if (p.vaPage !== NONE)
        bad(`${who} is resident at EPC ${p.epc} and also evicted to VA page ${p.vaPage}`);
      if (encl.backing.has(p.index)) bad(`${who} is resident but a sealed copy remains in the backing store`);
      if (!epc.inEpc(p.epc) || !epc.isValid(p.epc)) {
        bad(`${who} is resident at EPC ${p.epc}, which is not VALID`);
        continue;
      }
      if (!isChild(epc.pt[p.epc])) bad(`${who} at EPC ${p.epc} has EPCM type ${typeName(epc.pt[p.epc])}`);
      if (epc.owner[p.epc] !== encl.secsEpc)
        bad(`${who} at EPC ${p.epc}: ENCLAVESECS ${epc.owner[p.epc]}, ${name}'s SECS is ${encl.secsEpc}`);
      if (epc.linaddr[p.epc] !== linaddr)
        bad(`${who} at EPC ${p.epc}: ENCLAVEADDRESS ${hex(epc.linaddr[p.epc])}, expected ${hex(linaddr)}`);
    }
    for (const i of encl.backing.keys())
      if (i !== nPages && !encl.pages.get(i))
        bad(`${name}: backing store holds ${at(encl, i)}, which has no page record`);
  }
}

/** [3] Child counts: the SECS's (arch), the EPCM's and the kernel's agree; an evicted SECS has no resident child. */
function childCounts(k: Kernel, bad: Bad): void {
  const epc = k.cpu.epc;
  const childrenOf = childrenPerSecs(epc);
  for (const encl of liveEnclaves(k)) {
    const name = encl.name;
    let resident = 0;
    for (const p of encl.pages.values()) if (p.epc !== NONE) resident++;
    if (encl.secsEpc !== NONE) {
      const arch = epc.secs.get(encl.secsEpc)?.childCount;
      const valid = childrenOf.get(encl.secsEpc) ?? 0;
      if (arch !== valid || valid !== resident || resident !== encl.secsChildCnt)
        bad(
          `${name}: SECS child count ${arch}, ${valid} valid child page(s) in the EPCM, ${resident} resident in the kernel's records, secs_child_cnt ${encl.secsChildCnt}`,
        );
      continue;
    }
    if (encl.secsVaPage !== NONE) {
      const sealedSecs = encl.backing.get(encl.size / PAGE)?.secs;
      if (sealedSecs && sealedSecs.childCount !== 0)
        bad(`${name}'s SECS was evicted with child count ${sealedSecs.childCount}`);
    }
    if (resident !== 0 || encl.secsChildCnt !== 0)
      bad(
        `${name}: SECS evicted while ${resident} page(s) are resident (secs_child_cnt ${encl.secsChildCnt})`,
      );
  }
}

function vaHolds(encl: Encl, vaEpc: number): boolean {
  return encl.vaPages.some((v) => v.epc === vaEpc);
}

/** [4] No REG page has W without R in the EPCM (SDM: EADD, EAUG, EMODPR, EMODPE refuse it). */
function noWriteWithoutRead(k: Kernel, bad: Bad): void {
  const epc = k.cpu.epc;
  for (let e = 0; e < epc.size; e++)
    if (epc.isValid(e) && epc.pt[e] === PT_REG && epc.flags[e] & E_W && !(epc.flags[e] & E_R))
      bad(`EPC ${e} is REG with W but not R (${epc.permString(e)})`);
}

/** [5] VA slots: used bits, counts and the CPU's versions agree; one used slot per evicted page; enough VA pages. */
function vaSlots(k: Kernel, bad: Bad): void {
  const epc = k.cpu.epc;
  for (const encl of k.enclaves) {
    const name = encl.name;
    const why = gone(encl);
    if (why) {
      if (encl.vaPages.length > 0) bad(`${name} is ${why} but has VA pages`);
      continue;
    }
    const vaByEpc = new Map(encl.vaPages.map((v) => [v.epc, v]));
    if (vaByEpc.size !== encl.vaPages.length) bad(`${name}'s VA list holds a VA page twice`);
    let usedSlots = 0;
    for (const va of encl.vaPages) {
      if (!epc.inEpc(va.epc) || !epc.isValid(va.epc) || epc.pt[va.epc] !== PT_VA) {
        bad(`${name}'s VA page at EPC ${va.epc} is not a valid VA page in the EPCM`);
        continue;
      }
      let set = 0;
      const slots = epc.vaSlots.get(va.epc);
      for (let s = 0; s < VA_SLOT_COUNT; s++) {
        if (va.used[s]) set++;
        // The kernel's used bit and the version the CPU holds in the slot agree.
        const version = slots?.[s] ?? 0;
        if (va.used[s] && version === 0)
          bad(`${name}'s VA page ${va.epc} slot ${s} is marked used but holds no version`);
        if (!va.used[s] && version !== 0)
          bad(`${name}'s VA page ${va.epc} slot ${s} holds version ${version} but is marked free`);
      }
      if (set !== va.count)
        bad(`${name}'s VA page ${va.epc}: count ${va.count} but ${set} slot(s) marked used`);
      usedSlots += set;
    }
    // ioctl.c: sgx_encl_grow(): page_cnt counts the SECS and every page; a VA page per 512 of them.
    if (encl.pageCnt !== encl.pages.size + 1)
      bad(`${name}: page_cnt ${encl.pageCnt}, but it has the SECS and ${encl.pages.size} page(s)`);
    if (encl.vaPages.length < Math.ceil(encl.pageCnt / VA_SLOT_COUNT))
      bad(`${name}: ${encl.vaPages.length} VA page(s) for page_cnt ${encl.pageCnt}`);

    // No two evicted pages share a slot; one used slot per evicted page, plus one for an evicted SECS.
    const slotOwners = new Map<number, { toString(): string }>();
    const holds = (who: { toString(): string }, vaEpc: number, slot: number) => {
      if (!vaByEpc.has(vaEpc)) return;
      const key = vaEpc * VA_SLOT_COUNT + slot;
      const prev = slotOwners.get(key);
      if (prev) bad(`${who} and ${prev} share VA page ${vaEpc} slot ${slot}`);
      slotOwners.set(key, who);
    };
    const secsEvicted = encl.secsEpc === NONE;
    if (secsEvicted && encl.secsVaPage !== NONE) holds(`${name}'s SECS`, encl.secsVaPage, encl.secsVaSlot);
    let evicted = 0;
    for (const p of encl.pages.values()) {
      if (p.epc !== NONE) continue;
      evicted++;
      if (p.vaPage !== NONE) holds(pageLabel(encl, p), p.vaPage, p.vaSlot);
    }
    const expected = evicted + (secsEvicted ? 1 : 0);
    if (usedSlots !== expected)
      bad(
        `${name}: ${usedSlots} used VA slot(s) for ${evicted} evicted page(s)${secsEvicted ? " and the SECS" : ""}`,
      );
  }
}

/**
 * [6] The active list holds exactly the resident child pages, once each; a processor is inside
 * an enclave exactly when a thread stayed there (`staying`: their CPUs).
 */
function activeList(k: Kernel, bad: Bad, staying: Set<number>): void {
  const epc = k.cpu.epc;
  for (const e of k.freeList())
    if (epc.inEpc(e) && k.isOnActiveList(e)) bad(`EPC ${e} is free but on the active list`);
  for (let e = 0; e < epc.size; e++)
    if (epc.isValid(e) && k.isOnActiveList(e) && !isChild(epc.pt[e]))
      bad(`EPC ${e} (${typeName(epc.pt[e])}) is on the active list`);
  for (const encl of liveEnclaves(k))
    for (const p of encl.pages.values())
      if (p.epc !== NONE && epc.inEpc(p.epc) && epc.isValid(p.epc) && !k.isOnActiveList(p.epc))
        bad(`${pageLabel(encl, p)} at EPC ${p.epc} is resident but not on the active list`);
  const active = k.activeList();
  if (active.length !== k.activeCount)
    bad(`active list has ${active.length} entries but activeCount is ${k.activeCount}`);
  const seen = new Set<number>();
  for (const e of active) {
    if (seen.has(e)) bad(`EPC ${e} is on the active list twice`);
    seen.add(e);
    if (!k.isOnActiveList(e)) bad(`EPC ${e} is linked into the active list but not flagged`);
    const o = epc.inEpc(e) ? k.pageOf(e) : undefined;
    if (!o?.page || o.page.epc !== e)
      bad(`EPC ${e} is on the active list but is not a resident enclave page`);
  }
  for (const lp of k.cpu.lps) {
    if (lp.secs !== NONE && !staying.has(lp.id))
      bad(`logical processor ${lp.id} is still inside the enclave of SECS ${lp.secs}`);
    if (lp.secs === NONE && staying.has(lp.id))
      bad(`a thread stayed inside on logical processor ${lp.id}, which is not in enclave mode`);
  }
}

/** [7] A PTE maps a resident page of the enclave whose ELRANGE holds the address, inside a VMA of its fd. */
function ptes(k: Kernel, bad: Bad): void {
  for (const [vpn, pte] of k.mm.ptes) {
    // A PTE the trace reported as the REMOVE_PAGES race's bug (kernel/stale-pte.ts).
    if (k.stalePtes.has(vpn)) continue;
    const addr = vpn * PAGE;
    const e = (pte - (pte & 1)) / 2;
    const vma = k.mm.findVma(addr);
    const label = { toString: () => k.label(addr) };
    if (!vma) bad(`PTE at ${label} → EPC ${e} lies outside every VMA`);
    const encl = k.enclaves.find((x) => x.created && !x.released && addr >= x.base && addr < x.base + x.size);
    if (!encl) {
      bad(`PTE at ${label} → EPC ${e} maps no live enclave's ELRANGE`);
      continue;
    }
    if (vma && vma.encl !== encl)
      bad(`PTE at ${label} lies in a VMA of ${vma.encl.name}'s fd but maps ${encl.name}`);
    const p = encl.pageAt(addr);
    if (!p || p.epc === NONE || p.epc !== e)
      bad(
        `PTE at ${label} → EPC ${e}, but the page is ${p ? (p.epc === NONE ? "evicted" : `at EPC ${p.epc}`) : "absent"}`,
      );
  }
}

/** [8] The kernel's page type equals the EPCM's (resident) or the sealed PCMD's (evicted). */
function kernelTypes(k: Kernel, bad: Bad): void {
  const epc = k.cpu.epc;
  for (const encl of liveEnclaves(k)) {
    for (const p of encl.pages.values()) {
      const who = pageLabel(encl, p);
      if (p.epc !== NONE) {
        if (epc.inEpc(p.epc) && epc.isValid(p.epc) && p.type !== epc.pt[p.epc])
          bad(`${who}: kernel type ${typeName(p.type)}, EPCM type ${typeName(epc.pt[p.epc])}`);
      } else if (p.vaPage !== NONE && vaHolds(encl, p.vaPage)) {
        const pt = sealedType(encl, p.index);
        if (pt !== undefined && pt !== p.type)
          bad(`${who}: kernel type ${typeName(p.type)}, sealed PCMD type ${typeName(pt)}`);
      }
    }
  }
}
