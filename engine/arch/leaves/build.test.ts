// ECREATE, EADD, EEXTEND, EINIT against the SDM leaf pages (SDM: ECREATE, EADD, EEXTEND, EINIT).
// ENCLS operands are EPC page indices here; a leaf's #PF on an EPC operand carries that index.
// Leaf-detected EPCM faults are #PF with P|W|SGX = 0x8003 (MODEL.md, Architecture: the model
// follows KVM's SGX2 fault signature; the other error-code bits are not documented).

import { describe, expect, it } from "vitest";
import { E_R, E_VALID, E_W, PT_REG, PT_SECS, PT_TCS, PT_TRIM, PT_VA } from "../../vocabulary/epcm.ts";
import {
  ATTR_DEBUG,
  ATTR_INIT,
  ATTR_MODE64BIT,
  SGX_INVALID_ATTRIBUTE,
  SGX_INVALID_MEASUREMENT,
  TCS_AEP,
  TCS_CSSA_NSSA,
  TCS_FLAGS,
  TCS_FSGSLIMIT,
  TCS_OSSA,
  TCS_STATE,
} from "../constants.ts";
import { NONE } from "../epc.ts";
import {
  childCount,
  ENCLAVE_SIZE,
  entry,
  expectGp,
  expectPf,
  Fixture,
  MATCHING_SIG,
  MODIFIED,
  must,
  PENDING,
  PR,
  R,
  secsImage,
  si,
  tcsWords,
  unchanged,
  W,
  X,
} from "../test-helpers.ts";
import { EADD, ECREATE, EEXTEND, EINIT } from "./build.ts";
import { EPA } from "./paging.ts";

const PF_ENCLS = 0x8003;

