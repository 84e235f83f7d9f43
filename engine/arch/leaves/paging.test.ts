// EPA, EBLOCK, ETRACK, EWB, ELDU/ELDB, EREMOVE against the SDM leaf pages
// (SDM: EPA, EBLOCK, ETRACK, EWB, ELDU, EREMOVE). Leaf-detected EPCM faults are #PF with P|W|SGX = 0x8003 at the EPC index
// (a model choice: MODEL.md, Architecture). Multi-processor tracking cases are in ../tracking.test.ts.

import { describe, expect, it } from "vitest";
import {
  E_BLOCKED,
  E_MODIFIED,
  E_PENDING,
  E_PR,
  E_R,
  E_VALID,
  E_W,
  E_X,
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
  SGX_VA_SLOT_OCCUPIED,
  VA_SLOT_COUNT,
} from "../constants.ts";
import { NONE, type SealedPage } from "../epc.ts";
import {
  childCount,
  entry,
  expectGp,
  expectPf,
  Fixture,
  MODIFIED,
  must,
  R,
  secsImage,
  si,
  unchanged,
  W,
  X,
} from "../test-helpers.ts";
import { ECREATE } from "./build.ts";
import { EEXIT } from "./enclu.ts";
import { EBLOCK, ELDU, EPA, EREMOVE, ETRACK, EWB } from "./paging.ts";
import { EAUG, EMODPR, EMODT } from "./sgx2.ts";

const PF_ENCLS = 0x8003;
const FREE = { flags: 0, pt: 0, owner: NONE, linaddr: 0 };

function setup() {
  const fx = new Fixture();
  const e = fx.enclave({
    pages: [
      { offset: 0x2000, secinfo: si(PT_REG, R | W | X), words: [[0x18, 0xabcn]] },
      { offset: 0x3000, secinfo: si(PT_REG, R) },
    ],
  });
  const va = fx.alloc();
  must(EPA(fx.cpu, va));
  return {
    fx,
    cpu: fx.cpu,
    e,
    va,
    rwx: fx.epcAt(e.base + 0x2000),
    r: fx.epcAt(e.base + 0x3000),
    tcs: e.threads[0].tcs,
  };
}

/** EBLOCK + ETRACK (nobody inside, so the cycle completes at once). */
function blockAndTrack(fx: Fixture, secs: number, page: number): void {
  must(EBLOCK(fx.cpu, page));
  must(ETRACK(fx.cpu, secs));
}

/** Evict a page through the full EBLOCK → ETRACK → EWB sequence. */
function evict(fx: Fixture, secs: number, page: number, va: number, slot: number): SealedPage {
  blockAndTrack(fx, secs, page);
  const r = EWB(fx.cpu, page, va, slot);
  must(r.out);
  return r.sealed!;
}

describe("EPA (SDM: EPA)", () => {
  it("makes a VA page: PT_VA, no address, no owner, no permissions, 512 empty slots", () => {
    const fx = new Fixture();
    const i = fx.alloc();
    expect(EPA(fx.cpu, i)).toBe(0);
    expect(entry(fx.cpu, i)).toEqual({ flags: E_VALID, pt: PT_VA, owner: NONE, linaddr: 0 });
    const slots = fx.cpu.epc.vaSlots.get(i)!;
    expect(slots.length).toBe(VA_SLOT_COUNT);
    expect(slots.every((v) => v === 0)).toBe(true);
  });

  it("#PF(RCX): target not in the EPC, or already VALID", () => {
    const fx = new Fixture(8);
    expectPf(
      unchanged(fx.cpu, () => EPA(fx.cpu, 8)),
      PF_ENCLS,
      8,
    );
    must(EPA(fx.cpu, 0));
    expectPf(
      unchanged(fx.cpu, () => EPA(fx.cpu, 0)),
      PF_ENCLS,
      0,
    );
  });
});

