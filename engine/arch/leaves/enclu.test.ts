// EENTER/ERESUME, EEXIT, AEX, EACCEPT, EACCEPTCOPY, EMODPE against the SDM leaf pages
// (SDM: ENCLU, EENTER, EEXIT, EACCEPT, EACCEPTCOPY, EMODPE; the SGX2 flows with EAUG, EMODPR, EMODT). Operands are linear addresses translated through a
// test page table. A missing PTE is an ordinary #PF (U, +W for a write: 0x4 / 0x6, as the
// selftests observe). An operand's EPCM check failing is a #PF with SGX|U|P (+W when the leaf
// writes the operand): 0x8005 / 0x8007. Those SGX-bit error codes for ENCLU operands are derived
// from the bit definitions, not documented (MODEL.md, Architecture): a model choice.

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
  ATTR_MODE64BIT,
  SGX_NOT_TRACKED,
  SGX_PAGE_ATTRIBUTES_MISMATCH,
  TCS_AEP,
  TCS_CSSA_NSSA,
  TCS_FLAGS,
  TCS_FSGSLIMIT,
  TCS_OFSBASE,
  TCS_OGSBASE,
  TCS_STATE,
  VEC_PF,
} from "../constants.ts";
import type { Fault } from "../cpu.ts";
import { NONE } from "../epc.ts";
import {
  childCount,
  type Enclave,
  entry,
  expectGp,
  expectPf,
  Fixture,
  MATCHING_SIG,
  MODIFIED,
  must,
  NON_EPC,
  PENDING,
  PR,
  R,
  si,
  tcsWords,
  unchanged,
  W,
  X,
} from "../test-helpers.ts";
import { EADD, EINIT } from "./build.ts";
import { AEX, EACCEPT, EACCEPTCOPY, EEXIT, EMODPE, enterEnclave, tcsCssa } from "./enclu.ts";
import { EBLOCK, EPA, ETRACK } from "./paging.ts";
import { EAUG, EMODPR, EMODT } from "./sgx2.ts";

const PF_READ = 0x8005; // SGX | U | P
const PF_WRITE = 0x8007; // SGX | U | W | P
const NOT_PRESENT_READ = 0x4; // U
const NOT_PRESENT_WRITE = 0x6; // U | W

const PF_FAULT: Fault = { vector: VEC_PF, code: 0x8005, addr: 0, raisedBy: "EPCM", why: "test" };

/** An enclave whose only TCS is built from `words` (OSSA 0x1000, SSA at +0x1000). */
function enclaveWithTcs(words: Array<[number, bigint]>, opts: { init?: boolean; attributes?: number } = {}) {
  const fx = new Fixture();
  const { secs, base } = fx.create(opts.attributes === undefined ? {} : { attributes: opts.attributes });
  const tcs = fx.alloc();
  must(EADD(fx.cpu, tcs, base, secs, si(PT_TCS), words));
  fx.mmu.map(base, tcs);
  const ssa = fx.alloc();
  must(EADD(fx.cpu, ssa, base + 0x1000, secs, si(PT_REG, R | W)));
  fx.mmu.map(base + 0x1000, ssa);
  if (opts.init ?? true) must(EINIT(fx.cpu, secs, MATCHING_SIG));
  return { fx, cpu: fx.cpu, secs, base, tcs, ssa };
}