describe("ECREATE (SDM: ECREATE)", () => {
  it("makes a VALID PT_SECS entry with no address, no permissions and no owner; the enclave is uninitialized", () => {
    const fx = new Fixture();
    const i = fx.alloc();
    expect(ECREATE(fx.cpu, i, secsImage(0x40000000, { attributes: ATTR_MODE64BIT | ATTR_INIT }))).toBe(0);
    expect(entry(fx.cpu, i)).toEqual({ flags: E_VALID, pt: PT_SECS, owner: NONE, linaddr: 0 });
    const s = fx.cpu.epc.secs.get(i)!;
    expect(s.initialized).toBe(false);
    expect(s.attributes & ATTR_INIT).toBe(0); // INIT is cleared whatever the image says
    expect(s.childCount).toBe(0);
    expect(s.baseaddr).toBe(0x40000000);
    expect(s.size).toBe(ENCLAVE_SIZE);
  });

  it("gives every enclave a fresh EID", () => {
    const fx = new Fixture();
    const a = fx.create();
    const b = fx.create();
    expect(fx.cpu.epc.secs.get(a.secs)!.eid).not.toBe(fx.cpu.epc.secs.get(b.secs)!.eid);
  });

  it("accepts PENDING/MODIFIED/PR in SECINFO (architecturally not reserved, SDM: SECINFO)", () => {
    const fx = new Fixture();
    const i = fx.alloc();
    expect(ECREATE(fx.cpu, i, secsImage(0x40000000), si(PT_SECS, PENDING | MODIFIED | PR))).toBe(0);
    expect(entry(fx.cpu, i)).toEqual({ flags: E_VALID, pt: PT_SECS, owner: NONE, linaddr: 0 });
  });

  const base = 0x40000000;
  const failures: Array<
    [string, () => { target?: number; secinfo?: number; image: ReturnType<typeof secsImage> }]
  > = [
    ["SECINFO reserved bit 6", () => ({ secinfo: si(PT_SECS, 0x40), image: secsImage(base) })],
    ["SECINFO reserved bit 16", () => ({ secinfo: si(PT_SECS) | 0x10000, image: secsImage(base) })],
    ["SECINFO.PT = PT_REG", () => ({ secinfo: si(PT_REG), image: secsImage(base) })],
    ["SECINFO.PT = PT_TCS", () => ({ secinfo: si(PT_TCS), image: secsImage(base) })],
    ["XFRM[1:0] not both set", () => ({ image: secsImage(base, { xfrm: 1 }) })],
    ["unsupported MISCSELECT bit", () => ({ image: secsImage(base, { miscselect: 0x2 }) })],
    ["SSAFRAMESIZE 0", () => ({ image: secsImage(base, { ssaFrameSize: 0 }) })],
    ["non-canonical BASEADDR (64-bit)", () => ({ image: secsImage(2 ** 47, { size: 2 ** 16 }) })],
    [
      "BASEADDR above 4 GiB in a 32-bit enclave",
      () => ({ image: secsImage(2 ** 32, { attributes: 0, size: 2 ** 16 }) }),
    ],
    ["SIZE ≥ 2^MaxEnclaveSize_64", () => ({ image: secsImage(0, { size: 2 ** 47 }) })],
    ["SIZE below 8 KiB", () => ({ image: secsImage(base, { size: 4096 }) })],
    ["SIZE not a power of two", () => ({ image: secsImage(base, { size: 3 * 8192 }) })],
    ["BASEADDR not aligned to SIZE", () => ({ image: secsImage(base + 0x1000) })],
    [
      "unsupported ATTRIBUTES bit",
      () => ({ image: secsImage(base, { attributes: ATTR_MODE64BIT | 0x100 }) }),
    ],
  ];
  for (const [name, make] of failures) {
    it(`#GP(0), nothing changed: ${name}`, () => {
      const fx = new Fixture();
      const i = fx.alloc();
      const { secinfo, image } = make();
      const out = unchanged(fx.cpu, () => ECREATE(fx.cpu, i, image, secinfo));
      expectGp(out);
    });
  }

  it("#PF(RCX) when the target is not in the EPC", () => {
    const fx = new Fixture(8);
    expectPf(
      unchanged(fx.cpu, () => ECREATE(fx.cpu, 8, secsImage(base))),
      PF_ENCLS,
      8,
    );
    expectPf(
      unchanged(fx.cpu, () => ECREATE(fx.cpu, -1, secsImage(base))),
      PF_ENCLS,
      -1,
    );
  });

  it("#PF(RCX) when the target EPCM entry is VALID (any type)", () => {
    const fx = new Fixture();
    const e = fx.enclave({ pages: [{ offset: 0x4000, secinfo: si(PT_REG, R) }] });
    const va = fx.alloc();
    must(EPA(fx.cpu, va));
    for (const target of [e.secs, e.threads[0].tcs, fx.epcAt(e.base + 0x4000), va]) {
      expectPf(
        unchanged(fx.cpu, () => ECREATE(fx.cpu, target, secsImage(base))),
        PF_ENCLS,
        target,
      );
    }
  });

  it("order: a bad SECINFO (#GP, step 5) beats a VALID target (#PF, step 7)", () => {
    const fx = new Fixture();
    const { secs } = fx.create();
    expectGp(unchanged(fx.cpu, () => ECREATE(fx.cpu, secs, secsImage(base), si(PT_REG))));
  });

  it("order: a VALID target (#PF, step 7) beats bad SECS contents (#GP, step 8)", () => {
    const fx = new Fixture();
    const { secs } = fx.create();
    expectPf(
      unchanged(fx.cpu, () => ECREATE(fx.cpu, secs, secsImage(base, { size: 4096 }))),
      PF_ENCLS,
      secs,
    );
  });
});