describe("EBLOCK (SDM: EBLOCK)", () => {
  it("sets BLOCKED on REG, TCS and TRIM pages and nothing else; PENDING/PR pages too", () => {
    const { fx, cpu, e, rwx, r, tcs } = setup();
    must(EMODT(cpu, si(PT_TRIM), r));
    must(EMODPR(cpu, si(0, R), rwx));
    const p = fx.eaug(e, e.base + 0x5000);
    const before = childCount(cpu, e.secs);
    expect(EBLOCK(cpu, rwx)).toBe(0);
    expect(entry(cpu, rwx)).toEqual({
      flags: E_VALID | E_R | E_PR | E_BLOCKED,
      pt: PT_REG,
      owner: e.secs,
      linaddr: e.base + 0x2000,
    });
    expect(EBLOCK(cpu, tcs)).toBe(0);
    expect(entry(cpu, tcs)).toEqual({
      flags: E_VALID | E_BLOCKED,
      pt: PT_TCS,
      owner: e.secs,
      linaddr: e.base,
    });
    expect(EBLOCK(cpu, r)).toBe(0);
    expect(entry(cpu, r)).toEqual({
      flags: E_VALID | E_MODIFIED | E_BLOCKED,
      pt: PT_TRIM,
      owner: e.secs,
      linaddr: e.base + 0x3000,
    });
    expect(EBLOCK(cpu, p)).toBe(0);
    expect(entry(cpu, p).flags).toBe(E_VALID | E_R | E_W | E_PENDING | E_BLOCKED);
    expect(childCount(cpu, e.secs)).toBe(before);
  });

  it("#PF(RCX): target not in the EPC", () => {
    const { cpu } = setup();
    expectPf(
      unchanged(cpu, () => EBLOCK(cpu, 64)),
      PF_ENCLS,
      64,
    );
  });

  it("SGX_PG_INVLD (6): a free page", () => {
    const { fx, cpu } = setup();
    const free = fx.alloc();
    expect(unchanged(cpu, () => EBLOCK(cpu, free))).toBe(SGX_PG_INVLD);
  });

  it("SGX_PG_IS_SECS (18) for a SECS; SGX_NOTBLOCKABLE (5) for a VA page", () => {
    const { cpu, e, va } = setup();
    expect(unchanged(cpu, () => EBLOCK(cpu, e.secs))).toBe(SGX_PG_IS_SECS);
    expect(unchanged(cpu, () => EBLOCK(cpu, va))).toBe(SGX_NOTBLOCKABLE);
  });

  it("SGX_BLKSTATE (3): already blocked; the page stays blocked", () => {
    const { cpu, rwx } = setup();
    must(EBLOCK(cpu, rwx));
    expect(unchanged(cpu, () => EBLOCK(cpu, rwx))).toBe(SGX_BLKSTATE);
    expect(entry(cpu, rwx).flags & E_BLOCKED).toBe(E_BLOCKED);
  });
});

describe("ETRACK (SDM: ETRACK) — single processor", () => {
  it("succeeds at once when nobody is inside, and can be repeated", () => {
    const { cpu, e } = setup();
    const epoch = cpu.epc.secs.get(e.secs)!.epoch;
    expect(ETRACK(cpu, e.secs)).toBe(0);
    expect(ETRACK(cpu, e.secs)).toBe(0);
    expect(cpu.epc.secs.get(e.secs)!.epoch).toBe(epoch + 2);
  });

  it("changes no EPCM entry", () => {
    const { cpu, e } = setup();
    const before = [...Array(10).keys()].map((i) => entry(cpu, i));
    must(ETRACK(cpu, e.secs));
    expect([...Array(10).keys()].map((i) => entry(cpu, i))).toEqual(before);
  });

  it("#PF(RCX): not in the EPC, not VALID, or not PT_SECS", () => {
    const { fx, cpu, rwx, va, tcs } = setup();
    const free = fx.alloc();
    for (const t of [64, free, rwx, tcs, va]) {
      expectPf(
        unchanged(cpu, () => ETRACK(cpu, t)),
        PF_ENCLS,
        t,
      );
    }
  });
});