describe("EENTER / ERESUME (SDM: EENTER/ERESUME)", () => {
  it("EENTER: the processor enters enclave mode on the TCS; no EPCM entry changes", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    const before = [...Array(8).keys()].map((i) => entry(fx.cpu, i));
    expect(enterEnclave(fx.cpu, fx.lp, e.base, fx.mmu, false)).toBe(0);
    expect(fx.lp.secs).toBe(e.secs);
    expect(fx.lp.tcs).toBe(e.threads[0].tcs);
    expect(fx.lp.tcsLinaddr).toBe(e.base);
    expect(fx.lp.entryEpoch).toBe(fx.cpu.epc.secs.get(e.secs)!.epoch);
    expect([...Array(8).keys()].map((i) => entry(fx.cpu, i))).toEqual(before);
    expect(childCount(fx.cpu, e.secs)).toBe(2);
    expect(tcsCssa(fx.cpu, e.threads[0].tcs)).toBe(0);
  });

  it("#GP: EENTER or ERESUME while already in enclave mode (SDM: ENCLU)", () => {
    const fx = new Fixture();
    const e = fx.enclave({ threads: 2 });
    fx.enter(e);
    expectGp(unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.threads[1].tcsLin, fx.mmu, false)));
    expectGp(unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.threads[1].tcsLin, fx.mmu, true)));
  });

  it("#GP: the TCS address is not 4 KiB aligned", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    expectGp(unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base + 8, fx.mmu, false)));
  });

  it("ordinary #PF (0x4) when the TCS is not mapped; #PF with SGX when it maps outside the EPC", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    fx.mmu.unmap(e.base);
    const out = unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base, fx.mmu, false));
    expectPf(out, NOT_PRESENT_READ, e.base);
    expect(out).toMatchObject({ raisedBy: "page tables" });
    fx.mmu.map(e.base, NON_EPC);
    expectPf(
      unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base, fx.mmu, false)),
      PF_READ,
      e.base,
    );
  });

  it("#PF(TCS): not VALID, BLOCKED, wrong ENCLAVEADDRESS, not PT_TCS, or MODIFIED (EMODT'd, not accepted)", () => {
    const fx = new Fixture();
    const e = fx.enclave({ threads: 2, pages: [{ offset: 0x4000, secinfo: si(PT_REG, R | W) }] });
    const t1 = e.threads[1];
    // free page
    const free = fx.alloc();
    fx.mmu.map(e.base + 0x8000, free);
    expectPf(
      unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base + 0x8000, fx.mmu, false)),
      PF_READ,
      e.base + 0x8000,
    );
    // wrong ENCLAVEADDRESS: TCS 1 mapped at another address
    fx.mmu.map(e.base + 0x9000, t1.tcs);
    expectPf(
      unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base + 0x9000, fx.mmu, false)),
      PF_READ,
      e.base + 0x9000,
    );
    // a REG page
    expectPf(
      unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base + 0x4000, fx.mmu, false)),
      PF_READ,
      e.base + 0x4000,
    );
    // MODIFIED: a REG page EMODT'd to TCS
    must(EMODT(fx.cpu, si(PT_TCS), fx.epcAt(e.base + 0x4000)));
    expectPf(
      unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base + 0x4000, fx.mmu, false)),
      PF_READ,
      e.base + 0x4000,
    );
    // BLOCKED
    must(EBLOCK(fx.cpu, t1.tcs));
    expectPf(
      unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, t1.tcsLin, fx.mmu, false)),
      PF_READ,
      t1.tcsLin,
    );
  });

  for (const [name, word, value] of [
    ["OSSA", 16, 0x1008n],
    ["OFSBASE", TCS_OFSBASE, 0x10n],
    ["OGSBASE", TCS_OGSBASE, 0x800n],
    ["FLAGS reserved bit 1", TCS_FLAGS, 2n],
  ] as const) {
    it(`#GP: TCS.${name} invalid`, () => {
      const { fx, cpu, base } = enclaveWithTcs([...tcsWords(0x1000, 1), [word, value]]);
      expectGp(unchanged(cpu, () => enterEnclave(cpu, fx.lp, base, fx.mmu, false)));
    });
  }

  it("TCS.FLAGS.DBGOPTIN is not reserved", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    fx.cpu.epc.writeWord(e.threads[0].tcs, TCS_FLAGS, 1n); // as EDBGWR would on a debug enclave
    expect(enterEnclave(fx.cpu, fx.lp, e.base, fx.mmu, false)).toBe(0);
  });

  it("#GP: the enclave is not initialized", () => {
    const { fx, cpu, base } = enclaveWithTcs(tcsWords(0x1000, 1), { init: false });
    expectGp(unchanged(cpu, () => enterEnclave(cpu, fx.lp, base, fx.mmu, false)));
  });

  it("#GP: EENTER with CSSA ≥ NSSA (NSSA 0, or all frames used after an AEX)", () => {
    const a = enclaveWithTcs(tcsWords(0x1000, 0));
    expectGp(unchanged(a.cpu, () => enterEnclave(a.cpu, a.fx.lp, a.base, a.fx.mmu, false)));
    const fx = new Fixture();
    const e = fx.enclave();
    fx.enter(e);
    AEX(fx.cpu, fx.lp, PF_FAULT);
    expectGp(unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base, fx.mmu, false)));
  });

  it("#GP: ERESUME with CSSA = 0", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    expectGp(unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base, fx.mmu, true)));
  });

  it("#PF(SSA): SSA not mapped (ordinary, 0x6), read-only PTE (ordinary, 0x7), outside the EPC", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    const ssaLin = e.threads[0].ssaLin[0];
    const ssa = e.threads[0].ssa[0];
    fx.mmu.unmap(ssaLin);
    expectPf(
      unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base, fx.mmu, false)),
      NOT_PRESENT_WRITE,
      ssaLin,
    );
    fx.mmu.map(ssaLin, ssa, { write: false });
    expectPf(
      unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base, fx.mmu, false)),
      0x7,
      ssaLin,
    );
    fx.mmu.map(ssaLin, NON_EPC);
    expectPf(
      unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base, fx.mmu, false)),
      PF_WRITE,
      ssaLin,
    );
  });

  it("#PF(SSA): the SSA page is not RW, PENDING, BLOCKED, not PT_REG, another enclave's, or at another address", () => {
    const make = (mutate: (fx: Fixture, e: Enclave, ssaLin: number) => void) => {
      const fx = new Fixture();
      const e = fx.enclave();
      const ssaLin = e.threads[0].ssaLin[0];
      mutate(fx, e, ssaLin);
      expectPf(
        unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base, fx.mmu, false)),
        PF_WRITE,
        ssaLin,
      );
    };
    // EPCM read-only (EMODPR to R)
    make((fx, e) => must(EMODPR(fx.cpu, si(0, R), e.threads[0].ssa[0])));
    // BLOCKED
    make((fx, e) => must(EBLOCK(fx.cpu, e.threads[0].ssa[0])));
    // PENDING: a fresh EAUG page mapped as the SSA
    make((fx, e, lin) => {
      const p = fx.alloc();
      must(EAUG(fx.cpu, p, lin, e.secs));
      fx.mmu.map(lin, p);
    });
    // MODIFIED / not PT_REG: EMODT to TRIM
    make((fx, e) => must(EMODT(fx.cpu, si(PT_TRIM), e.threads[0].ssa[0])));
    // another enclave's page
    make((fx, _e, lin) => {
      const other = fx.enclave();
      fx.mmu.map(lin, other.threads[0].ssa[0]);
    });
    // a page of this enclave at another linear address
    make((fx, e, lin) => fx.mmu.map(lin, e.threads[0].tcs));
  });

  it("#GP: the TCS is already ACTIVE (one thread per TCS)", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    fx.enter(e);
    const lp2 = fx.cpu.addProcessor();
    expectGp(unchanged(fx.cpu, () => enterEnclave(fx.cpu, lp2, e.base, fx.mmu, false)));
    EEXIT(fx.cpu, fx.lp);
    expect(enterEnclave(fx.cpu, lp2, e.base, fx.mmu, false)).toBe(0);
  });

  it("order: an invalid TCS entry (#PF, step 3) beats a misaligned OSSA (#GP, step 4)", () => {
    const { fx, cpu, base, tcs } = enclaveWithTcs([...tcsWords(0x1000, 1), [16, 0x1008n]]);
    must(EBLOCK(cpu, tcs));
    expectPf(
      unchanged(cpu, () => enterEnclave(cpu, fx.lp, base, fx.mmu, false)),
      PF_READ,
      base,
    );
  });

  it("order: an uninitialized enclave (#GP, step 4) beats a bad SSA (#PF, step 6)", () => {
    const { fx, cpu, base } = enclaveWithTcs(tcsWords(0x1000, 1), { init: false });
    fx.mmu.unmap(base + 0x1000);
    expectGp(unchanged(cpu, () => enterEnclave(cpu, fx.lp, base, fx.mmu, false)));
  });

  it("order: CSSA ≥ NSSA (#GP, step 5) beats a bad SSA (#PF, step 6)", () => {
    const a = enclaveWithTcs(tcsWords(0x1000, 0));
    a.fx.mmu.unmap(a.base + 0x1000);
    expectGp(unchanged(a.cpu, () => enterEnclave(a.cpu, a.fx.lp, a.base, a.fx.mmu, false)));
  });

  it("order: a bad SSA (#PF, step 6) beats an ACTIVE TCS (#GP, step 7)", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    fx.enter(e);
    fx.mmu.unmap(e.threads[0].ssaLin[0]);
    const lp2 = fx.cpu.addProcessor();
    expectPf(
      unchanged(fx.cpu, () => enterEnclave(fx.cpu, lp2, e.base, fx.mmu, false)),
      NOT_PRESENT_WRITE,
      e.threads[0].ssaLin[0],
    );
  });

  it("AEX saves to frame CSSA (CSSA+1) and exits; ERESUME uses frame CSSA−1 and decrements CSSA", () => {
    const fx = new Fixture();
    const e = fx.enclave({ nssa: 2 });
    const t = e.threads[0];
    fx.enter(e);
    AEX(fx.cpu, fx.lp, PF_FAULT);
    expect(fx.lp.secs).toBe(NONE);
    expect(tcsCssa(fx.cpu, t.tcs)).toBe(1);
    // EENTER now needs frame 1, ERESUME frame 0.
    fx.mmu.unmap(t.ssaLin[1]);
    expectPf(
      unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, t.tcsLin, fx.mmu, false)),
      NOT_PRESENT_WRITE,
      t.ssaLin[1],
    );
    expect(enterEnclave(fx.cpu, fx.lp, t.tcsLin, fx.mmu, true)).toBe(0);
    expect(fx.lp.secs).toBe(e.secs);
    expect(tcsCssa(fx.cpu, t.tcs)).toBe(0);
  });

  it("ERESUME checks frame CSSA−1", () => {
    const fx = new Fixture();
    const e = fx.enclave({ nssa: 2 });
    const t = e.threads[0];
    fx.enter(e);
    AEX(fx.cpu, fx.lp, PF_FAULT);
    fx.mmu.unmap(t.ssaLin[0]);
    expectPf(
      unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, t.tcsLin, fx.mmu, true)),
      NOT_PRESENT_WRITE,
      t.ssaLin[0],
    );
    // EENTER (a nested entry for the exception handler) uses frame 1.
    expect(enterEnclave(fx.cpu, fx.lp, t.tcsLin, fx.mmu, false)).toBe(0);
    expect(tcsCssa(fx.cpu, t.tcs)).toBe(1);
  });

  it("a TCS made by EMODT can be entered once EACCEPTed (SDM: EMODT, EACCEPT)", () => {
    const fx = new Fixture();
    const e = fx.enclave({
      pages: [
        { offset: 0x4000, secinfo: si(PT_REG, R | W) },
        { offset: 0x5000, secinfo: si(PT_REG, R | W) },
      ],
    });
    const page = fx.epcAt(e.base + 0x4000);
    // The enclave writes the TCS image while the page is still REG (OSSA = the page at +0x5000).
    fx.enter(e);
    for (const [off, v] of tcsWords(0x5000, 1)) fx.cpu.epc.writeWord(page, off, v);
    EEXIT(fx.cpu, fx.lp);
    must(EMODT(fx.cpu, si(PT_TCS), page));
    expectPf(
      unchanged(fx.cpu, () => enterEnclave(fx.cpu, fx.lp, e.base + 0x4000, fx.mmu, false)),
      PF_READ,
      e.base + 0x4000,
    );
    expect(fx.accept(e, si(PT_TCS, MODIFIED), e.base + 0x4000)).toBe(0);
    expect(entry(fx.cpu, page)).toEqual({
      flags: E_VALID,
      pt: PT_TCS,
      owner: e.secs,
      linaddr: e.base + 0x4000,
    });
    expect(enterEnclave(fx.cpu, fx.lp, e.base + 0x4000, fx.mmu, false)).toBe(0);
  });
});