describe("EADD (SDM: EADD)", () => {
  function uninit() {
    const fx = new Fixture();
    const { secs, base } = fx.create();
    return { fx, secs, base };
  }

  it("adds a REG page: EPCM RWX from SECINFO, PT_REG, owner, ENCLAVEADDRESS, not PENDING/MODIFIED/PR/BLOCKED", () => {
    const { fx, secs, base } = uninit();
    for (const [k, perms] of [R, R | W, R | X, R | W | X, X, 0].entries()) {
      const i = fx.alloc();
      expect(EADD(fx.cpu, i, base + k * 0x1000, secs, si(PT_REG, perms))).toBe(0);
      expect(entry(fx.cpu, i)).toEqual({
        flags: E_VALID | perms,
        pt: PT_REG,
        owner: secs,
        linaddr: base + k * 0x1000,
      });
      expect(childCount(fx.cpu, secs)).toBe(k + 1);
    }
  });

  it("copies the page contents", () => {
    const { fx, secs, base } = uninit();
    const i = fx.alloc();
    must(EADD(fx.cpu, i, base, secs, si(PT_REG, R | W), [[0x10, 0x1234n]]));
    expect(fx.cpu.epc.readWord(i, 0x10)).toBe(0x1234n);
  });

  it("adds a TCS page with EPCM RWX forced to 0 and DBGOPTIN, CSSA, AEP, STATE cleared", () => {
    const { fx, secs, base } = uninit();
    const i = fx.alloc();
    const words: Array<[number, bigint]> = [
      ...tcsWords(0x1000, 2),
      [TCS_STATE, 1n],
      [TCS_FLAGS, 1n],
      [TCS_CSSA_NSSA, (2n << 32n) | 1n],
      [TCS_AEP, 0x5000n],
    ];
    expect(EADD(fx.cpu, i, base, secs, si(PT_TCS, R | W | X), words)).toBe(0);
    expect(entry(fx.cpu, i)).toEqual({ flags: E_VALID, pt: PT_TCS, owner: secs, linaddr: base });
    expect(childCount(fx.cpu, secs)).toBe(1);
    const { epc } = fx.cpu;
    expect(epc.readWord(i, TCS_STATE)).toBe(0n);
    expect(epc.readWord(i, TCS_FLAGS)).toBe(0n);
    expect(epc.readWord(i, TCS_CSSA_NSSA)).toBe(2n << 32n); // CSSA 0, NSSA kept
    expect(epc.readWord(i, TCS_AEP)).toBe(0n);
    expect(epc.readWord(i, TCS_OSSA)).toBe(0x1000n);
  });

  it("ignores PENDING/MODIFIED/PR in SECINFO: not reserved architecturally, and EADD sets them to 0 (SDM: SECINFO, MODEL.md, Architecture)", () => {
    const { fx, secs, base } = uninit();
    const i = fx.alloc();
    expect(EADD(fx.cpu, i, base, secs, si(PT_REG, R | W | PENDING | MODIFIED | PR))).toBe(0);
    expect(entry(fx.cpu, i)).toEqual({ flags: E_VALID | E_R | E_W, pt: PT_REG, owner: secs, linaddr: base });
  });

  it("does not check whether another page already uses the LINADDR", () => {
    const { fx, secs, base } = uninit();
    const a = fx.alloc();
    const b = fx.alloc();
    must(EADD(fx.cpu, a, base, secs, si(PT_REG, R)));
    expect(EADD(fx.cpu, b, base, secs, si(PT_REG, R))).toBe(0);
    expect(entry(fx.cpu, b).linaddr).toBe(base);
    expect(childCount(fx.cpu, secs)).toBe(2);
  });

  it("extends the measurement with the offset and SECINFO", () => {
    const m = (offset: number, secinfo: number) => {
      const { fx, secs, base } = uninit();
      must(EADD(fx.cpu, fx.alloc(), base + offset, secs, secinfo));
      return fx.cpu.epc.secs.get(secs)!.measurement;
    };
    const before = (() => {
      const { fx, secs } = uninit();
      return fx.cpu.epc.secs.get(secs)!.measurement;
    })();
    expect(m(0x1000, si(PT_REG, R))).toBe(m(0x1000, si(PT_REG, R)));
    expect(m(0x1000, si(PT_REG, R))).not.toBe(before);
    expect(m(0x1000, si(PT_REG, R))).not.toBe(m(0x2000, si(PT_REG, R)));
    expect(m(0x1000, si(PT_REG, R))).not.toBe(m(0x1000, si(PT_REG, R | W)));
  });

  it("measures a TCS's SECINFO with R/W/X already forced to 0", () => {
    const m = (secinfo: number) => {
      const { fx, secs, base } = uninit();
      must(EADD(fx.cpu, fx.alloc(), base, secs, secinfo, tcsWords(0x1000, 1)));
      return fx.cpu.epc.secs.get(secs)!.measurement;
    };
    expect(m(si(PT_TCS, R | W | X))).toBe(m(si(PT_TCS)));
  });

  it("#PF(RCX): target not in the EPC", () => {
    const { fx, secs, base } = uninit();
    expectPf(
      unchanged(fx.cpu, () => EADD(fx.cpu, 64, base, secs, si(PT_REG, R))),
      PF_ENCLS,
      64,
    );
  });

  it("#GP: LINADDR not 4 KiB aligned", () => {
    const { fx, secs, base } = uninit();
    const i = fx.alloc();
    expectGp(unchanged(fx.cpu, () => EADD(fx.cpu, i, base + 8, secs, si(PT_REG, R))));
  });

  it("#PF(SECS): PAGEINFO.SECS not in the EPC", () => {
    const { fx, base } = uninit();
    const i = fx.alloc();
    expectPf(
      unchanged(fx.cpu, () => EADD(fx.cpu, i, base, 99, si(PT_REG, R))),
      PF_ENCLS,
      99,
    );
  });

  for (const [name, secinfo] of [
    ["SECINFO reserved bit 7", si(PT_REG, R | 0x80)],
    ["SECINFO reserved bit 20", si(PT_REG, R) | 0x100000],
    ["PT_SECS", si(PT_SECS)],
    ["PT_VA", si(PT_VA)],
    ["PT_TRIM", si(PT_TRIM)],
    ["PT 5 (shadow stack, not addable)", si(5, R | W)],
  ] as const) {
    it(`#GP: ${name}`, () => {
      const { fx, secs, base } = uninit();
      const i = fx.alloc();
      expectGp(unchanged(fx.cpu, () => EADD(fx.cpu, i, base, secs, secinfo)));
    });
  }

  it("#PF(RCX): the target EPCM entry is VALID", () => {
    const { fx, secs, base } = uninit();
    const i = fx.alloc();
    must(EADD(fx.cpu, i, base, secs, si(PT_REG, R)));
    expectPf(
      unchanged(fx.cpu, () => EADD(fx.cpu, i, base + 0x1000, secs, si(PT_REG, R))),
      PF_ENCLS,
      i,
    );
    expectPf(
      unchanged(fx.cpu, () => EADD(fx.cpu, secs, base + 0x1000, secs, si(PT_REG, R))),
      PF_ENCLS,
      secs,
    );
  });

  it("#PF(SECS): PAGEINFO.SECS is a free page, a REG page or a VA page", () => {
    const { fx, secs, base } = uninit();
    const reg = fx.alloc();
    must(EADD(fx.cpu, reg, base, secs, si(PT_REG, R)));
    const va = fx.alloc();
    must(EPA(fx.cpu, va));
    const free = fx.alloc();
    for (const bad of [free, reg, va]) {
      const i = fx.alloc();
      expectPf(
        unchanged(fx.cpu, () => EADD(fx.cpu, i, base + 0x1000, bad, si(PT_REG, R))),
        PF_ENCLS,
        bad,
      );
    }
  });

  it("#GP: TCS reserved area (offset 72 and up) not zero", () => {
    const { fx, secs, base } = uninit();
    const i = fx.alloc();
    expectGp(
      unchanged(fx.cpu, () => EADD(fx.cpu, i, base, secs, si(PT_TCS), [...tcsWords(0x1000, 1), [72, 1n]])),
    );
    expectGp(
      unchanged(fx.cpu, () => EADD(fx.cpu, i, base, secs, si(PT_TCS), [...tcsWords(0x1000, 1), [4088, 1n]])),
    );
  });

  it("#GP: 32-bit enclave TCS whose FSLIMIT or GSLIMIT low 12 bits are not all ones", () => {
    const fx = new Fixture();
    const { secs, base } = fx.create({ attributes: 0 });
    const i = fx.alloc();
    const bad: Array<[number, bigint]> = [...tcsWords(0x1000, 1), [TCS_FSGSLIMIT, (0xfffn << 32n) | 0xffen]];
    expectGp(unchanged(fx.cpu, () => EADD(fx.cpu, i, base, secs, si(PT_TCS), bad)));
    const bad2: Array<[number, bigint]> = [
      ...tcsWords(0x1000, 1),
      [TCS_FSGSLIMIT, (0x1000n << 32n) | 0xfffn],
    ];
    expectGp(unchanged(fx.cpu, () => EADD(fx.cpu, i, base, secs, si(PT_TCS), bad2)));
    const ok: Array<[number, bigint]> = [...tcsWords(0x1000, 1), [TCS_FSGSLIMIT, (0x1fffn << 32n) | 0xfffn]];
    expect(EADD(fx.cpu, i, base, secs, si(PT_TCS), ok)).toBe(0);
  });

  it("64-bit enclaves do not check TCS FS/GS limits", () => {
    const { fx, secs, base } = uninit();
    const i = fx.alloc();
    expect(EADD(fx.cpu, i, base, secs, si(PT_TCS), [...tcsWords(0x1000, 1), [TCS_FSGSLIMIT, 0n]])).toBe(0);
  });

  it("#GP: PT_REG with W=1 and R=0", () => {
    const { fx, secs, base } = uninit();
    const i = fx.alloc();
    expectGp(unchanged(fx.cpu, () => EADD(fx.cpu, i, base, secs, si(PT_REG, W))));
    expectGp(unchanged(fx.cpu, () => EADD(fx.cpu, i, base, secs, si(PT_REG, W | X))));
  });

  it("a TCS SECINFO with W and no R is fine (permissions are forced to 0)", () => {
    const { fx, secs, base } = uninit();
    const i = fx.alloc();
    expect(EADD(fx.cpu, i, base, secs, si(PT_TCS, W), tcsWords(0x1000, 1))).toBe(0);
    expect(entry(fx.cpu, i).flags).toBe(E_VALID);
  });

  it("#GP: LINADDR outside ELRANGE (below BASEADDR, at BASEADDR+SIZE)", () => {
    const { fx, secs, base } = uninit();
    const i = fx.alloc();
    expectGp(unchanged(fx.cpu, () => EADD(fx.cpu, i, base - 0x1000, secs, si(PT_REG, R))));
    expectGp(unchanged(fx.cpu, () => EADD(fx.cpu, i, base + ENCLAVE_SIZE, secs, si(PT_REG, R))));
    expect(EADD(fx.cpu, i, base + ENCLAVE_SIZE - 0x1000, secs, si(PT_REG, R))).toBe(0);
  });

  it("#GP: the enclave is already initialized", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    const i = fx.alloc();
    expectGp(unchanged(fx.cpu, () => EADD(fx.cpu, i, e.free, e.secs, si(PT_REG, R))));
  });

  it("order: unaligned LINADDR (#GP, step 3) beats SECS not in the EPC (#PF, step 4)", () => {
    const { fx, base } = uninit();
    const i = fx.alloc();
    expectGp(unchanged(fx.cpu, () => EADD(fx.cpu, i, base + 1, 99, si(PT_REG, R))));
  });

  it("order: SECS not in the EPC (#PF(SECS), step 4) beats a VALID target (#PF(RCX), step 7)", () => {
    const { fx, secs, base } = uninit();
    expectPf(
      unchanged(fx.cpu, () => EADD(fx.cpu, secs, base, 99, si(PT_REG, R))),
      PF_ENCLS,
      99,
    );
  });

  it("order: a bad SECINFO (#GP, step 5) beats a VALID target (#PF, step 7)", () => {
    const { fx, secs, base } = uninit();
    expectGp(unchanged(fx.cpu, () => EADD(fx.cpu, secs, base, secs, si(PT_TRIM))));
  });

  it("order: a VALID target (#PF(RCX), step 7) beats an invalid SECS (#PF(SECS), step 9)", () => {
    const { fx, secs, base } = uninit();
    const free = fx.alloc();
    expectPf(
      unchanged(fx.cpu, () => EADD(fx.cpu, secs, base, free, si(PT_REG, R))),
      PF_ENCLS,
      secs,
    );
  });

  it("order: an invalid SECS (#PF, step 9) beats W-without-R and LINADDR outside ELRANGE (#GP)", () => {
    const { fx, base } = uninit();
    const i = fx.alloc();
    const free = fx.alloc();
    expectPf(
      unchanged(fx.cpu, () => EADD(fx.cpu, i, base - 0x1000, free, si(PT_REG, W))),
      PF_ENCLS,
      free,
    );
  });

  it("order: a VALID target (#PF, step 7) beats an initialized enclave (#GP, step 14)", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    expectPf(
      unchanged(fx.cpu, () => EADD(fx.cpu, e.threads[0].ssa[0], e.free, e.secs, si(PT_REG, R))),
      PF_ENCLS,
      e.threads[0].ssa[0],
    );
  });
});