describe("EWB (SDM: EWB)", () => {
  it("evicts a blocked, tracked REG page: VALID=0, child count −1, version in the VA slot, PCMD keeps PT/RWX/linaddr/EID", () => {
    const { fx, cpu, e, rwx, va } = setup();
    blockAndTrack(fx, e.secs, rwx);
    const n = childCount(cpu, e.secs);
    const r = EWB(cpu, rwx, va, 7);
    expect(r.out).toBe(0);
    expect(entry(cpu, rwx)).toEqual(FREE);
    expect(childCount(cpu, e.secs)).toBe(n - 1);
    const sealed = r.sealed!;
    expect(sealed.secinfo).toBe(si(PT_REG, R | W | X));
    expect(sealed.linaddr).toBe(e.base + 0x2000);
    expect(sealed.eid).toBe(cpu.epc.secs.get(e.secs)!.eid);
    expect(sealed.version).not.toBe(0);
    expect(cpu.epc.vaSlots.get(va)![7]).toBe(sealed.version);
    expect(cpu.epc.words.has(rwx)).toBe(false); // the contents left the EPC
  });

  it("PCMD.SECINFO records PENDING, MODIFIED and PR", () => {
    const { fx, cpu, e, rwx, r, va } = setup();
    const p = fx.eaug(e, e.base + 0x5000);
    must(EMODPR(cpu, si(0, R), rwx));
    must(EMODT(cpu, si(PT_TRIM), r));
    expect(evict(fx, e.secs, p, va, 0).secinfo).toBe(si(PT_REG, R | W | 0x8));
    expect(evict(fx, e.secs, rwx, va, 1).secinfo).toBe(si(PT_REG, R | 0x20));
    expect(evict(fx, e.secs, r, va, 2).secinfo).toBe(si(PT_TRIM, MODIFIED));
  });

  it("#PF(RCX): target not in the EPC", () => {
    const { cpu, va } = setup();
    expectPf(
      unchanged(cpu, () => EWB(cpu, 64, va, 0).out),
      PF_ENCLS,
      64,
    );
  });

  it("#GP: the VA slot address is not a valid 8-byte slot of a page", () => {
    const { fx, cpu, e, rwx, va } = setup();
    blockAndTrack(fx, e.secs, rwx);
    for (const slot of [-1, VA_SLOT_COUNT, 1.5]) expectGp(unchanged(cpu, () => EWB(cpu, rwx, va, slot).out));
  });

  it("#PF(RDX): the VA slot is not in the EPC", () => {
    const { fx, cpu, e, rwx } = setup();
    blockAndTrack(fx, e.secs, rwx);
    expectPf(
      unchanged(cpu, () => EWB(cpu, rwx, 64, 0).out),
      PF_ENCLS,
      64,
    );
  });

  it("#GP: the page and the VA slot are in the same EPC page", () => {
    const { cpu, va } = setup();
    expectGp(unchanged(cpu, () => EWB(cpu, va, va, 0).out));
  });

  it("#PF(RCX): the target is not VALID", () => {
    const { fx, cpu, va } = setup();
    const free = fx.alloc();
    expectPf(
      unchanged(cpu, () => EWB(cpu, free, va, 0).out),
      PF_ENCLS,
      free,
    );
  });

  it("#PF(RDX): the VA page is not VALID or not PT_VA", () => {
    const { fx, cpu, e, rwx, r } = setup();
    blockAndTrack(fx, e.secs, rwx);
    const free = fx.alloc();
    for (const bad of [free, r, e.secs]) {
      expectPf(
        unchanged(cpu, () => EWB(cpu, rwx, bad, 0).out),
        PF_ENCLS,
        bad,
      );
    }
  });

  it("order: an invalid target (#PF(RCX)) beats an invalid VA page (#PF(RDX))", () => {
    const { fx, cpu } = setup();
    const free = fx.alloc();
    const free2 = fx.alloc();
    expectPf(
      unchanged(cpu, () => EWB(cpu, free, free2, 0).out),
      PF_ENCLS,
      free,
    );
  });

  it("order: a VA slot not in the EPC (#PF(RDX), step 3) beats an invalid target (#PF(RCX), step 7)", () => {
    const { fx, cpu } = setup();
    const free = fx.alloc();
    expectPf(
      unchanged(cpu, () => EWB(cpu, free, 64, 0).out),
      PF_ENCLS,
      64,
    );
  });

  it("SGX_PAGE_NOT_BLOCKED (10): REG, TCS, TRIM pages that were not EBLOCKed", () => {
    const { cpu, e, rwx, r, tcs, va } = setup();
    must(EMODT(cpu, si(PT_TRIM), r));
    must(ETRACK(cpu, e.secs));
    for (const t of [rwx, tcs, r])
      expect(unchanged(cpu, () => EWB(cpu, t, va, 0).out)).toBe(SGX_PAGE_NOT_BLOCKED);
  });

  it("SGX_NOT_TRACKED (11): EBLOCK without a following ETRACK, even with nobody inside", () => {
    const { cpu, rwx, va } = setup();
    must(EBLOCK(cpu, rwx));
    expect(unchanged(cpu, () => EWB(cpu, rwx, va, 0).out)).toBe(SGX_NOT_TRACKED);
  });

  it("an ETRACK before the EBLOCK does not count", () => {
    const { cpu, e, rwx, va } = setup();
    must(ETRACK(cpu, e.secs));
    must(EBLOCK(cpu, rwx));
    expect(unchanged(cpu, () => EWB(cpu, rwx, va, 0).out)).toBe(SGX_NOT_TRACKED);
    must(ETRACK(cpu, e.secs));
    expect(EWB(cpu, rwx, va, 0).out).toBe(0);
  });

  it("SGX_CHILD_PRESENT (13): a SECS with children; no block/track needed once they are gone", () => {
    const { fx, cpu, e, va } = setup();
    expect(unchanged(cpu, () => EWB(cpu, e.secs, va, 0).out)).toBe(SGX_CHILD_PRESENT);
    const pages = [
      e.threads[0].tcs,
      e.threads[0].ssa[0],
      fx.epcAt(e.base + 0x2000),
      fx.epcAt(e.base + 0x3000),
    ];
    for (const [k, p] of pages.entries()) {
      evict(fx, e.secs, p, va, k + 1);
      if (k < pages.length - 1)
        expect(unchanged(cpu, () => EWB(cpu, e.secs, va, 0).out)).toBe(SGX_CHILD_PRESENT);
    }
    expect(childCount(cpu, e.secs)).toBe(0);
    const r = EWB(cpu, e.secs, va, 0);
    expect(r.out).toBe(0);
    expect(entry(cpu, e.secs)).toEqual(FREE);
    expect(r.sealed!.secinfo).toBe(si(PT_SECS));
    expect(r.sealed!.linaddr).toBe(0);
    expect(r.sealed!.eid).toBe(r.sealed!.secs!.eid);
  });

  it("a VA page needs no EBLOCK or ETRACK; PCMD.ENCLAVEID is 0", () => {
    const { fx, cpu, va } = setup();
    const va2 = fx.alloc();
    must(EPA(cpu, va2));
    const r = EWB(cpu, va2, va, 3);
    expect(r.out).toBe(0);
    expect(entry(cpu, va2)).toEqual(FREE);
    expect(r.sealed!.secinfo).toBe(si(PT_VA));
    expect(r.sealed!.eid).toBe(0);
  });

  it("order: not blocked (10) is reported before not tracked (11)", () => {
    const { cpu, rwx, va } = setup();
    expect(unchanged(cpu, () => EWB(cpu, rwx, va, 0).out)).toBe(SGX_PAGE_NOT_BLOCKED);
  });

  it("SGX_VA_SLOT_OCCUPIED (12): the eviction still completes and the slot is overwritten", () => {
    const { fx, cpu, e, rwx, r, va } = setup();
    const first = evict(fx, e.secs, rwx, va, 5);
    blockAndTrack(fx, e.secs, r);
    const n = childCount(cpu, e.secs);
    const res = EWB(cpu, r, va, 5);
    expect(res.out).toBe(SGX_VA_SLOT_OCCUPIED);
    expect(entry(cpu, r)).toEqual(FREE);
    expect(childCount(cpu, e.secs)).toBe(n - 1);
    expect(res.sealed).toBeDefined();
    expect(cpu.epc.vaSlots.get(va)![5]).toBe(res.sealed!.version);
    expect(res.sealed!.version).not.toBe(first.version);
  });
});