describe("EEXIT and AEX (SDM: EEXIT)", () => {
  it("EEXIT leaves enclave mode and frees the TCS; no EPCM change", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    fx.enter(e);
    const before = [...Array(8).keys()].map((i) => entry(fx.cpu, i));
    expect(EEXIT(fx.cpu, fx.lp)).toBe(0);
    expect(fx.lp.secs).toBe(NONE);
    expect(fx.lp.tcs).toBe(NONE);
    expect(fx.cpu.epc.readWord(e.threads[0].tcs, TCS_STATE)).toBe(0n);
    expect([...Array(8).keys()].map((i) => entry(fx.cpu, i))).toEqual(before);
    expect(tcsCssa(fx.cpu, e.threads[0].tcs)).toBe(0);
    fx.enter(e); // the TCS is free again
  });

  it("#GP: EEXIT outside enclave mode (SDM: ENCLU)", () => {
    const fx = new Fixture();
    fx.enclave();
    expectGp(unchanged(fx.cpu, () => EEXIT(fx.cpu, fx.lp)));
  });

  it("AEX frees the TCS for ERESUME and leaves enclave mode", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    fx.enter(e);
    AEX(fx.cpu, fx.lp, PF_FAULT);
    expect(fx.lp.secs).toBe(NONE);
    expect(fx.cpu.epc.readWord(e.threads[0].tcs, TCS_STATE)).toBe(0n);
    const lp2 = fx.cpu.addProcessor();
    expect(enterEnclave(fx.cpu, lp2, e.base, fx.mmu, true)).toBe(0);
  });
});

/** Initialized enclave; REG RWX at +0x2000 (with data), R at +0x3000, X-only at +0x4000; entered. */
function inside() {
  const fx = new Fixture();
  const e = fx.enclave({
    pages: [
      { offset: 0x2000, secinfo: si(PT_REG, R | W | X), words: [[0x40, 0x1234n]] },
      { offset: 0x3000, secinfo: si(PT_REG, R) },
      { offset: 0x4000, secinfo: si(PT_REG, X) },
    ],
  });
  const pending = fx.eaug(e, e.base + 0x5000);
  fx.enter(e);
  return {
    fx,
    cpu: fx.cpu,
    lp: fx.lp,
    mmu: fx.mmu,
    e,
    rwx: fx.epcAt(e.base + 0x2000),
    r: fx.epcAt(e.base + 0x3000),
    xo: fx.epcAt(e.base + 0x4000),
    pending,
    tcs: e.threads[0].tcs,
  };
}

/** Leave, run `fn` from outside, ETRACK, and re-enter (what a kernel ioctl round trip does). */
function outside(s: ReturnType<typeof inside>, fn: () => void): void {
  EEXIT(s.cpu, s.lp);
  fn();
  must(ETRACK(s.cpu, s.e.secs));
  s.fx.enter(s.e);
}

