// EAUG, EMODPR, EMODT against the SDM leaf pages (SDM: EAUG, EMODPR, EMODT, EPCM).
// Leaf-detected EPCM faults are #PF with P|W|SGX = 0x8003 at the EPC index (model choice, MODEL.md, Architecture).

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
import { SGX_PAGE_NOT_MODIFIABLE } from "../constants.ts";
import { NONE } from "../epc.ts";
import {
  childCount,
  ENCLAVE_SIZE,
  entry,
  expectGp,
  expectPf,
  Fixture,
  MODIFIED,
  must,
  PENDING,
  PR,
  R,
  si,
  unchanged,
  W,
  X,
} from "../test-helpers.ts";
import { EADD } from "./build.ts";
import { EBLOCK, EPA, EREMOVE } from "./paging.ts";
import { EAUG, EMODPR, EMODT } from "./sgx2.ts";

const PF_ENCLS = 0x8003;

/** An initialized enclave with REG pages RWX at +0x2000, R at +0x3000, RW at +0x4000. */
function setup() {
  const fx = new Fixture();
  const e = fx.enclave({
    pages: [
      { offset: 0x2000, secinfo: si(PT_REG, R | W | X) },
      { offset: 0x3000, secinfo: si(PT_REG, R) },
      { offset: 0x4000, secinfo: si(PT_REG, R | W) },
    ],
  });
  const rwx = fx.epcAt(e.base + 0x2000);
  const r = fx.epcAt(e.base + 0x3000);
  const rw = fx.epcAt(e.base + 0x4000);
  return { fx, e, rwx, r, rw, tcs: e.threads[0].tcs, cpu: fx.cpu };
}

describe("EAUG (SDM: EAUG)", () => {
  it("adds a zeroed REG page, RW-, PENDING, at LINADDR, owned by the SECS", () => {
    const { fx, e, cpu } = setup();
    const i = fx.alloc();
    cpu.epc.writeWord(i, 0x80, 5n); // stale contents of a free page
    const before = childCount(cpu, e.secs);
    expect(EAUG(cpu, i, e.base + 0x5000, e.secs)).toBe(0);
    expect(entry(cpu, i)).toEqual({
      flags: E_VALID | E_R | E_W | E_PENDING,
      pt: PT_REG,
      owner: e.secs,
      linaddr: e.base + 0x5000,
    });
    expect(cpu.epc.readWord(i, 0x80)).toBe(0n);
    expect(childCount(cpu, e.secs)).toBe(before + 1);
  });

  it("does not check for another page at the same LINADDR and does not measure", () => {
    const { fx, e, cpu } = setup();
    const m = cpu.epc.secs.get(e.secs)!.measurement;
    const i = fx.alloc();
    expect(EAUG(cpu, i, e.base + 0x2000, e.secs)).toBe(0);
    expect(entry(cpu, i).linaddr).toBe(e.base + 0x2000);
    expect(cpu.epc.secs.get(e.secs)!.measurement).toBe(m);
  });

  it("#PF(RCX): target not in the EPC", () => {
    const { e, cpu } = setup();
    expectPf(
      unchanged(cpu, () => EAUG(cpu, 64, e.base + 0x5000, e.secs)),
      PF_ENCLS,
      64,
    );
  });

  it("#GP: LINADDR not 4 KiB aligned", () => {
    const { fx, e, cpu } = setup();
    const i = fx.alloc();
    expectGp(unchanged(cpu, () => EAUG(cpu, i, e.base + 0x5008, e.secs)));
  });

  it("#PF(SECS): SECS not in the EPC", () => {
    const { fx, e, cpu } = setup();
    const i = fx.alloc();
    expectPf(
      unchanged(cpu, () => EAUG(cpu, i, e.base + 0x5000, 100)),
      PF_ENCLS,
      100,
    );
  });

  it("#PF(RCX): the target EPCM entry is VALID", () => {
    const { e, cpu, r } = setup();
    expectPf(
      unchanged(cpu, () => EAUG(cpu, r, e.base + 0x5000, e.secs)),
      PF_ENCLS,
      r,
    );
  });

  it("#PF(SECS): SECS is a free page, a REG page or a VA page", () => {
    const { fx, e, cpu, r } = setup();
    const va = fx.alloc();
    must(EPA(cpu, va));
    const free = fx.alloc();
    for (const bad of [free, r, va]) {
      const i = fx.alloc();
      expectPf(
        unchanged(cpu, () => EAUG(cpu, i, e.base + 0x5000, bad)),
        PF_ENCLS,
        bad,
      );
    }
  });

  it("#GP: the enclave is not initialized", () => {
    const fx = new Fixture();
    const e = fx.enclave({ init: false });
    const i = fx.alloc();
    expectGp(unchanged(fx.cpu, () => EAUG(fx.cpu, i, e.free, e.secs)));
  });

  it("#GP: LINADDR outside ELRANGE", () => {
    const { fx, e, cpu } = setup();
    const i = fx.alloc();
    expectGp(unchanged(cpu, () => EAUG(cpu, i, e.base - 0x1000, e.secs)));
    expectGp(unchanged(cpu, () => EAUG(cpu, i, e.base + ENCLAVE_SIZE, e.secs)));
  });

  it("order: unaligned LINADDR (#GP, step 3) beats SECS not in the EPC (#PF, step 5)", () => {
    const { fx, e, cpu } = setup();
    const i = fx.alloc();
    expectGp(unchanged(cpu, () => EAUG(cpu, i, e.base + 1, 100)));
  });

  it("order: SECS not in the EPC (#PF(SECS), step 5) beats a VALID target (#PF(RCX), step 7)", () => {
    const { cpu, r, e } = setup();
    expectPf(
      unchanged(cpu, () => EAUG(cpu, r, e.base + 0x5000, 100)),
      PF_ENCLS,
      100,
    );
  });

  it("order: a VALID target (#PF(RCX), step 7) beats an invalid SECS (#PF(SECS), step 9)", () => {
    const { fx, cpu, r, e } = setup();
    const free = fx.alloc();
    expectPf(
      unchanged(cpu, () => EAUG(cpu, r, e.base + 0x5000, free)),
      PF_ENCLS,
      r,
    );
  });

  it("order: a VALID target (#PF, step 7) beats an uninitialized enclave (#GP, step 10)", () => {
    const fx = new Fixture();
    const e = fx.enclave({ init: false });
    const ssa = e.threads[0].ssa[0];
    expectPf(
      unchanged(fx.cpu, () => EAUG(fx.cpu, ssa, e.free, e.secs)),
      PF_ENCLS,
      ssa,
    );
  });
});

