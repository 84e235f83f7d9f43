// Invariants that must hold between any two steps of a simulation: the EPCM, the kernel's
// records (free list, active list, reverse map, enclave pages, VA slots, backing store) and the
// page tables agree with each other. Derived from the driver invariants (linux-sgx-driver §8)
// and the EPCM semantics (sgx-architecture §2, §7.7). Used by the property tests; usable from any
// test that drives a Simulation step by step.
//
// Each message starts with the number of the invariant it breaks:
//  [1] EPC ownership: a valid child page (REG/TCS/TRIM) belongs to a valid SECS; the kernel's
//      reverse map (ownerEncl/ownerIndex) and its records (pages, SECS, VA pages) name each
//      other; no EPC page is claimed twice; a page on the free list is not VALID, owned or on
//      the active list; every page is either free or owned (nothing leaks).
//  [2] Each enclave page (and the SECS) is either resident (VALID, right type, ENCLAVESECS and
//      ENCLAVEADDRESS) or evicted (a used slot of one of the enclave's VA pages holding the
//      version of the sealed copy in the backing store), never both (driver §8.1).
//  [3] SECS child count = valid child pages in the EPCM = resident pages in the kernel's
//      records = secs_child_cnt; an evicted SECS has no resident child (driver §8.2).
//  [4] No REG page has W without R in the EPCM.
//  [5] VA slots: used slots = evicted pages (+1 for an evicted SECS); each VA page's count
//      matches its used bits and the versions the CPU holds; page_cnt and VA capacity (§8.3).
//  [6] The active list holds exactly the resident child pages (§8.4); no thread is inside an
//      enclave between steps.
//  [7] A PTE maps a resident page of the enclave whose ELRANGE holds the address, inside a
//      VMA of that enclave's fd.
//  [8] The kernel's page type equals the EPCM's (resident) or the sealed PCMD's (evicted)
//      once an ioctl has completed (§8.7).

import { VA_SLOT_COUNT } from "../arch/constants.ts";
import { NONE } from "../arch/epc.ts";
import type { Encl } from "../kernel/encl.ts";
import { VA_PAGE_INDEX } from "../kernel/encl.ts";
import { E_R, E_W, PT_REG, PT_SECS, PT_TCS, PT_TRIM, PT_VA, pageTypeName } from "../vocabulary/epcm.ts";
import { hex } from "../vocabulary/hex.ts";
import type { Simulation } from "./run.ts";

const PAGE = 4096;
/** The kernel's reverse map marks VA pages with this page index (paging.ts: allocVaPage). */

function isChild(pt: number): boolean {
  return pt === PT_REG || pt === PT_TCS || pt === PT_TRIM;
}

const typeName = (pt: number) => pageTypeName(pt) ?? `PT_${pt}`;

/**
 * Check every invariant against the simulation's current state. Returns one message per
 * violation, each prefixed with the invariant's number (see the property tests); empty when
 * all hold. Meant to be called between steps (no operation is half done then).
 */