describe("EACCEPT (SDM: EACCEPT)", () => {
  it("accepts an EAUG'd page (R|W|REG|PENDING): PENDING cleared, RW-, no ETRACK needed", () => {
    const s = inside();
    const n = childCount(s.cpu, s.e.secs);
    expect(EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING), s.e.base + 0x5000, s.mmu)).toBe(0);
    expect(entry(s.cpu, s.pending)).toEqual({
      flags: E_VALID | E_R | E_W,
      pt: PT_REG,
      owner: s.e.secs,
      linaddr: s.e.base + 0x5000,
    });
    expect(childCount(s.cpu, s.e.secs)).toBe(n);
  });

  it("PR is not compared: R|W|REG|PENDING|PR also accepts an EAUG'd page", () => {
    const s = inside();
    expect(EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING | PR), s.e.base + 0x5000, s.mmu)).toBe(0);
    expect(entry(s.cpu, s.pending).flags).toBe(E_VALID | E_R | E_W);
  });

  it("accepts a restriction (new RWX|REG|PR) after ETRACK and a re-entry: PR cleared", () => {
    const s = inside();
    outside(s, () => must(EMODPR(s.cpu, si(0, R), s.rwx)));
    const n = childCount(s.cpu, s.e.secs);
    expect(EACCEPT(s.cpu, s.lp, si(PT_REG, R | PR), s.e.base + 0x2000, s.mmu)).toBe(0);
    expect(childCount(s.cpu, s.e.secs)).toBe(n);
    expect(entry(s.cpu, s.rwx)).toEqual({
      flags: E_VALID | E_R,
      pt: PT_REG,
      owner: s.e.secs,
      linaddr: s.e.base + 0x2000,
    });
  });

  it("accepts a trim (TRIM|MODIFIED) and a new TCS (TCS|MODIFIED): MODIFIED cleared, type kept", () => {
    const s = inside();
    // Write a valid TCS image into the RWX page while it is still REG.
    for (const [off, v] of tcsWords(0x1000, 1)) s.cpu.epc.writeWord(s.rwx, off, v);
    s.cpu.epc.writeWord(s.rwx, 0x40, 0n);
    outside(s, () => {
      must(EMODT(s.cpu, si(PT_TRIM), s.r));
      must(EMODT(s.cpu, si(PT_TCS), s.rwx));
    });
    const n = childCount(s.cpu, s.e.secs);
    expect(EACCEPT(s.cpu, s.lp, si(PT_TRIM, MODIFIED), s.e.base + 0x3000, s.mmu)).toBe(0);
    expect(childCount(s.cpu, s.e.secs)).toBe(n); // a trimmed page stays a child until EREMOVE
    expect(entry(s.cpu, s.r)).toEqual({
      flags: E_VALID,
      pt: PT_TRIM,
      owner: s.e.secs,
      linaddr: s.e.base + 0x3000,
    });
    expect(EACCEPT(s.cpu, s.lp, si(PT_TCS, MODIFIED), s.e.base + 0x2000, s.mmu)).toBe(0);
    expect(entry(s.cpu, s.rwx)).toEqual({
      flags: E_VALID,
      pt: PT_TCS,
      owner: s.e.secs,
      linaddr: s.e.base + 0x2000,
    });
  });

  it("#GP: outside enclave mode (SDM: ENCLU)", () => {
    const s = inside();
    EEXIT(s.cpu, s.lp);
    expectGp(
      unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING), s.e.base + 0x5000, s.mmu)),
    );
  });

  it("#GP: SECINFO reserved bits", () => {
    const s = inside();
    for (const bad of [
      si(PT_REG, R | W | PENDING | 0x40),
      si(PT_REG, R | W | PENDING | 0x80),
      si(PT_REG, R | W | PENDING) | 0x10000,
    ])
      expectGp(unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, bad, s.e.base + 0x5000, s.mmu)));
  });

  it("#GP: target not 4 KiB aligned, or outside ELRANGE (even when unmapped)", () => {
    const s = inside();
    expectGp(
      unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING), s.e.base + 0x5010, s.mmu)),
    );
    expectGp(
      unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING), s.e.base + s.e.size, s.mmu)),
    );
    s.mmu.map(s.e.base - 0x1000, s.pending);
    expectGp(
      unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING), s.e.base - 0x1000, s.mmu)),
    );
  });

  it("ordinary #PF 0x4 when the target is not mapped (as the selftests observe); SGX #PF when it maps outside the EPC", () => {
    const s = inside();
    const out = unchanged(s.cpu, () =>
      EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING), s.e.base + 0x6000, s.mmu),
    );
    expectPf(out, NOT_PRESENT_READ, s.e.base + 0x6000);
    expect(out).toMatchObject({ raisedBy: "page tables" });
    s.mmu.map(s.e.base + 0x6000, NON_EPC);
    expectPf(
      unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING), s.e.base + 0x6000, s.mmu)),
      PF_READ,
      s.e.base + 0x6000,
    );
  });

  const illegal: Array<[string, number]> = [
    ["REG with neither PR nor PENDING", si(PT_REG, R | W)],
    ["REG with MODIFIED", si(PT_REG, R | W | PENDING | MODIFIED)],
    ["REG with PR and MODIFIED", si(PT_REG, R | PR | MODIFIED)],
    ["TCS without MODIFIED", si(PT_TCS)],
    ["TCS with MODIFIED and PR", si(PT_TCS, MODIFIED | PR)],
    ["TCS with MODIFIED and PENDING", si(PT_TCS, MODIFIED | PENDING)],
    ["TRIM without MODIFIED", si(PT_TRIM, PENDING)],
    ["SECS with MODIFIED", si(PT_SECS, MODIFIED)],
    ["VA with MODIFIED", si(PT_VA, MODIFIED)],
  ];
  for (const [name, secinfo] of illegal) {
    it(`#GP: illegal SECINFO combination — ${name}`, () => {
      const s = inside();
      expectGp(unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, secinfo, s.e.base + 0x5000, s.mmu)));
    });
  }

  it("#PF(RCX): target not VALID, BLOCKED, PT_SECS/PT_VA, or another enclave's", () => {
    const s = inside();
    const va = s.fx.alloc();
    must(EPA(s.cpu, va));
    const free = s.fx.alloc();
    const other = s.fx.enclave();
    const otherPending = s.fx.alloc();
    must(EAUG(s.cpu, otherPending, other.base + 0x5000, other.secs));
    const blocked = s.fx.alloc();
    must(EAUG(s.cpu, blocked, s.e.base + 0xa000, s.e.secs));
    must(EBLOCK(s.cpu, blocked));
    const targets: Array<[number, number]> = [
      [s.e.base + 0x6000, free],
      [s.e.base + 0x7000, s.e.secs],
      [s.e.base + 0x8000, va],
      [s.e.base + 0x9000, otherPending],
      [s.e.base + 0xa000, blocked],
    ];
    for (const [lin, page] of targets) {
      s.mmu.map(lin, page);
      expectPf(
        unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING), lin, s.mmu)),
        PF_READ,
        lin,
      );
    }
  });

  it("SGX_PAGE_ATTRIBUTES_MISMATCH (19): RWX, PENDING, MODIFIED, PT or ENCLAVEADDRESS differ", () => {
    const s = inside();
    const lin = s.e.base + 0x5000;
    for (const secinfo of [
      si(PT_REG, R | W | X | PENDING), // X: EAUG gave RW-
      si(PT_REG, R | PENDING),
      si(PT_REG, R | W | PR), // PENDING differs
      si(PT_TCS, MODIFIED), // PT and MODIFIED differ
      si(PT_TRIM, MODIFIED),
    ])
      expect(unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, secinfo, lin, s.mmu))).toBe(
        SGX_PAGE_ATTRIBUTES_MISMATCH,
      );
    // The page mapped at a linear address other than its ENCLAVEADDRESS: a code, not a fault.
    s.mmu.map(s.e.base + 0x9000, s.pending);
    expect(
      unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING), s.e.base + 0x9000, s.mmu)),
    ).toBe(SGX_PAGE_ATTRIBUTES_MISMATCH);
  });

  it("19: a second EACCEPT of the same page, an accepted TCS, an accepted TRIM page", () => {
    const s = inside();
    must(EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING), s.e.base + 0x5000, s.mmu));
    expect(
      unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING), s.e.base + 0x5000, s.mmu)),
    ).toBe(SGX_PAGE_ATTRIBUTES_MISMATCH);
    expect(unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_TCS, MODIFIED), s.e.base, s.mmu))).toBe(
      SGX_PAGE_ATTRIBUTES_MISMATCH,
    );
    outside(s, () => must(EMODT(s.cpu, si(PT_TRIM), s.r)));
    must(EACCEPT(s.cpu, s.lp, si(PT_TRIM, MODIFIED), s.e.base + 0x3000, s.mmu));
    expect(
      unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_TRIM, MODIFIED), s.e.base + 0x3000, s.mmu)),
    ).toBe(SGX_PAGE_ATTRIBUTES_MISMATCH);
  });

  it("19: accepting a restriction with RWX other than the post-EMODPR value", () => {
    const s = inside();
    outside(s, () => must(EMODPR(s.cpu, si(0, R), s.rwx)));
    for (const bad of [si(PT_REG, R | W | PR), si(PT_REG, R | W | X | PR), si(PT_REG, PR)])
      expect(unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, bad, s.e.base + 0x2000, s.mmu))).toBe(
        SGX_PAGE_ATTRIBUTES_MISMATCH,
      );
  });

  it("SGX_NOT_TRACKED (11): EMODPR or EMODT without an ETRACK", () => {
    const s = inside();
    EEXIT(s.cpu, s.lp);
    must(EMODPR(s.cpu, si(0, R), s.rwx));
    must(EMODT(s.cpu, si(PT_TRIM), s.r));
    s.fx.enter(s.e);
    expect(unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | PR), s.e.base + 0x2000, s.mmu))).toBe(
      SGX_NOT_TRACKED,
    );
    expect(
      unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_TRIM, MODIFIED), s.e.base + 0x3000, s.mmu)),
    ).toBe(SGX_NOT_TRACKED);
  });

  it("SGX_NOT_TRACKED (11): the accepting thread itself entered before the ETRACK (SDM: ETRACK)", () => {
    const s = inside();
    must(EMODPR(s.cpu, si(0, R), s.rwx)); // while the thread is inside
    must(ETRACK(s.cpu, s.e.secs));
    expect(unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | PR), s.e.base + 0x2000, s.mmu))).toBe(
      SGX_NOT_TRACKED,
    );
    EEXIT(s.cpu, s.lp);
    s.fx.enter(s.e);
    expect(EACCEPT(s.cpu, s.lp, si(PT_REG, R | PR), s.e.base + 0x2000, s.mmu)).toBe(0);
  });

  it("#GP: a new TCS with DBGOPTIN, CSSA ≥ NSSA, AEP, STATE or reserved bytes set", () => {
    const cases: Array<Array<[number, bigint]>> = [
      [...tcsWords(0x1000, 1), [TCS_FLAGS, 1n]],
      tcsWords(0x1000, 0), // CSSA 0 ≥ NSSA 0
      [...tcsWords(0x1000, 1), [TCS_CSSA_NSSA, (1n << 32n) | 1n]], // CSSA 1 ≥ NSSA 1
      [...tcsWords(0x1000, 1), [TCS_AEP, 0x1000n]],
      [...tcsWords(0x1000, 1), [TCS_STATE, 1n]],
      [...tcsWords(0x1000, 1), [0x48, 1n]],
      [...tcsWords(0x1000, 1), [0xff8, 1n]],
    ];
    for (const words of cases) {
      const s = inside();
      s.cpu.epc.writeWord(s.rwx, 0x40, 0n);
      for (const [off, v] of words) s.cpu.epc.writeWord(s.rwx, off, v);
      outside(s, () => must(EMODT(s.cpu, si(PT_TCS), s.rwx)));
      expectGp(unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_TCS, MODIFIED), s.e.base + 0x2000, s.mmu)));
    }
  });

  it("#GP: a new TCS of a 32-bit enclave whose FS/GS limits do not end in 0xFFF", () => {
    const fx = new Fixture();
    const e = fx.enclave({
      image: { attributes: 0 },
      pages: [{ offset: 0x2000, secinfo: si(PT_REG, R | W) }],
    });
    const page = fx.epcAt(e.base + 0x2000);
    for (const [off, v] of tcsWords(0x1000, 1)) fx.cpu.epc.writeWord(page, off, v);
    fx.cpu.epc.writeWord(page, TCS_FSGSLIMIT, 0xfffn);
    must(EMODT(fx.cpu, si(PT_TCS), page));
    must(ETRACK(fx.cpu, e.secs));
    fx.enter(e);
    expectGp(unchanged(fx.cpu, () => EACCEPT(fx.cpu, fx.lp, si(PT_TCS, MODIFIED), e.base + 0x2000, fx.mmu)));
    fx.cpu.epc.writeWord(page, TCS_FSGSLIMIT, (0x1fffn << 32n) | 0xfffn);
    expect(EACCEPT(fx.cpu, fx.lp, si(PT_TCS, MODIFIED), e.base + 0x2000, fx.mmu)).toBe(0);
    expect(fx.cpu.epc.secs.get(e.secs)!.attributes & ATTR_MODE64BIT).toBe(0);
  });

  it("order: reserved SECINFO bits (#GP, step 4) beat an unmapped or outside-ELRANGE target", () => {
    const s = inside();
    expectGp(
      unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | 0x40 | PENDING), s.e.base + 0x6000, s.mmu)),
    );
  });

  it("order: an unmapped target (#PF, step 6) beats an illegal SECINFO combination (#GP, step 7)", () => {
    const s = inside();
    expectPf(
      unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | W), s.e.base + 0x6000, s.mmu)),
      NOT_PRESENT_READ,
      s.e.base + 0x6000,
    );
  });

  it("order: an illegal SECINFO combination (#GP, step 7) beats an invalid target (#PF, step 8)", () => {
    const s = inside();
    const free = s.fx.alloc();
    s.mmu.map(s.e.base + 0x6000, free);
    expectGp(unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_TCS), s.e.base + 0x6000, s.mmu)));
  });

  it("order: a BLOCKED target (#PF, step 8) beats a mismatch (19)", () => {
    const s = inside();
    must(EBLOCK(s.cpu, s.pending));
    expectPf(
      unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | X | PENDING), s.e.base + 0x5000, s.mmu)),
      PF_READ,
      s.e.base + 0x5000,
    );
  });

  it("order: a mismatch (19) is reported before tracking (11)", () => {
    const s = inside();
    EEXIT(s.cpu, s.lp);
    must(EMODPR(s.cpu, si(0, R), s.rwx));
    s.fx.enter(s.e);
    expect(
      unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PR), s.e.base + 0x2000, s.mmu)),
    ).toBe(SGX_PAGE_ATTRIBUTES_MISMATCH);
    expect(unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_REG, R | PR), s.e.base + 0x2000, s.mmu))).toBe(
      SGX_NOT_TRACKED,
    );
  });

  it("order: tracking (11) is reported before the new TCS's field checks (#GP)", () => {
    const s = inside();
    EEXIT(s.cpu, s.lp);
    must(EMODT(s.cpu, si(PT_TCS), s.r)); // a zero page: CSSA 0 ≥ NSSA 0
    s.fx.enter(s.e);
    expect(unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp, si(PT_TCS, MODIFIED), s.e.base + 0x3000, s.mmu))).toBe(
      SGX_NOT_TRACKED,
    );
  });
});