describe("EMODPR (SDM: EMODPR)", () => {
  it("ANDs R/W/X with the SECINFO mask and sets PR", () => {
    for (const [mask, expected] of [
      [R, E_R],
      [R | W, E_R | E_W],
      [R | X, E_R | E_X],
      [0, 0],
      [X, E_X],
    ] as const) {
      const { cpu, rwx, e } = setup();
      expect(EMODPR(cpu, si(0, mask), rwx)).toBe(0);
      expect(entry(cpu, rwx)).toEqual({
        flags: E_VALID | E_PR | expected,
        pt: PT_REG,
        owner: e.secs,
        linaddr: e.base + 0x2000,
      });
      expect(childCount(cpu, e.secs)).toBe(5);
    }
  });

  it("a mask that removes nothing still sets PR", () => {
    const { cpu, r, e } = setup();
    expect(EMODPR(cpu, si(0, R | W | X), r)).toBe(0);
    expect(entry(cpu, r)).toEqual({
      flags: E_VALID | E_PR | E_R,
      pt: PT_REG,
      owner: e.secs,
      linaddr: e.base + 0x3000,
    });
  });

  it("does not check PR (a second EMODPR is fine) or BLOCKED", () => {
    const { cpu, rwx } = setup();
    must(EMODPR(cpu, si(0, R | W), rwx));
    expect(EMODPR(cpu, si(0, R), rwx)).toBe(0);
    expect(entry(cpu, rwx).flags).toBe(E_VALID | E_PR | E_R);
    must(EBLOCK(cpu, rwx));
    expect(EMODPR(cpu, si(0, 0), rwx)).toBe(0);
    expect(entry(cpu, rwx).flags).toBe(E_VALID | E_PR | E_BLOCKED);
  });

  it("ignores the SECINFO page type and status bits (MODEL.md, Architecture)", () => {
    const { cpu, rwx } = setup();
    expect(EMODPR(cpu, si(PT_TCS, R | PENDING | MODIFIED | PR), rwx)).toBe(0);
    expect(entry(cpu, rwx).flags).toBe(E_VALID | E_PR | E_R);
  });

  it("#PF(RCX): target not in the EPC", () => {
    const { cpu } = setup();
    expectPf(
      unchanged(cpu, () => EMODPR(cpu, si(0, R), 64)),
      PF_ENCLS,
      64,
    );
  });

  it("#GP: SECINFO reserved bits, or W=1 with R=0", () => {
    const { cpu, rwx } = setup();
    expectGp(unchanged(cpu, () => EMODPR(cpu, si(0, R | 0x40), rwx)));
    expectGp(unchanged(cpu, () => EMODPR(cpu, si(0, R) | 0x10000, rwx)));
    expectGp(unchanged(cpu, () => EMODPR(cpu, si(0, W), rwx)));
    expectGp(unchanged(cpu, () => EMODPR(cpu, si(0, W | X), rwx)));
  });

  it("#PF(RCX): the EPCM entry is not VALID", () => {
    const { fx, cpu } = setup();
    const free = fx.alloc();
    expectPf(
      unchanged(cpu, () => EMODPR(cpu, si(0, R), free)),
      PF_ENCLS,
      free,
    );
  });

  it("SGX_PAGE_NOT_MODIFIABLE (20): an EAUG'd page not yet accepted (PENDING)", () => {
    const { fx, cpu, e } = setup();
    const p = fx.eaug(e, e.base + 0x5000);
    expect(unchanged(cpu, () => EMODPR(cpu, si(0, R), p))).toBe(SGX_PAGE_NOT_MODIFIABLE);
  });

  it("SGX_PAGE_NOT_MODIFIABLE (20): a REG page EMODT'd to TRIM or TCS and not accepted (MODIFIED) — step 7 before the type check", () => {
    const { cpu, rwx, rw } = setup();
    must(EMODT(cpu, si(PT_TRIM), rwx));
    must(EMODT(cpu, si(PT_TCS), rw));
    expect(unchanged(cpu, () => EMODPR(cpu, si(0, R), rwx))).toBe(SGX_PAGE_NOT_MODIFIABLE);
    expect(unchanged(cpu, () => EMODPR(cpu, si(0, R | W | X), rw))).toBe(SGX_PAGE_NOT_MODIFIABLE);
  });

  it("order: a PENDING non-REG page gives 20, not #PF (step 7 before step 8)", () => {
    // PENDING is only ever set on REG pages by EAUG; the state is constructed directly to isolate the order.
    const { cpu, tcs } = setup();
    cpu.epc.setFlags(tcs, cpu.epc.flags[tcs] | E_PENDING);
    expect(unchanged(cpu, () => EMODPR(cpu, si(0, R), tcs))).toBe(SGX_PAGE_NOT_MODIFIABLE);
  });

  it("#PF(RCX): accepted TRIM page (Linux's REMOVE_PAGES probe), TCS, SECS, VA", () => {
    const { fx, cpu, rwx, tcs, e } = setup();
    must(EMODT(cpu, si(PT_TRIM), rwx));
    must(fx.accept(e, si(PT_TRIM, MODIFIED), e.base + 0x2000));
    expect(entry(cpu, rwx).flags).toBe(E_VALID);
    const va = fx.alloc();
    must(EPA(cpu, va));
    for (const t of [rwx, tcs, e.secs, va]) {
      expectPf(
        unchanged(cpu, () => EMODPR(cpu, si(0, R | W | X), t)),
        PF_ENCLS,
        t,
      );
    }
  });

  it("#GP: the owning enclave is not initialized", () => {
    const fx = new Fixture();
    const e = fx.enclave({ init: false });
    expectGp(unchanged(fx.cpu, () => EMODPR(fx.cpu, si(0, R), e.threads[0].ssa[0])));
  });

  it("order: reserved SECINFO bits (#GP, step 3) beat an invalid page (#PF, step 5)", () => {
    const { fx, cpu } = setup();
    const free = fx.alloc();
    expectGp(unchanged(cpu, () => EMODPR(cpu, si(0, W), free)));
  });

  it("order: a TCS page of an uninitialized enclave is #PF (step 8) not #GP (step 9)", () => {
    const fx = new Fixture();
    const e = fx.enclave({ init: false });
    expectPf(
      unchanged(fx.cpu, () => EMODPR(fx.cpu, si(0, R), e.threads[0].tcs)),
      PF_ENCLS,
      e.threads[0].tcs,
    );
  });
});