export function checkInvariants(sim: Simulation): string[] {
  const k = sim.kernel;
  const epc = k.cpu.epc;
  const out: string[] = [];
  const bad = (n: number | string, msg: string) => out.push(`[${n}] ${msg}`);
  const at = (encl: Encl, index: number) => `${encl.name}+${hex(index * PAGE)}`;

  // ---- 1. The EPC: free list, reverse map, ownership ----------------------------------------
  const free = k.freeList();
  const isFree = new Uint8Array(epc.size);
  for (const e of free) {
    if (!epc.inEpc(e)) {
      bad(1, `free list holds ${e}, not an EPC page`);
      continue;
    }
    if (isFree[e]) bad(1, `EPC ${e} is on the free list twice`);
    isFree[e] = 1;
    if (epc.isValid(e)) bad(1, `EPC ${e} is free but VALID in the EPCM (${typeName(epc.pt[e])})`);
    if (k.ownerEncl[e] !== NONE)
      bad(1, `EPC ${e} is free but the reverse map names enclave #${k.ownerEncl[e]}`);
    if (k.isOnActiveList(e)) bad(6, `EPC ${e} is free but on the active list`);
  }

  // Valid child pages per SECS (arch view), for invariant 3.
  const childrenOf = new Map<number, number>();
  for (let e = 0; e < epc.size; e++) {
    const owned = k.ownerEncl[e] !== NONE;
    if (!isFree[e] && !owned) bad(1, `EPC ${e} is neither free nor owned by an enclave (leaked)`);
    if (!epc.isValid(e)) {
      if (owned)
        bad(
          1,
          `EPC ${e} is owned by enclave #${k.ownerEncl[e]} (index ${k.ownerIndex[e]}) but not VALID in the EPCM`,
        );
      continue;
    }
    const pt = epc.pt[e];
    if (isChild(pt)) {
      const s = epc.owner[e];
      if (!epc.inEpc(s) || !epc.isValid(s) || epc.pt[s] !== PT_SECS || !epc.secs.has(s))
        bad(1, `EPC ${e} (${typeName(pt)}) is VALID but its ENCLAVESECS ${s} is not a valid SECS page`);
      else childrenOf.set(s, (childrenOf.get(s) ?? 0) + 1);
      // 4. No REG page has W without R.
      if (pt === PT_REG && epc.flags[e] & E_W && !(epc.flags[e] & E_R))
        bad(4, `EPC ${e} is REG with W but not R (${epc.permString(e)})`);
    } else if (pt === PT_SECS) {
      if (!epc.secs.has(e)) bad(1, `EPC ${e} is a VALID SECS without SECS state`);
    } else if (pt === PT_VA) {
      if (!epc.vaSlots.has(e)) bad(1, `EPC ${e} is a VALID VA page without slots`);
    } else bad(1, `EPC ${e} is VALID with unknown page type ${pt}`);
    if (k.isOnActiveList(e) && !isChild(pt)) bad(6, `EPC ${e} (${typeName(pt)}) is on the active list`);
    // The reverse map must point at a kernel record that names this page.
    if (!owned) continue;
    const encl = k.enclaves[k.ownerEncl[e]];
    const index = k.ownerIndex[e];
    if (!encl) {
      bad(1, `EPC ${e}: reverse map names enclave #${k.ownerEncl[e]}, which does not exist`);
    } else if (index === NONE) {
      if (encl.secsEpc !== e)
        bad(1, `EPC ${e}: reverse map says ${encl.name}'s SECS, but its SECS is ${encl.secsEpc}`);
      if (pt !== PT_SECS)
        bad(1, `EPC ${e}: reverse map says ${encl.name}'s SECS, but the EPCM type is ${typeName(pt)}`);
    } else if (index === VA_PAGE_INDEX) {
      if (!encl.vaPages.some((v) => v.epc === e))
        bad(1, `EPC ${e}: reverse map says a VA page of ${encl.name}, which has no such VA page`);
      if (pt !== PT_VA)
        bad(1, `EPC ${e}: reverse map says a VA page of ${encl.name}, but the EPCM type is ${typeName(pt)}`);
    } else {
      const p = encl.pages.get(index);
      if (!p || p.epc !== e)
        bad(
          1,
          `EPC ${e}: reverse map says ${at(encl, index)}, whose page is ${p ? `at EPC ${p.epc}` : "absent"}`,
        );
      if (!isChild(pt))
        bad(1, `EPC ${e}: reverse map says ${at(encl, index)}, but the EPCM type is ${typeName(pt)}`);
    }
  }

  // Every EPC page named by a kernel record is named by exactly one.
  const claimed = new Map<number, { toString(): string }>();
  const claim = (e: number, who: { toString(): string }) => {
    const prev = claimed.get(e);
    if (prev !== undefined) bad(1, `EPC ${e} is claimed by both ${prev} and ${who}`);
    else claimed.set(e, who);
  };

  for (const encl of k.enclaves) {
    const name = encl.name;
    if (encl.released || !encl.created) {
      // Nothing of a released (or never created) enclave may remain.
      if (encl.pages.size > 0)
        bad(
          2,
          `${name} is ${encl.released ? "released" : "not created"} but has ${encl.pages.size} page record(s)`,
        );
      if (encl.vaPages.length > 0)
        bad(5, `${name} is ${encl.released ? "released" : "not created"} but has VA pages`);
      if (encl.secsEpc !== NONE)
        bad(
          1,
          `${name} is ${encl.released ? "released" : "not created"} but has a SECS at EPC ${encl.secsEpc}`,
        );
      continue;
    }
    const base = encl.base;
    const nPages = encl.size / PAGE;

    // VA pages: valid PT_VA, owned by this enclave, never on the active list; slot accounting.
    const vaByEpc = new Map(encl.vaPages.map((v) => [v.epc, v]));
    if (vaByEpc.size !== encl.vaPages.length) bad(5, `${name}'s VA list holds a VA page twice`);
    let usedSlots = 0;
    for (const va of encl.vaPages) {
      claim(va.epc, `${name}'s VA page`);
      if (!epc.inEpc(va.epc) || !epc.isValid(va.epc) || epc.pt[va.epc] !== PT_VA) {
        bad(5, `${name}'s VA page at EPC ${va.epc} is not a valid VA page in the EPCM`);
        continue;
      }
      if (k.ownerEncl[va.epc] !== encl.id || k.ownerIndex[va.epc] !== VA_PAGE_INDEX)
        bad(1, `${name}'s VA page at EPC ${va.epc} is not in the reverse map`);
      let set = 0;
      const slots = epc.vaSlots.get(va.epc);
      for (let s = 0; s < VA_SLOT_COUNT; s++) {
        if (va.used[s]) set++;
        // The kernel's used bit and the version the CPU holds in the slot agree.
        const version = slots?.[s] ?? 0;
        if (va.used[s] && version === 0)
          bad(5, `${name}'s VA page ${va.epc} slot ${s} is marked used but holds no version`);
        if (!va.used[s] && version !== 0)
          bad(5, `${name}'s VA page ${va.epc} slot ${s} holds version ${version} but is marked free`);
      }
      if (set !== va.count)
        bad(5, `${name}'s VA page ${va.epc}: count ${va.count} but ${set} slot(s) marked used`);
      usedSlots += set;
    }
    // §8.3: enough VA pages for every page of the enclave (page_cnt = SECS + every page).
    if (encl.pageCnt !== encl.pages.size + 1)
      bad(5, `${name}: page_cnt ${encl.pageCnt}, but it has the SECS and ${encl.pages.size} page(s)`);
    if (encl.vaPages.length < Math.ceil(encl.pageCnt / VA_SLOT_COUNT))
      bad(5, `${name}: ${encl.vaPages.length} VA page(s) for page_cnt ${encl.pageCnt}`);

    const slotOwners = new Map<number, { toString(): string }>();
    /** An evicted page's version slot and sealed copy. Returns the sealed PCMD page type, if found. */
    const checkEvicted = (
      who: string | { toString(): string },
      vaEpc: number,
      slot: number,
      backingIndex: number,
      linaddr: number,
    ): number | undefined => {
      const va = vaByEpc.get(vaEpc);
      if (!va) {
        bad(2, `${who} is evicted but its VA page ${vaEpc} is not one of ${name}'s VA pages`);
        return undefined;
      }
      const key = vaEpc * VA_SLOT_COUNT + slot;
      const prev = slotOwners.get(key);
      if (prev) bad(5, `${who} and ${prev} share VA page ${vaEpc} slot ${slot}`);
      slotOwners.set(key, who);
      if (!(slot >= 0 && slot < VA_SLOT_COUNT) || !va.used[slot])
        bad(2, `${who} is evicted to VA page ${vaEpc} slot ${slot}, which is not marked used`);
      const sealed = encl.backing.get(backingIndex);
      if (!sealed) {
        bad(2, `${who} is evicted but the backing store has no sealed copy`);
        return undefined;
      }
      const version = epc.vaSlots.get(vaEpc)?.[slot];
      if (sealed.version !== version)
        bad(2, `${who}: sealed version ${sealed.version} but VA page ${vaEpc} slot ${slot} holds ${version}`);
      if (sealed.linaddr !== linaddr)
        bad(2, `${who}: sealed at linear address ${hex(sealed.linaddr)}, expected ${hex(linaddr)}`);
      return sealed.secinfo >> 8;
    };

    // 2 (SECS). Resident or evicted with a VA slot, never both.
    let secsEvicted = false;
    if (encl.secsEpc !== NONE) {
      claim(encl.secsEpc, `${name}'s SECS`);
      const s = epc.secs.get(encl.secsEpc);
      if (!epc.isValid(encl.secsEpc) || epc.pt[encl.secsEpc] !== PT_SECS || !s)
        bad(2, `${name}'s SECS at EPC ${encl.secsEpc} is not a valid SECS page`);
      else if (s.baseaddr !== base || s.size !== encl.size)
        bad(2, `${name}'s SECS says ELRANGE ${hex(s.baseaddr)}+${hex(s.size)}`);
      if (k.ownerEncl[encl.secsEpc] !== encl.id || k.ownerIndex[encl.secsEpc] !== NONE)
        bad(1, `${name}'s SECS at EPC ${encl.secsEpc} is not in the reverse map`);
      if (encl.secsVaPage !== NONE)
        bad(2, `${name}'s SECS is resident and also has VA slot ${encl.secsVaPage}:${encl.secsVaSlot}`);
      if (encl.backing.has(nPages))
        bad(2, `${name}'s SECS is resident but a sealed copy remains in the backing store`);
    } else {
      secsEvicted = true;
      if (encl.secsVaPage === NONE) bad(2, `${name}'s SECS is neither resident nor evicted to a VA slot`);
      else {
        const pt = checkEvicted(`${name}'s SECS`, encl.secsVaPage, encl.secsVaSlot, nPages, 0);
        if (pt !== undefined && pt !== PT_SECS) bad(2, `${name}'s sealed SECS has page type ${typeName(pt)}`);
        const sealedSecs = encl.backing.get(nPages)?.secs;
        if (sealedSecs && sealedSecs.childCount !== 0)
          bad(3, `${name}'s SECS was evicted with child count ${sealedSecs.childCount}`);
      }
      // §8.2: the SECS is evicted only after INIT.
      if (!encl.initialized) bad(2, `${name}'s SECS is evicted before INIT`);
    }

    // 2 and 8 (pages). Each page resident at its address, or evicted with a VA slot.
    let resident = 0;
    let evicted = 0;
    for (const [key, p] of encl.pages) {
      const who = { toString: () => at(encl, p.index) };
      const linaddr = base + p.index * PAGE;
      if (key !== p.index || !(p.index >= 0 && p.index < nPages))
        bad(2, `${who}: page record under key ${key}, index ${p.index} (ELRANGE has ${nPages} pages)`);
      if (p.epc !== NONE) {
        resident++;
        claim(p.epc, who);
        if (p.vaPage !== NONE)
          bad(2, `${who} is resident at EPC ${p.epc} and also evicted to VA page ${p.vaPage}`);
        if (encl.backing.has(p.index))
          bad(2, `${who} is resident but a sealed copy remains in the backing store`);
        if (!epc.inEpc(p.epc) || !epc.isValid(p.epc)) {
          bad(2, `${who} is resident at EPC ${p.epc}, which is not VALID`);
          continue;
        }
        if (!isChild(epc.pt[p.epc]))
          bad(2, `${who} at EPC ${p.epc} has EPCM type ${typeName(epc.pt[p.epc])}`);
        if (epc.owner[p.epc] !== encl.secsEpc)
          bad(
            2,
            `${who} at EPC ${p.epc}: ENCLAVESECS ${epc.owner[p.epc]}, ${name}'s SECS is ${encl.secsEpc}`,
          );
        if (epc.linaddr[p.epc] !== linaddr)
          bad(
            2,
            `${who} at EPC ${p.epc}: ENCLAVEADDRESS ${hex(epc.linaddr[p.epc])}, expected ${hex(linaddr)}`,
          );
        if (k.ownerEncl[p.epc] !== encl.id || k.ownerIndex[p.epc] !== p.index)
          bad(1, `${who} at EPC ${p.epc} is not in the reverse map`);
        // 6. Resident child pages are reclaim candidates.
        if (!k.isOnActiveList(p.epc)) bad(6, `${who} at EPC ${p.epc} is resident but not on the active list`);
        // 8. The kernel's type mirrors the EPCM once an ioctl has completed.
        if (p.type !== epc.pt[p.epc])
          bad(8, `${who}: kernel type ${typeName(p.type)}, EPCM type ${typeName(epc.pt[p.epc])}`);
      } else {
        evicted++;
        if (p.vaPage === NONE) {
          bad(2, `${who} is neither resident nor evicted to a VA slot`);
          continue;
        }
        const pt = checkEvicted(who, p.vaPage, p.vaSlot, p.index, linaddr);
        // 8, for evicted pages: the PCMD keeps the type the kernel recorded.
        if (pt !== undefined && pt !== p.type)
          bad(8, `${who}: kernel type ${typeName(p.type)}, sealed PCMD type ${typeName(pt)}`);
      }
    }
    for (const i of encl.backing.keys())
      if (i !== nPages && !encl.pages.get(i))
        bad(2, `${name}: backing store holds ${at(encl, i)}, which has no page record`);

    // 3. Child counts: the SECS's (arch), the EPCM's, the kernel's.
    if (!secsEvicted) {
      const arch = epc.secs.get(encl.secsEpc)?.childCount;
      const valid = childrenOf.get(encl.secsEpc) ?? 0;
      if (arch !== valid || valid !== resident || resident !== encl.secsChildCnt)
        bad(
          3,
          `${name}: SECS child count ${arch}, ${valid} valid child page(s) in the EPCM, ${resident} resident in the kernel's records, secs_child_cnt ${encl.secsChildCnt}`,
        );
    } else if (resident !== 0 || encl.secsChildCnt !== 0) {
      bad(
        3,
        `${name}: SECS evicted while ${resident} page(s) are resident (secs_child_cnt ${encl.secsChildCnt})`,
      );
    }

    // 5. One used slot per evicted page, plus one for an evicted SECS.
    const expected = evicted + (secsEvicted ? 1 : 0);
    if (usedSlots !== expected)
      bad(
        5,
        `${name}: ${usedSlots} used VA slot(s) for ${evicted} evicted page(s)${secsEvicted ? " and the SECS" : ""}`,
      );
  }

  // 6. The active list is well formed (its members were checked above).
  const active = k.activeList();
  if (active.length !== k.activeCount)
    bad(6, `active list has ${active.length} entries but activeCount is ${k.activeCount}`);
  const seen = new Set<number>();
  for (const e of active) {
    if (seen.has(e)) bad(6, `EPC ${e} is on the active list twice`);
    seen.add(e);
    if (!k.isOnActiveList(e)) bad(6, `EPC ${e} is linked into the active list but not flagged`);
    const o = epc.inEpc(e) ? k.pageOf(e) : undefined;
    if (!o?.page || o.page.epc !== e)
      bad(6, `EPC ${e} is on the active list but is not a resident enclave page`);
  }

  // 7. PTEs point only at resident pages of the enclave whose address they map, inside a VMA.
  for (const [vpn, pte] of k.mm.ptes) {
    const addr = vpn * PAGE;
    const e = (pte - (pte & 1)) / 2;
    const vma = k.mm.findVma(addr);
    const label = { toString: () => k.label(addr) };
    if (!vma) bad(7, `PTE at ${label} → EPC ${e} lies outside every VMA`);
    const encl = k.enclaves.find((x) => x.created && !x.released && addr >= x.base && addr < x.base + x.size);
    if (!encl) {
      bad(7, `PTE at ${label} → EPC ${e} maps no live enclave's ELRANGE`);
      continue;
    }
    if (vma && vma.encl !== encl)
      bad(7, `PTE at ${label} lies in a VMA of ${vma.encl.name}'s fd but maps ${encl.name}`);
    const p = encl.pageAt(addr);
    if (!p || p.epc === NONE || p.epc !== e)
      bad(
        7,
        `PTE at ${label} → EPC ${e}, but the page is ${p ? (p.epc === NONE ? "evicted" : `at EPC ${p.epc}`) : "absent"}`,
      );
  }

  // No thread is inside an enclave between steps.
  for (const lp of k.cpu.lps)
    if (lp.secs !== NONE) bad(6, `logical processor ${lp.id} is still inside the enclave of SECS ${lp.secs}`);

  return out;
}