describe("ELDU / ELDB (SDM: ELDU)", () => {
  it("ELDU restores PT, RWX, ENCLAVEADDRESS, owner and contents; BLOCKED=0; child count +1; the VA slot is cleared", () => {
    const { fx, cpu, e, rwx, va } = setup();
    const sealed = evict(fx, e.secs, rwx, va, 9);
    const n = childCount(cpu, e.secs);
    const to = fx.alloc();
    expect(ELDU(cpu, to, va, 9, sealed, e.secs)).toBe(0);
    expect(entry(cpu, to)).toEqual({
      flags: E_VALID | E_R | E_W | E_X,
      pt: PT_REG,
      owner: e.secs,
      linaddr: e.base + 0x2000,
    });
    expect(cpu.epc.readWord(to, 0x18)).toBe(0xabcn);
    expect(childCount(cpu, e.secs)).toBe(n + 1);
    // MODEL.md, Architecture: a successful load frees the slot.
    expect(cpu.epc.vaSlots.get(va)![9]).toBe(0);
  });

  it("ELDB restores the page BLOCKED", () => {
    const { fx, cpu, e, rwx, va } = setup();
    const sealed = evict(fx, e.secs, rwx, va, 0);
    const to = fx.alloc();
    expect(ELDU(cpu, to, va, 0, sealed, e.secs, true)).toBe(0);
    expect(entry(cpu, to)).toEqual({
      flags: E_VALID | E_R | E_W | E_X | E_BLOCKED,
      pt: PT_REG,
      owner: e.secs,
      linaddr: e.base + 0x2000,
    });
  });

  it("PENDING, MODIFIED, PR, RWX and PT survive EWB → ELDU", () => {
    const { fx, cpu, e, rwx, r, tcs, va } = setup();
    const p = fx.eaug(e, e.base + 0x5000);
    must(EMODPR(cpu, si(0, R | X), rwx));
    must(EMODT(cpu, si(PT_TRIM), r));
    const cases = [p, rwx, r, tcs].map((page, k) => {
      const want = entry(cpu, page);
      return { want, sealed: evict(fx, e.secs, page, va, 20 + k), slot: 20 + k };
    });
    for (const c of cases) {
      const to = fx.alloc();
      expect(ELDU(cpu, to, va, c.slot, c.sealed, e.secs)).toBe(0);
      expect(entry(cpu, to)).toEqual(c.want);
    }
    expect(cases.map((c) => c.want.flags)).toEqual([
      E_VALID | E_R | E_W | E_PENDING,
      E_VALID | E_R | E_X | E_PR,
      E_VALID | E_MODIFIED,
      E_VALID,
    ]);
  });

  it("a SECS is evicted last and reloaded first (PAGEINFO.SECS unused), keeping EID and state; children follow", () => {
    const { fx, cpu, e, va } = setup();
    const pages = [
      e.threads[0].tcs,
      e.threads[0].ssa[0],
      fx.epcAt(e.base + 0x2000),
      fx.epcAt(e.base + 0x3000),
    ];
    const wants = pages.map((p) => entry(cpu, p));
    const sealedChildren = pages.map((p, k) => evict(fx, e.secs, p, va, 100 + k));
    const state = { ...cpu.epc.secs.get(e.secs)! };
    const sealedSecs = EWB(cpu, e.secs, va, 99);
    must(sealedSecs.out);
    const secs2 = fx.alloc();
    expect(ELDU(cpu, secs2, va, 99, sealedSecs.sealed!, NONE)).toBe(0);
    expect(entry(cpu, secs2)).toEqual({ flags: E_VALID, pt: PT_SECS, owner: NONE, linaddr: 0 });
    const s2 = cpu.epc.secs.get(secs2)!;
    expect(s2.eid).toBe(state.eid);
    expect(s2.initialized).toBe(true);
    expect(s2.baseaddr).toBe(e.base);
    for (const [k, sealed] of sealedChildren.entries()) {
      const to = fx.alloc();
      expect(ELDU(cpu, to, va, 100 + k, sealed, secs2)).toBe(0);
      expect(entry(cpu, to)).toEqual({ ...wants[k], owner: secs2 });
    }
    expect(childCount(cpu, secs2)).toBe(4);
  });

  it("ELDB of a SECS or VA page does not set BLOCKED", () => {
    const { fx, cpu, va } = setup();
    const va2 = fx.alloc();
    must(EPA(cpu, va2));
    const r = EWB(cpu, va2, va, 1);
    must(r.out);
    const to = fx.alloc();
    expect(ELDU(cpu, to, va, 1, r.sealed!, NONE, true)).toBe(0);
    expect(entry(cpu, to)).toEqual({ flags: E_VALID, pt: PT_VA, owner: NONE, linaddr: 0 });
  });

  it("a VA page keeps its slot versions through EWB → ELDU", () => {
    const { fx, cpu, e, rwx, va } = setup();
    const va2 = fx.alloc();
    must(EPA(cpu, va2));
    const sealed = evict(fx, e.secs, rwx, va2, 4); // the page's version lives in va2
    const r = EWB(cpu, va2, va, 1);
    must(r.out);
    const va3 = fx.alloc();
    must(ELDU(cpu, va3, va, 1, r.sealed!, NONE));
    expect(cpu.epc.vaSlots.get(va3)![4]).toBe(sealed.version);
    expect(ELDU(cpu, fx.alloc(), va3, 4, sealed, e.secs)).toBe(0);
  });

  it("#PF(RCX): target not in the EPC", () => {
    const { fx, cpu, e, rwx, va } = setup();
    const sealed = evict(fx, e.secs, rwx, va, 0);
    expectPf(
      unchanged(cpu, () => ELDU(cpu, 64, va, 0, sealed, e.secs)),
      PF_ENCLS,
      64,
    );
  });

  it("#GP: VA slot address invalid; #PF(RDX): VA slot not in the EPC", () => {
    const { fx, cpu, e, rwx, va } = setup();
    const sealed = evict(fx, e.secs, rwx, va, 0);
    const to = fx.alloc();
    expectGp(unchanged(cpu, () => ELDU(cpu, to, va, 512, sealed, e.secs)));
    expectGp(unchanged(cpu, () => ELDU(cpu, to, va, -1, sealed, e.secs)));
    expectPf(
      unchanged(cpu, () => ELDU(cpu, to, 64, 0, sealed, e.secs)),
      PF_ENCLS,
      64,
    );
  });

  it("#PF(RCX): the target EPCM entry is VALID", () => {
    const { fx, cpu, e, rwx, r, va } = setup();
    const sealed = evict(fx, e.secs, rwx, va, 0);
    expectPf(
      unchanged(cpu, () => ELDU(cpu, r, va, 0, sealed, e.secs)),
      PF_ENCLS,
      r,
    );
  });

  it("#PF(RDX): the VA page is not VALID or not PT_VA", () => {
    const { fx, cpu, e, rwx, r, va } = setup();
    const sealed = evict(fx, e.secs, rwx, va, 0);
    const to = fx.alloc();
    const free = fx.alloc();
    for (const bad of [free, r]) {
      expectPf(
        unchanged(cpu, () => ELDU(cpu, to, bad, 0, sealed, e.secs)),
        PF_ENCLS,
        bad,
      );
    }
  });

  it("order: a VALID target (#PF(RCX)) beats an invalid VA page (#PF(RDX))", () => {
    const { fx, cpu, e, rwx, r, va } = setup();
    const sealed = evict(fx, e.secs, rwx, va, 0);
    const free = fx.alloc();
    expectPf(
      unchanged(cpu, () => ELDU(cpu, r, free, 0, sealed, e.secs)),
      PF_ENCLS,
      r,
    );
  });

  it("#PF(SECS): PAGEINFO.SECS not in the EPC, or not a valid PT_SECS page (MODEL.md, Architecture)", () => {
    const { fx, cpu, e, rwx, r, va } = setup();
    const sealed = evict(fx, e.secs, rwx, va, 0);
    const to = fx.alloc();
    const free = fx.alloc();
    for (const bad of [64, free, r, va]) {
      expectPf(
        unchanged(cpu, () => ELDU(cpu, to, va, 0, sealed, bad)),
        PF_ENCLS,
        bad,
      );
    }
  });

  it("SGX_MAC_COMPARE_FAIL (9): a stale copy (older version), a wrong slot, a replay after a successful load", () => {
    const { fx, cpu, e, rwx, va } = setup();
    const v1 = evict(fx, e.secs, rwx, va, 0);
    const a = fx.alloc();
    must(ELDU(cpu, a, va, 0, v1, e.secs));
    const v2 = evict(fx, e.secs, a, va, 0);
    const to = fx.alloc();
    expect(unchanged(cpu, () => ELDU(cpu, to, va, 0, v1, e.secs))).toBe(SGX_MAC_COMPARE_FAIL);
    expect(unchanged(cpu, () => ELDU(cpu, to, va, 1, v2, e.secs))).toBe(SGX_MAC_COMPARE_FAIL);
    must(ELDU(cpu, to, va, 0, v2, e.secs));
    const again = fx.alloc();
    expect(unchanged(cpu, () => ELDU(cpu, again, va, 0, v2, e.secs))).toBe(SGX_MAC_COMPARE_FAIL);
  });

  it("SGX_MAC_COMPARE_FAIL (9): loading into another enclave (the MAC binds the SECS EID)", () => {
    const { fx, cpu, e, rwx, va } = setup();
    const other = fx.enclave();
    const sealed = evict(fx, e.secs, rwx, va, 0);
    const to = fx.alloc();
    expect(unchanged(cpu, () => ELDU(cpu, to, va, 0, sealed, other.secs))).toBe(SGX_MAC_COMPARE_FAIL);
    expect(cpu.epc.vaSlots.get(va)![0]).toBe(sealed.version); // the slot is kept on failure
  });

  it("SGX_MAC_COMPARE_FAIL (9): a tampered PCMD.SECINFO, LINADDR, ENCLAVEID or page content", () => {
    const { fx, cpu, e, rwx, r, va } = setup();
    const sealed = evict(fx, e.secs, r, va, 0);
    const to = fx.alloc();
    const tampered: SealedPage[] = [
      { ...sealed, secinfo: si(PT_REG, R | W | X) }, // grant permissions the page never had
      { ...sealed, secinfo: si(PT_TCS) },
      { ...sealed, linaddr: sealed.linaddr + 0x1000 },
      { ...sealed, eid: sealed.eid + 1 },
    ];
    for (const t of tampered)
      expect(unchanged(cpu, () => ELDU(cpu, to, va, 0, t, e.secs))).toBe(SGX_MAC_COMPARE_FAIL);
    const withData = evict(fx, e.secs, rwx, va, 1);
    const forged = { ...withData, words: new Map([[0x18, 0xdeadn]]) };
    expect(unchanged(cpu, () => ELDU(cpu, to, va, 1, forged, e.secs))).toBe(SGX_MAC_COMPARE_FAIL);
    expect(ELDU(cpu, to, va, 0, sealed, e.secs)).toBe(0);
  });

  it("order: PAGEINFO.SECS not in the EPC (#PF) beats a MAC failure (9)", () => {
    const { fx, cpu, e, rwx, va } = setup();
    const sealed = evict(fx, e.secs, rwx, va, 0);
    const to = fx.alloc();
    expectPf(
      unchanged(cpu, () => ELDU(cpu, to, va, 1, sealed, 64)),
      PF_ENCLS,
      64,
    );
  });

  it("a reloaded VA slot can be reused by EWB without SGX_VA_SLOT_OCCUPIED", () => {
    const { fx, cpu, e, rwx, va } = setup();
    const sealed = evict(fx, e.secs, rwx, va, 0);
    const to = fx.alloc();
    must(ELDU(cpu, to, va, 0, sealed, e.secs));
    blockAndTrack(fx, e.secs, to);
    expect(EWB(cpu, to, va, 0).out).toBe(0);
  });
});