describe("EEXTEND (SDM: EEXTEND)", () => {
  function withPage() {
    const fx = new Fixture();
    const { secs, base } = fx.create();
    const page = fx.alloc();
    must(EADD(fx.cpu, page, base, secs, si(PT_REG, R | W), [[0x100, 7n]]));
    const tcs = fx.alloc();
    must(EADD(fx.cpu, tcs, base + 0x1000, secs, si(PT_TCS), tcsWords(0x2000, 1)));
    return { fx, secs, base, page, tcs };
  }

  it("updates the measurement of REG and TCS pages; changes no EPCM entry", () => {
    const { fx, secs, page, tcs } = withPage();
    const m0 = fx.cpu.epc.secs.get(secs)!.measurement;
    const epcm = () => [...Array(8).keys()].map((i) => entry(fx.cpu, i));
    const before = epcm();
    expect(EEXTEND(fx.cpu, secs, page, 0x100)).toBe(0);
    const m1 = fx.cpu.epc.secs.get(secs)!.measurement;
    expect(m1).not.toBe(m0);
    expect(EEXTEND(fx.cpu, secs, tcs, 0)).toBe(0);
    expect(fx.cpu.epc.secs.get(secs)!.measurement).not.toBe(m1);
    expect(epcm()).toEqual(before);
    expect(childCount(fx.cpu, secs)).toBe(2);
  });

  it("measures the chunk's contents and offset", () => {
    const run = (value: bigint, chunk: number) => {
      const fx = new Fixture();
      const { secs, base } = fx.create();
      const page = fx.alloc();
      must(EADD(fx.cpu, page, base, secs, si(PT_REG, R), [[chunk, value]]));
      must(EEXTEND(fx.cpu, secs, page, chunk));
      return fx.cpu.epc.secs.get(secs)!.measurement;
    };
    expect(run(1n, 0)).toBe(run(1n, 0));
    expect(run(1n, 0)).not.toBe(run(2n, 0));
    expect(run(1n, 0)).not.toBe(run(1n, 0x100));
  });

  it("#PF(RBX): the SECS operand is not in the EPC", () => {
    const { fx, page } = withPage();
    expectPf(
      unchanged(fx.cpu, () => EEXTEND(fx.cpu, 64, page, 0)),
      PF_ENCLS,
      64,
    );
  });

  it("#GP: the chunk is not 256-byte aligned", () => {
    const { fx, secs, page } = withPage();
    expectGp(unchanged(fx.cpu, () => EEXTEND(fx.cpu, secs, page, 0x80)));
  });

  it("#PF(RCX): the chunk's page is not in the EPC", () => {
    const { fx, secs } = withPage();
    expectPf(
      unchanged(fx.cpu, () => EEXTEND(fx.cpu, secs, 64, 0)),
      PF_ENCLS,
      64,
    );
  });

  it("#PF(RCX): the page is not VALID, or is a SECS or VA page", () => {
    const { fx, secs } = withPage();
    const free = fx.alloc();
    const va = fx.alloc();
    must(EPA(fx.cpu, va));
    for (const t of [free, secs, va]) {
      expectPf(
        unchanged(fx.cpu, () => EEXTEND(fx.cpu, secs, t, 0)),
        PF_ENCLS,
        t,
      );
    }
  });

  it("#GP: RBX is not the SECS of the page", () => {
    const { fx, page } = withPage();
    const other = fx.create();
    expectGp(unchanged(fx.cpu, () => EEXTEND(fx.cpu, other.secs, page, 0)));
  });

  it("#GP after EINIT (measurement final; MODEL.md, Architecture)", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    expectGp(unchanged(fx.cpu, () => EEXTEND(fx.cpu, e.secs, e.threads[0].ssa[0], 0)));
  });

  it("order: unaligned chunk (#GP, step 2) beats a page not in the EPC (#PF)", () => {
    const { fx, secs } = withPage();
    expectGp(unchanged(fx.cpu, () => EEXTEND(fx.cpu, secs, 64, 0x10)));
  });

  it("order: an invalid page (#PF, step 4) beats a wrong SECS (#GP, step 5)", () => {
    const { fx } = withPage();
    const other = fx.create();
    const free = fx.alloc();
    expectPf(
      unchanged(fx.cpu, () => EEXTEND(fx.cpu, other.secs, free, 0)),
      PF_ENCLS,
      free,
    );
  });
});