describe("EACCEPTCOPY (SDM: EACCEPTCOPY)", () => {
  it("copies the source into the pending page and sets R/W/X from SECINFO (X allowed); PENDING cleared", () => {
    for (const perms of [R | X, R, R | W | X, 0]) {
      const s = inside();
      const n = childCount(s.cpu, s.e.secs);
      expect(EACCEPTCOPY(s.cpu, s.lp, si(PT_REG, perms), s.e.base + 0x5000, s.e.base + 0x2000, s.mmu)).toBe(
        0,
      );
      expect(childCount(s.cpu, s.e.secs)).toBe(n);
      expect(entry(s.cpu, s.pending)).toEqual({
        flags: E_VALID | perms,
        pt: PT_REG,
        owner: s.e.secs,
        linaddr: s.e.base + 0x5000,
      });
      expect(s.cpu.epc.readWord(s.pending, 0x40)).toBe(0x1234n);
    }
  });

  it("#GP: outside enclave mode", () => {
    const s = inside();
    EEXIT(s.cpu, s.lp);
    expectGp(
      unchanged(s.cpu, () =>
        EACCEPTCOPY(s.cpu, s.lp, si(PT_REG, R), s.e.base + 0x5000, s.e.base + 0x2000, s.mmu),
      ),
    );
  });

  it("#GP: destination or source not 4 KiB aligned, or outside ELRANGE", () => {
    const s = inside();
    const b = s.e.base;
    s.mmu.map(b - 0x1000, s.rwx);
    for (const [d, src] of [
      [b + 0x5008, b + 0x2000],
      [b + 0x5000, b + 0x2008],
      [b + s.e.size, b + 0x2000],
      [b + 0x5000, b - 0x1000],
    ])
      expectGp(unchanged(s.cpu, () => EACCEPTCOPY(s.cpu, s.lp, si(PT_REG, R), d, src, s.mmu)));
  });

  it("#PF: destination or source unmapped (ordinary) or outside the EPC (SGX)", () => {
    const s = inside();
    const b = s.e.base;
    expectPf(
      unchanged(s.cpu, () => EACCEPTCOPY(s.cpu, s.lp, si(PT_REG, R), b + 0x6000, b + 0x2000, s.mmu)),
      NOT_PRESENT_WRITE,
      b + 0x6000,
    );
    expectPf(
      unchanged(s.cpu, () => EACCEPTCOPY(s.cpu, s.lp, si(PT_REG, R), b + 0x5000, b + 0x6000, s.mmu)),
      NOT_PRESENT_READ,
      b + 0x6000,
    );
    s.mmu.map(b + 0x6000, NON_EPC);
    expectPf(
      unchanged(s.cpu, () => EACCEPTCOPY(s.cpu, s.lp, si(PT_REG, R), b + 0x6000, b + 0x2000, s.mmu)),
      PF_WRITE,
      b + 0x6000,
    );
    expectPf(
      unchanged(s.cpu, () => EACCEPTCOPY(s.cpu, s.lp, si(PT_REG, R), b + 0x5000, b + 0x6000, s.mmu)),
      PF_READ,
      b + 0x6000,
    );
  });

  it("#GP: SECINFO reserved bits, W without R, or PT not PT_REG", () => {
    const s = inside();
    for (const bad of [si(PT_REG, R | 0x40), si(PT_REG, W), si(PT_REG, W | X), si(PT_TCS), si(PT_TRIM, R)])
      expectGp(
        unchanged(s.cpu, () => EACCEPTCOPY(s.cpu, s.lp, bad, s.e.base + 0x5000, s.e.base + 0x2000, s.mmu)),
      );
  });

  it("#PF(source): not VALID, R=0, PENDING, MODIFIED, BLOCKED, not PT_REG, another enclave's, wrong address", () => {
    const s = inside();
    const b = s.e.base;
    const free = s.fx.alloc();
    const other = s.fx.enclave({ pages: [{ offset: 0x2000, secinfo: si(PT_REG, R) }] });
    const pending2 = s.fx.alloc();
    must(EAUG(s.cpu, pending2, b + 0x8000, s.e.secs));
    const blocked = s.fx.alloc();
    must(EAUG(s.cpu, blocked, b + 0x9000, s.e.secs));
    must(EBLOCK(s.cpu, blocked));
    EEXIT(s.cpu, s.lp);
    must(EMODT(s.cpu, si(PT_TRIM), s.r));
    s.fx.enter(s.e);
    const sources: Array<[number, number]> = [
      [b + 0x6000, free],
      [b + 0x4000, s.xo], // R=0
      [b + 0x8000, pending2],
      [b + 0x3000, s.r], // TRIM, MODIFIED
      [b + 0x9000, blocked],
      [b, s.tcs], // PT_TCS
      [b + 0xa000, s.fx.epcAt(other.base + 0x2000)],
      [b + 0xb000, s.rwx], // at another linear address
    ];
    for (const [lin, page] of sources) {
      s.mmu.map(lin, page);
      expectPf(
        unchanged(s.cpu, () => EACCEPTCOPY(s.cpu, s.lp, si(PT_REG, R), b + 0x5000, lin, s.mmu)),
        PF_READ,
        lin,
      );
    }
  });

  it("19: destination not VALID, not PENDING, MODIFIED, BLOCKED, not REG, another enclave's, wrong address, or not RW-", () => {
    const s = inside();
    const b = s.e.base;
    const free = s.fx.alloc();
    const other = s.fx.enclave();
    const otherPending = s.fx.alloc();
    must(EAUG(s.cpu, otherPending, other.base + 0x5000, other.secs));
    const blocked = s.fx.alloc();
    must(EAUG(s.cpu, blocked, b + 0x9000, s.e.secs));
    must(EBLOCK(s.cpu, blocked));
    const odd = s.fx.alloc();
    must(EAUG(s.cpu, odd, b + 0xc000, s.e.secs));
    // Not reachable through leaves (EMODPR/EMODPE refuse PENDING pages): an EAUG'd page whose RWX
    // is no longer RW-, to exercise the check of step 9 directly.
    s.cpu.epc.setFlags(odd, E_VALID | E_PENDING | E_R);
    EEXIT(s.cpu, s.lp);
    must(EMODT(s.cpu, si(PT_TRIM), s.r));
    s.fx.enter(s.e);
    const dests: Array<[number, number]> = [
      [b + 0x6000, free],
      [b + 0x2000, s.rwx], // accepted, not PENDING
      [b + 0x3000, s.r], // TRIM, MODIFIED
      [b + 0x9000, blocked],
      [b, s.tcs],
      [b + 0xa000, otherPending],
      [b + 0xb000, s.pending], // at another linear address
      [b + 0xc000, odd],
    ];
    for (const [lin, page] of dests) {
      s.mmu.map(lin, page);
      expect(
        unchanged(s.cpu, () => EACCEPTCOPY(s.cpu, s.lp, si(PT_REG, R), lin, b + 0x2000, s.mmu)),
        `dest 0x${lin.toString(16)}`,
      ).toBe(SGX_PAGE_ATTRIBUTES_MISMATCH);
    }
  });

  it("order: outside ELRANGE (#GP, step 2) beats unmapped (#PF, step 3)", () => {
    const s = inside();
    expectGp(
      unchanged(s.cpu, () =>
        EACCEPTCOPY(s.cpu, s.lp, si(PT_REG, R), s.e.base + s.e.size, s.e.base + 0x6000, s.mmu),
      ),
    );
  });

  it("order: an unmapped operand (#PF, step 3) beats a bad SECINFO (#GP, step 5)", () => {
    const s = inside();
    expectPf(
      unchanged(s.cpu, () =>
        EACCEPTCOPY(s.cpu, s.lp, si(PT_REG, W), s.e.base + 0x6000, s.e.base + 0x2000, s.mmu),
      ),
      NOT_PRESENT_WRITE,
      s.e.base + 0x6000,
    );
  });

  it("order: a bad SECINFO (#GP, step 5) beats a bad source (#PF, step 6)", () => {
    const s = inside();
    expectGp(
      unchanged(s.cpu, () =>
        EACCEPTCOPY(s.cpu, s.lp, si(PT_REG, W), s.e.base + 0x5000, s.e.base + 0x4000, s.mmu),
      ),
    );
  });

  it("order: a bad source (#PF, step 6) beats a bad destination (19, step 7)", () => {
    const s = inside();
    expectPf(
      unchanged(s.cpu, () =>
        EACCEPTCOPY(s.cpu, s.lp, si(PT_REG, R), s.e.base + 0x2000, s.e.base + 0x4000, s.mmu),
      ),
      PF_READ,
      s.e.base + 0x4000,
    );
  });
});