describe("EREMOVE (SDM: EREMOVE)", () => {
  it("a free page: success, nothing changes", () => {
    const { fx, cpu } = setup();
    const free = fx.alloc();
    expect(unchanged(cpu, () => EREMOVE(cpu, free))).toBe(0);
  });

  it("#PF(RCX): not in the EPC", () => {
    const { cpu } = setup();
    expectPf(
      unchanged(cpu, () => EREMOVE(cpu, 64)),
      PF_ENCLS,
      64,
    );
  });

  it("REG, TCS, unaccepted TRIM, PENDING, BLOCKED and PR pages are removed when nobody is inside; child count −1 each", () => {
    const { fx, cpu, e, rwx, r, tcs } = setup();
    const p = fx.eaug(e, e.base + 0x5000);
    const b = fx.eaug(e, e.base + 0x6000);
    must(EBLOCK(cpu, b));
    must(EMODPR(cpu, si(0, R), rwx));
    must(EMODT(cpu, si(PT_TRIM), r));
    let n = childCount(cpu, e.secs);
    for (const t of [rwx, r, tcs, p, b]) {
      expect(EREMOVE(cpu, t)).toBe(0);
      expect(entry(cpu, t)).toEqual(FREE);
      expect(childCount(cpu, e.secs)).toBe(--n);
    }
  });

  it("a VA page is removed even with slots in use", () => {
    const { fx, cpu, e, rwx, va } = setup();
    evict(fx, e.secs, rwx, va, 0);
    expect(EREMOVE(cpu, va)).toBe(0);
    expect(entry(cpu, va)).toEqual(FREE);
  });

  it("SGX_CHILD_PRESENT (13): a SECS with children; removed once it has none", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    expect(unchanged(fx.cpu, () => EREMOVE(fx.cpu, e.secs))).toBe(SGX_CHILD_PRESENT);
    must(EREMOVE(fx.cpu, e.threads[0].tcs));
    expect(unchanged(fx.cpu, () => EREMOVE(fx.cpu, e.secs))).toBe(SGX_CHILD_PRESENT);
    must(EREMOVE(fx.cpu, e.threads[0].ssa[0]));
    expect(EREMOVE(fx.cpu, e.secs)).toBe(0);
    expect(entry(fx.cpu, e.secs)).toEqual(FREE);
  });

  it("SGX_ENCLAVE_ACT (14): REG, TCS, PENDING and unaccepted TRIM pages while a thread is inside", () => {
    const { fx, cpu, e, rwx, r, tcs } = setup();
    const p = fx.eaug(e, e.base + 0x5000);
    must(EMODT(cpu, si(PT_TRIM), r));
    fx.enter(e);
    for (const t of [rwx, r, tcs, p]) expect(unchanged(cpu, () => EREMOVE(cpu, t))).toBe(SGX_ENCLAVE_ACT);
    EEXIT(cpu, fx.lp);
    expect(EREMOVE(cpu, rwx)).toBe(0);
  });

  it("an accepted TRIM page is removed even while a thread is inside", () => {
    const { fx, cpu, e, r } = setup();
    must(EMODT(cpu, si(PT_TRIM), r));
    must(fx.accept(e, si(PT_TRIM, MODIFIED), e.base + 0x3000));
    fx.enter(e);
    const n = childCount(cpu, e.secs);
    expect(EREMOVE(cpu, r)).toBe(0);
    expect(entry(cpu, r)).toEqual(FREE);
    expect(childCount(cpu, e.secs)).toBe(n - 1);
  });

  it("a thread inside another enclave does not matter", () => {
    const { fx, cpu, rwx } = setup();
    const other = fx.enclave();
    fx.enter(other);
    expect(EREMOVE(cpu, rwx)).toBe(0);
  });

  it("a page freed by EREMOVE can be reused by EAUG, EPA or ECREATE", () => {
    const { cpu, e, rwx } = setup();
    must(EREMOVE(cpu, rwx));
    expect(EAUG(cpu, rwx, e.base + 0x7000, e.secs)).toBe(0);
    must(EREMOVE(cpu, rwx));
    expect(EPA(cpu, rwx)).toBe(0);
    must(EREMOVE(cpu, rwx));
    expect(ECREATE(cpu, rwx, secsImage(0x70000000))).toBe(0);
    expect(entry(cpu, rwx)).toEqual({ flags: E_VALID, pt: PT_SECS, owner: NONE, linaddr: 0 });
  });
});