describe("EMODT (SDM: EMODT)", () => {
  it("REG → TCS: PT=TCS, RWX=0, MODIFIED=1, PR=0", () => {
    const { cpu, rwx, e } = setup();
    expect(EMODT(cpu, si(PT_TCS), rwx)).toBe(0);
    expect(entry(cpu, rwx)).toEqual({
      flags: E_VALID | E_MODIFIED,
      pt: PT_TCS,
      owner: e.secs,
      linaddr: e.base + 0x2000,
    });
    expect(childCount(cpu, e.secs)).toBe(5);
  });

  it("REG → TRIM (and a pending restriction's PR is cleared)", () => {
    const { cpu, rwx, e } = setup();
    must(EMODPR(cpu, si(0, R), rwx));
    expect(EMODT(cpu, si(PT_TRIM), rwx)).toBe(0);
    expect(entry(cpu, rwx)).toEqual({
      flags: E_VALID | E_MODIFIED,
      pt: PT_TRIM,
      owner: e.secs,
      linaddr: e.base + 0x2000,
    });
  });

  it("TCS (accepted) → TRIM", () => {
    const { cpu, tcs, e } = setup();
    expect(EMODT(cpu, si(PT_TRIM), tcs)).toBe(0);
    expect(entry(cpu, tcs)).toEqual({
      flags: E_VALID | E_MODIFIED,
      pt: PT_TRIM,
      owner: e.secs,
      linaddr: e.base,
    });
  });

  it("ignores SECINFO R/W/X and status bits (MODEL.md, Architecture); BLOCKED is not checked", () => {
    const { cpu, rwx, rw } = setup();
    expect(EMODT(cpu, si(PT_TRIM, R | W | X | PR), rwx)).toBe(0);
    expect(entry(cpu, rwx).flags).toBe(E_VALID | E_MODIFIED);
    must(EBLOCK(cpu, rw));
    expect(EMODT(cpu, si(PT_TRIM), rw)).toBe(0);
    expect(entry(cpu, rw).flags).toBe(E_VALID | E_MODIFIED | E_BLOCKED);
  });

  it("#PF(RCX): target not in the EPC", () => {
    const { cpu } = setup();
    expectPf(
      unchanged(cpu, () => EMODT(cpu, si(PT_TRIM), 64)),
      PF_ENCLS,
      64,
    );
  });

  it("#GP: SECINFO reserved bits, or new type not TCS/TRIM", () => {
    const { cpu, rwx } = setup();
    for (const s of [si(PT_TRIM, 0x40), si(PT_TRIM) | 0x20000, si(PT_REG), si(PT_SECS), si(PT_VA), si(5)])
      expectGp(unchanged(cpu, () => EMODT(cpu, s, rwx)));
  });

  it("#PF(RCX): the EPCM entry is not VALID", () => {
    const { fx, cpu } = setup();
    const free = fx.alloc();
    expectPf(
      unchanged(cpu, () => EMODT(cpu, si(PT_TRIM), free)),
      PF_ENCLS,
      free,
    );
  });

  it("#PF(RCX): disallowed transitions TCS→TCS, TRIM→TRIM, TRIM→TCS, SECS→*, VA→*", () => {
    const { fx, cpu, rwx, tcs, e } = setup();
    must(EMODT(cpu, si(PT_TRIM), rwx));
    must(fx.accept(e, si(PT_TRIM, MODIFIED), e.base + 0x2000)); // accepted TRIM
    const va = fx.alloc();
    must(EPA(cpu, va));
    for (const [t, pt] of [
      [tcs, PT_TCS],
      [rwx, PT_TRIM],
      [rwx, PT_TCS],
      [e.secs, PT_TCS],
      [e.secs, PT_TRIM],
      [va, PT_TCS],
      [va, PT_TRIM],
    ]) {
      expectPf(
        unchanged(cpu, () => EMODT(cpu, si(pt), t)),
        PF_ENCLS,
        t,
      );
    }
  });

  it("SGX_PAGE_NOT_MODIFIABLE (20): PENDING REG page, MODIFIED REG→TCS page going to TRIM", () => {
    const { fx, cpu, e, rwx } = setup();
    const p = fx.eaug(e, e.base + 0x5000);
    expect(unchanged(cpu, () => EMODT(cpu, si(PT_TRIM), p))).toBe(SGX_PAGE_NOT_MODIFIABLE);
    expect(unchanged(cpu, () => EMODT(cpu, si(PT_TCS), p))).toBe(SGX_PAGE_NOT_MODIFIABLE);
    must(EMODT(cpu, si(PT_TCS), rwx));
    expect(unchanged(cpu, () => EMODT(cpu, si(PT_TRIM), rwx))).toBe(SGX_PAGE_NOT_MODIFIABLE);
  });

  it("order: TRIM (MODIFIED) → TCS is #PF (type check, step 7) not 20 (step 8)", () => {
    const { cpu, rwx } = setup();
    must(EMODT(cpu, si(PT_TRIM), rwx));
    expectPf(
      unchanged(cpu, () => EMODT(cpu, si(PT_TCS), rwx)),
      PF_ENCLS,
      rwx,
    );
    expectPf(
      unchanged(cpu, () => EMODT(cpu, si(PT_TRIM), rwx)),
      PF_ENCLS,
      rwx,
    );
  });

  it("order: a MODIFIED TCS → TCS is #PF, not 20", () => {
    const { cpu, rwx } = setup();
    must(EMODT(cpu, si(PT_TCS), rwx));
    expectPf(
      unchanged(cpu, () => EMODT(cpu, si(PT_TCS), rwx)),
      PF_ENCLS,
      rwx,
    );
  });

  it("#GP: the owning enclave is not initialized", () => {
    const fx = new Fixture();
    const e = fx.enclave({ init: false });
    expectGp(unchanged(fx.cpu, () => EMODT(fx.cpu, si(PT_TRIM), e.threads[0].ssa[0])));
    expectGp(unchanged(fx.cpu, () => EMODT(fx.cpu, si(PT_TRIM), e.threads[0].tcs)));
  });

  it("order: TCS→TCS in an uninitialized enclave is #PF (step 7) not #GP (step 9)", () => {
    const fx = new Fixture();
    const e = fx.enclave({ init: false });
    expectPf(
      unchanged(fx.cpu, () => EMODT(fx.cpu, si(PT_TCS), e.threads[0].tcs)),
      PF_ENCLS,
      e.threads[0].tcs,
    );
  });

  it("order: a bad SECINFO (#GP, step 3) beats an invalid page (#PF, step 5)", () => {
    const { fx, cpu } = setup();
    const free = fx.alloc();
    expectGp(unchanged(cpu, () => EMODT(cpu, si(PT_REG), free)));
  });

  it("a removed page's EPC slot can be re-added with EAUG at the same address (SDM: EMODT, EACCEPT, EREMOVE)", () => {
    const { fx, cpu, rwx, e } = setup();
    must(EMODT(cpu, si(PT_TRIM), rwx));
    must(fx.accept(e, si(PT_TRIM, MODIFIED), e.base + 0x2000));
    const n = childCount(cpu, e.secs);
    expect(EREMOVE(cpu, rwx)).toBe(0);
    expect(entry(cpu, rwx)).toEqual({ flags: 0, pt: 0, owner: NONE, linaddr: 0 });
    expect(childCount(cpu, e.secs)).toBe(n - 1);
    expect(EAUG(cpu, rwx, e.base + 0x2000, e.secs)).toBe(0);
    expect(entry(cpu, rwx).flags).toBe(E_VALID | E_R | E_W | E_PENDING);
    // A fresh EADD is impossible after EINIT; EAUG is the only way back.
    expectGp(EADD(cpu, fx.alloc(), e.base + 0x6000, e.secs, si(PT_REG, R)));
  });
});