describe("EMODPE (SDM: EMODPE)", () => {
  it("ORs R/W/X into the EPCM; no ETRACK or EACCEPT involved", () => {
    const s = inside();
    const n = childCount(s.cpu, s.e.secs);
    expect(EMODPE(s.cpu, s.lp, si(0, W | X), s.e.base + 0x3000, s.mmu)).toBe(0);
    expect(childCount(s.cpu, s.e.secs)).toBe(n);
    expect(entry(s.cpu, s.r)).toEqual({
      flags: E_VALID | E_R | E_W | E_X,
      pt: PT_REG,
      owner: s.e.secs,
      linaddr: s.e.base + 0x3000,
    });
    expect(EMODPE(s.cpu, s.lp, si(0, 0), s.e.base + 0x3000, s.mmu)).toBe(0);
    expect(entry(s.cpu, s.r).flags).toBe(E_VALID | E_R | E_W | E_X);
  });

  it("neither checks nor changes PR", () => {
    const s = inside();
    outside(s, () => must(EMODPR(s.cpu, si(0, R), s.rwx)));
    expect(EMODPE(s.cpu, s.lp, si(0, R | W), s.e.base + 0x2000, s.mmu)).toBe(0);
    expect(entry(s.cpu, s.rwx).flags).toBe(E_VALID | E_R | E_W | E_PR);
  });

  it("ignores the SECINFO page type and status bits (not reserved)", () => {
    const s = inside();
    expect(EMODPE(s.cpu, s.lp, si(PT_TCS, W | PENDING | MODIFIED | PR), s.e.base + 0x3000, s.mmu)).toBe(0);
    expect(entry(s.cpu, s.r).flags).toBe(E_VALID | E_R | E_W);
  });

  it("#GP: outside enclave mode, target unaligned or outside ELRANGE", () => {
    const s = inside();
    expectGp(unchanged(s.cpu, () => EMODPE(s.cpu, s.lp, si(0, W), s.e.base + 0x3008, s.mmu)));
    expectGp(unchanged(s.cpu, () => EMODPE(s.cpu, s.lp, si(0, W), s.e.base + s.e.size, s.mmu)));
    EEXIT(s.cpu, s.lp);
    expectGp(unchanged(s.cpu, () => EMODPE(s.cpu, s.lp, si(0, W), s.e.base + 0x3000, s.mmu)));
  });

  it("#PF: target unmapped (ordinary 0x4) or outside the EPC (SGX)", () => {
    const s = inside();
    expectPf(
      unchanged(s.cpu, () => EMODPE(s.cpu, s.lp, si(0, W), s.e.base + 0x6000, s.mmu)),
      NOT_PRESENT_READ,
      s.e.base + 0x6000,
    );
    s.mmu.map(s.e.base + 0x6000, NON_EPC);
    expectPf(
      unchanged(s.cpu, () => EMODPE(s.cpu, s.lp, si(0, W), s.e.base + 0x6000, s.mmu)),
      PF_READ,
      s.e.base + 0x6000,
    );
  });

  it("#GP: SECINFO reserved bits", () => {
    const s = inside();
    expectGp(unchanged(s.cpu, () => EMODPE(s.cpu, s.lp, si(0, W | 0x80), s.e.base + 0x3000, s.mmu)));
    expectGp(unchanged(s.cpu, () => EMODPE(s.cpu, s.lp, si(0, W) | 0x40000, s.e.base + 0x3000, s.mmu)));
  });

  it("#PF(RCX): target not VALID, PENDING, MODIFIED, BLOCKED, not PT_REG, another enclave's, wrong address", () => {
    const s = inside();
    const b = s.e.base;
    const free = s.fx.alloc();
    const other = s.fx.enclave({ pages: [{ offset: 0x2000, secinfo: si(PT_REG, R) }] });
    const blocked = s.fx.alloc();
    must(EAUG(s.cpu, blocked, b + 0x9000, s.e.secs));
    s.mmu.map(b + 0x9000, blocked);
    must(EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING), b + 0x9000, s.mmu));
    must(EBLOCK(s.cpu, blocked));
    EEXIT(s.cpu, s.lp);
    must(EMODT(s.cpu, si(PT_TRIM), s.r));
    s.fx.enter(s.e);
    const targets: Array<[number, number]> = [
      [b + 0x6000, free],
      [b + 0x5000, s.pending],
      [b + 0x3000, s.r], // TRIM, MODIFIED
      [b + 0x9000, blocked],
      [b, s.tcs],
      [b + 0xa000, s.fx.epcAt(other.base + 0x2000)],
      [b + 0xb000, s.rwx], // at another linear address
    ];
    for (const [lin, page] of targets) {
      s.mmu.map(lin, page);
      expectPf(
        unchanged(s.cpu, () => EMODPE(s.cpu, s.lp, si(0, R | W | X), lin, s.mmu)),
        PF_READ,
        lin,
      );
    }
  });

  it("#GP: the result would be W without R", () => {
    const s = inside();
    expectGp(unchanged(s.cpu, () => EMODPE(s.cpu, s.lp, si(0, W), s.e.base + 0x4000, s.mmu)));
    expect(EMODPE(s.cpu, s.lp, si(0, R | W), s.e.base + 0x4000, s.mmu)).toBe(0);
    expect(entry(s.cpu, s.xo).flags).toBe(E_VALID | E_R | E_W | E_X);
  });

  it("order: an unmapped target (#PF, step 3) beats reserved SECINFO bits (#GP, step 5)", () => {
    const s = inside();
    expectPf(
      unchanged(s.cpu, () => EMODPE(s.cpu, s.lp, si(0, 0x40), s.e.base + 0x6000, s.mmu)),
      NOT_PRESENT_READ,
      s.e.base + 0x6000,
    );
  });

  it("order: reserved SECINFO bits (#GP, step 5) beat a PENDING target (#PF, step 6)", () => {
    const s = inside();
    expectGp(unchanged(s.cpu, () => EMODPE(s.cpu, s.lp, si(0, 0x40), s.e.base + 0x5000, s.mmu)));
  });

  it("order: a TCS target (#PF, step 6) beats W-without-R (#GP, step 9)", () => {
    const s = inside();
    expectPf(
      unchanged(s.cpu, () => EMODPE(s.cpu, s.lp, si(0, W), s.e.base, s.mmu)),
      PF_READ,
      s.e.base,
    );
  });
});

