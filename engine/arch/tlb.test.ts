// A TLB per logical processor (engine/MODEL.md, "Many CPUs"; docs/scenario-format.md, "TLBs"):
// a walk that passed the page tables and the EPCM fills a translation with PTE ∩ EPCM rights; a
// hit with the needed right skips the EPCM check; EENTER/ERESUME start empty, EEXIT and AEX flush.

import { describe, expect, it } from "vitest";
import { PT_REG } from "../vocabulary/epcm.ts";
import { enclaveAccess } from "./access.ts";
import { VEC_PF } from "./constants.ts";
import { type Fault, isFault, TLB_ENTRIES, tlbFill, tlbFind, tlbInvalidate } from "./cpu.ts";
import { AEX, EEXIT } from "./leaves/enclu.ts";
import { ETRACK } from "./leaves/paging.ts";
import { EMODPR } from "./leaves/sgx2.ts";
import { Fixture, must, R, si, W, X } from "./test-helpers.ts";

const FAULT: Fault = { vector: VEC_PF, code: 0x8005, addr: 0, raisedBy: "EPCM", why: "test" };

function setup() {
  const fx = new Fixture();
  const e = fx.enclave({ pages: [{ offset: 0x8000, secinfo: si(PT_REG, R | W | X) }] });
  const lin = e.base + 0x8000;
  fx.enter(e);
  return { fx, e, lin, lp: fx.lp, cpu: fx.cpu };
}

const cached = (lp: { tlbN: number; tlbVpn: Float64Array; tlbRights: Uint8Array }, lin: number) => {
  const i = tlbFind(lp as never, Math.floor(lin / 4096));
  return i < 0 ? undefined : lp.tlbRights[i];
};

describe("TLB fill and hit", () => {
  it("EENTER starts empty; a walk fills PTE ∩ EPCM rights", () => {
    const s = setup();
    expect(s.lp.tlbN).toBe(0);
    s.fx.mmu.map(s.lin, s.fx.epcAt(s.lin), { write: false });
    expect(isFault(enclaveAccess(s.cpu, s.lp, s.lin, "read", s.fx.mmu))).toBe(false);
    expect(cached(s.lp, s.lin)).toBe(R | X); // the PTE is read-only: W is not cached
  });

  it("a hit skips the EPCM: after EMODPR (no flush) the stale W still works, and a tlb-hit is logged", () => {
    const s = setup();
    const page = s.fx.epcAt(s.lin);
    expect(enclaveAccess(s.cpu, s.lp, s.lin, "write", s.fx.mmu)).toBe(page);
    must(EMODPR(s.cpu, si(0, R), page));
    s.cpu.log.take();
    expect(enclaveAccess(s.cpu, s.lp, s.lin, "write", s.fx.mmu)).toBe(page);
    expect(s.cpu.log.take().map((e) => e.kind)).toEqual(["tlb-hit"]);
    // After an exit and a new entry, the walk meets the EPCM's R--.
    EEXIT(s.cpu, s.lp);
    s.fx.enter(s.e);
    const f = enclaveAccess(s.cpu, s.lp, s.lin, "write", s.fx.mmu);
    expect(f).toMatchObject({ vector: VEC_PF, code: 0x8007, raisedBy: "EPCM" });
  });

  it("a cached entry without the right is walked again", () => {
    const s = setup();
    const page = s.fx.epcAt(s.lin);
    s.fx.mmu.map(s.lin, page, { write: false });
    expect(enclaveAccess(s.cpu, s.lp, s.lin, "read", s.fx.mmu)).toBe(page);
    s.fx.mmu.map(s.lin, page, { write: true });
    expect(enclaveAccess(s.cpu, s.lp, s.lin, "write", s.fx.mmu)).toBe(page);
    expect(cached(s.lp, s.lin)).toBe(R | W | X);
  });

  it("EEXIT and AEX flush; tracking is unaffected by the TLB", () => {
    const s = setup();
    enclaveAccess(s.cpu, s.lp, s.lin, "read", s.fx.mmu);
    expect(s.lp.tlbN).toBe(1);
    AEX(s.cpu, s.lp, FAULT);
    expect(s.lp.tlbN).toBe(0);
    must(ETRACK(s.cpu, s.e.secs));
  });

  it(`keeps at most ${TLB_ENTRIES} entries, dropping the oldest; invalidate drops one`, () => {
    const s = setup();
    for (let i = 0; i <= TLB_ENTRIES; i++) tlbFill(s.lp, 1000 + i, i, R);
    expect(s.lp.tlbN).toBe(TLB_ENTRIES);
    expect(tlbFind(s.lp, 1000)).toBe(-1);
    expect(tlbFind(s.lp, 1001)).toBe(0);
    expect(tlbInvalidate(s.lp, 1001)).toBe(true);
    expect(tlbInvalidate(s.lp, 1001)).toBe(false);
    expect(s.lp.tlbN).toBe(TLB_ENTRIES - 1);
  });
});