describe("EINIT (SDM: EINIT)", () => {
  it("sets ATTRIBUTES.INIT; no EPCM entry changes", () => {
    const fx = new Fixture();
    const e = fx.enclave({ init: false });
    const before = [...Array(8).keys()].map((i) => entry(fx.cpu, i));
    expect(EINIT(fx.cpu, e.secs, MATCHING_SIG)).toBe(0);
    const s = fx.cpu.epc.secs.get(e.secs)!;
    expect(s.initialized).toBe(true);
    expect(s.attributes & ATTR_INIT).toBe(ATTR_INIT);
    expect([...Array(8).keys()].map((i) => entry(fx.cpu, i))).toEqual(before);
    expect(childCount(fx.cpu, e.secs)).toBe(2);
  });

  it("accepts a SIGSTRUCT whose masked attributes, XFRM and MISCSELECT match", () => {
    const fx = new Fixture();
    const e = fx.enclave({ init: false, image: { attributes: ATTR_MODE64BIT | ATTR_DEBUG, miscselect: 1 } });
    const sig = {
      ...MATCHING_SIG,
      attributes: ATTR_DEBUG | 0x100,
      attributesMask: ATTR_DEBUG,
      xfrm: 3,
      xfrmMask: 3,
      miscselect: 1,
      miscMask: 1,
    };
    expect(EINIT(fx.cpu, e.secs, sig)).toBe(0);
  });

  it("#PF(RCX): the SECS operand is not in the EPC", () => {
    const fx = new Fixture();
    expectPf(
      unchanged(fx.cpu, () => EINIT(fx.cpu, 64, MATCHING_SIG)),
      PF_ENCLS,
      64,
    );
  });

  it("#PF(RCX): the operand is a free page, a REG page, a TCS page or a VA page", () => {
    const fx = new Fixture();
    const e = fx.enclave({ init: false });
    const va = fx.alloc();
    must(EPA(fx.cpu, va));
    const free = fx.alloc();
    for (const t of [free, e.threads[0].ssa[0], e.threads[0].tcs, va]) {
      expectPf(
        unchanged(fx.cpu, () => EINIT(fx.cpu, t, MATCHING_SIG)),
        PF_ENCLS,
        t,
      );
    }
  });

  it("#GP: the enclave is already initialized (SDM EINIT exceptions)", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    expectGp(unchanged(fx.cpu, () => EINIT(fx.cpu, e.secs, MATCHING_SIG)));
  });

  it("SGX_INVALID_MEASUREMENT (4): MRENCLAVE differs from SIGSTRUCT.ENCLAVEHASH", () => {
    const fx = new Fixture();
    const e = fx.enclave({ init: false });
    expect(unchanged(fx.cpu, () => EINIT(fx.cpu, e.secs, { ...MATCHING_SIG, enclavehash: "other" }))).toBe(
      SGX_INVALID_MEASUREMENT,
    );
  });

  for (const [name, sig] of [
    ["masked ATTRIBUTES", { ...MATCHING_SIG, attributes: ATTR_DEBUG, attributesMask: ATTR_DEBUG }],
    ["masked XFRM", { ...MATCHING_SIG, xfrm: 7, xfrmMask: 7 }],
    ["masked MISCSELECT", { ...MATCHING_SIG, miscselect: 1, miscMask: 1 }],
  ] as const) {
    it(`SGX_INVALID_ATTRIBUTE (2): ${name} mismatch`, () => {
      const fx = new Fixture();
      const e = fx.enclave({ init: false });
      expect(unchanged(fx.cpu, () => EINIT(fx.cpu, e.secs, sig))).toBe(SGX_INVALID_ATTRIBUTE);
    });
  }

  it("order: a wrong MRENCLAVE (4) is reported before an attribute mismatch (2), as in the SDM pseudo-code", () => {
    const fx = new Fixture();
    const e = fx.enclave({ init: false });
    const sig = { ...MATCHING_SIG, enclavehash: "other", attributes: ATTR_DEBUG, attributesMask: ATTR_DEBUG };
    expect(unchanged(fx.cpu, () => EINIT(fx.cpu, e.secs, sig))).toBe(SGX_INVALID_MEASUREMENT);
  });
});