describe("SGX2 flows through the leaves (SDM: EAUG, EMODPR, EMODT, EACCEPT)", () => {
  it("dynamic add then extend: EAUG → EACCEPT → EMODPE(X)", () => {
    const s = inside();
    must(EACCEPT(s.cpu, s.lp, si(PT_REG, R | W | PENDING), s.e.base + 0x5000, s.mmu));
    must(EMODPE(s.cpu, s.lp, si(0, X), s.e.base + 0x5000, s.mmu));
    expect(entry(s.cpu, s.pending).flags).toBe(E_VALID | E_R | E_W | E_X);
  });

  it("trim: EMODT(TRIM) → ETRACK → EACCEPT(TRIM|MODIFIED); the page keeps no permissions", () => {
    const s = inside();
    outside(s, () => must(EMODT(s.cpu, si(PT_TRIM), s.rwx)));
    expect(entry(s.cpu, s.rwx).flags).toBe(E_VALID | E_MODIFIED);
    must(EACCEPT(s.cpu, s.lp, si(PT_TRIM, MODIFIED), s.e.base + 0x2000, s.mmu));
    expect(entry(s.cpu, s.rwx)).toEqual({
      flags: E_VALID,
      pt: PT_TRIM,
      owner: s.e.secs,
      linaddr: s.e.base + 0x2000,
    });
    expect(E_BLOCKED & entry(s.cpu, s.rwx).flags).toBe(0);
  });
});
