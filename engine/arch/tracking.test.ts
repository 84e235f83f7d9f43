// ETRACK and the tracking requirement (SDM: ETRACK, EWB, EACCEPT) with two logical
// processors. The model (MODEL.md, Architecture, Tracking): ETRACK records the threads inside; it returns
// SGX_PREV_TRK_INCMPL (17) until all of them have left (EEXIT or AEX); a change made (EBLOCK,
// EMODPR, EMODT) at epoch e is tracked once an ETRACK has advanced the epoch past e and no thread
// that entered at or before e is still inside.

import { describe, expect, it } from "vitest";
import { E_BLOCKED, E_MODIFIED, E_PR, E_R, E_VALID, E_W, E_X, PT_REG, PT_TRIM } from "../vocabulary/epcm.ts";
import {
  SGX_ENCLAVE_ACT,
  SGX_NOT_TRACKED,
  SGX_PAGE_ATTRIBUTES_MISMATCH,
  SGX_PREV_TRK_INCMPL,
  VEC_PF,
} from "./constants.ts";
import type { Fault } from "./cpu.ts";
import { NONE } from "./epc.ts";
import { AEX, EACCEPT, EEXIT, EMODPE, enterEnclave } from "./leaves/enclu.ts";
import { EBLOCK, ELDU, EPA, EREMOVE, ETRACK, EWB } from "./leaves/paging.ts";
import { EMODPR, EMODT } from "./leaves/sgx2.ts";
import {
  childCount,
  entry,
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
} from "./test-helpers.ts";

const FAULT: Fault = { vector: VEC_PF, code: 0x8005, addr: 0, raisedBy: "EPCM", why: "test" };

function setup() {
  const fx = new Fixture();
  const e = fx.enclave({
    threads: 2,
    pages: [
      { offset: 0x8000, secinfo: si(PT_REG, R | W | X) },
      { offset: 0x9000, secinfo: si(PT_REG, R | W) },
    ],
  });
  const lp1 = fx.lp;
  const lp2 = fx.cpu.addProcessor();
  const va = fx.alloc();
  must(EPA(fx.cpu, va));
  return {
    fx,
    cpu: fx.cpu,
    e,
    lp1,
    lp2,
    va,
    page: fx.epcAt(e.base + 0x8000),
    page2: fx.epcAt(e.base + 0x9000),
    lin: e.base + 0x8000,
    enter1: () => fx.enter(e, lp1, 0),
    enter2: () => fx.enter(e, lp2, 1),
  };
}

describe("ETRACK cycles (SDM: ETRACK)", () => {
  it("with LP1 inside: ETRACK succeeds, a second ETRACK returns 17 until LP1 exits", () => {
    const s = setup();
    s.enter1();
    expect(ETRACK(s.cpu, s.e.secs)).toBe(0);
    expect(unchanged(s.cpu, () => ETRACK(s.cpu, s.e.secs))).toBe(SGX_PREV_TRK_INCMPL);
    expect(unchanged(s.cpu, () => ETRACK(s.cpu, s.e.secs))).toBe(SGX_PREV_TRK_INCMPL);
    EEXIT(s.cpu, s.lp1);
    expect(ETRACK(s.cpu, s.e.secs)).toBe(0);
    expect(ETRACK(s.cpu, s.e.secs)).toBe(0);
  });

  it("a thread that enters after the ETRACK does not hold up the cycle", () => {
    const s = setup();
    s.enter1();
    must(ETRACK(s.cpu, s.e.secs));
    s.enter2();
    expect(ETRACK(s.cpu, s.e.secs)).toBe(SGX_PREV_TRK_INCMPL);
    EEXIT(s.cpu, s.lp1);
    // LP2 is still inside but was not tracked by the previous cycle.
    expect(ETRACK(s.cpu, s.e.secs)).toBe(0);
    expect(ETRACK(s.cpu, s.e.secs)).toBe(SGX_PREV_TRK_INCMPL);
  });

  it("every tracked thread must leave: 17 until both LP1 and LP2 exit", () => {
    const s = setup();
    s.enter1();
    s.enter2();
    must(ETRACK(s.cpu, s.e.secs));
    EEXIT(s.cpu, s.lp1);
    expect(ETRACK(s.cpu, s.e.secs)).toBe(SGX_PREV_TRK_INCMPL);
    EEXIT(s.cpu, s.lp2);
    expect(ETRACK(s.cpu, s.e.secs)).toBe(0);
  });

  it("an AEX ends a thread's epoch just like EEXIT", () => {
    const s = setup();
    s.enter1();
    must(ETRACK(s.cpu, s.e.secs));
    AEX(s.cpu, s.lp1, FAULT);
    expect(ETRACK(s.cpu, s.e.secs)).toBe(0);
  });

  it("threads inside another enclave are not tracked", () => {
    const s = setup();
    const other = s.fx.enclave();
    s.fx.enter(other, s.lp2, 0);
    expect(ETRACK(s.cpu, s.e.secs)).toBe(0);
    expect(ETRACK(s.cpu, s.e.secs)).toBe(0);
  });
});

describe("EWB needs EBLOCK → ETRACK → every tracked thread out (SDM: EWB, EBLOCK, ETRACK, ELDU)", () => {
  it("EBLOCK without ETRACK → SGX_NOT_TRACKED (11); after ETRACK with nobody inside → evicted", () => {
    const s = setup();
    must(EBLOCK(s.cpu, s.page));
    expect(unchanged(s.cpu, () => EWB(s.cpu, s.page, s.va, 0).out)).toBe(SGX_NOT_TRACKED);
    must(ETRACK(s.cpu, s.e.secs));
    const n = childCount(s.cpu, s.e.secs);
    expect(EWB(s.cpu, s.page, s.va, 0).out).toBe(0);
    expect(entry(s.cpu, s.page)).toEqual({ flags: 0, pt: 0, owner: NONE, linaddr: 0 });
    expect(childCount(s.cpu, s.e.secs)).toBe(n - 1);
  });

  it("LP1 inside at EBLOCK and ETRACK: 11 until LP1 exits, then the eviction succeeds", () => {
    const s = setup();
    s.enter1();
    must(EBLOCK(s.cpu, s.page));
    must(ETRACK(s.cpu, s.e.secs));
    expect(unchanged(s.cpu, () => EWB(s.cpu, s.page, s.va, 0).out)).toBe(SGX_NOT_TRACKED);
    // Linux's reaction: ETRACK again (17 while the cycle is incomplete), IPI → the thread exits.
    expect(ETRACK(s.cpu, s.e.secs)).toBe(SGX_PREV_TRK_INCMPL);
    AEX(s.cpu, s.lp1, FAULT);
    expect(EWB(s.cpu, s.page, s.va, 0).out).toBe(0);
  });

  it("a thread that entered after the ETRACK does not block the EWB", () => {
    const s = setup();
    s.enter1();
    must(EBLOCK(s.cpu, s.page));
    must(ETRACK(s.cpu, s.e.secs));
    s.enter2();
    EEXIT(s.cpu, s.lp1);
    expect(EWB(s.cpu, s.page, s.va, 0).out).toBe(0);
  });

  it("a thread that re-entered after exiting does not block the EWB", () => {
    const s = setup();
    s.enter1();
    must(EBLOCK(s.cpu, s.page));
    must(ETRACK(s.cpu, s.e.secs));
    EEXIT(s.cpu, s.lp1);
    s.enter1();
    expect(EWB(s.cpu, s.page, s.va, 0).out).toBe(0);
  });

  it("a thread that entered before the EBLOCK and never left blocks the EWB even across ETRACKs", () => {
    const s = setup();
    s.enter2();
    must(EBLOCK(s.cpu, s.page));
    s.enter1();
    must(ETRACK(s.cpu, s.e.secs));
    EEXIT(s.cpu, s.lp1);
    expect(unchanged(s.cpu, () => EWB(s.cpu, s.page, s.va, 0).out)).toBe(SGX_NOT_TRACKED);
    EEXIT(s.cpu, s.lp2);
    expect(EWB(s.cpu, s.page, s.va, 0).out).toBe(0);
  });

  it("a page reloaded with ELDB can be evicted again without a new ETRACK (no thread can hold a translation)", () => {
    const s = setup();
    must(EBLOCK(s.cpu, s.page));
    must(ETRACK(s.cpu, s.e.secs));
    const r = EWB(s.cpu, s.page, s.va, 0);
    must(r.out);
    s.enter1();
    const to = s.fx.alloc();
    must(ELDU(s.cpu, to, s.va, 0, r.sealed!, s.e.secs, true));
    expect(entry(s.cpu, to).flags & E_BLOCKED).toBe(E_BLOCKED);
    expect(EWB(s.cpu, to, s.va, 0).out).toBe(0);
  });
});

describe("EACCEPT after EMODPR/EMODT needs tracking (SDM: EACCEPT, ETRACK, EMODPR)", () => {
  it("EMODPR without ETRACK → 11; ETRACK while the accepting thread is inside → still 11; after re-entry → accepted", () => {
    const s = setup();
    s.enter1();
    must(EMODPR(s.cpu, si(0, R), s.page));
    const accept = () => EACCEPT(s.cpu, s.lp1, si(PT_REG, R | PR), s.lin, s.fx.mmu);
    expect(unchanged(s.cpu, accept)).toBe(SGX_NOT_TRACKED);
    must(ETRACK(s.cpu, s.e.secs));
    expect(unchanged(s.cpu, accept)).toBe(SGX_NOT_TRACKED);
    EEXIT(s.cpu, s.lp1);
    s.enter1();
    expect(accept()).toBe(0);
    expect(entry(s.cpu, s.page)).toEqual({
      flags: E_VALID | E_R,
      pt: PT_REG,
      owner: s.e.secs,
      linaddr: s.lin,
    });
  });

  it("another thread that entered before the ETRACK blocks the accept until it leaves", () => {
    const s = setup();
    s.enter2(); // LP2 may hold a stale RWX translation
    must(EMODPR(s.cpu, si(0, R), s.page));
    must(ETRACK(s.cpu, s.e.secs));
    s.enter1(); // entered after the ETRACK
    const accept = () => EACCEPT(s.cpu, s.lp1, si(PT_REG, R | PR), s.lin, s.fx.mmu);
    expect(unchanged(s.cpu, accept)).toBe(SGX_NOT_TRACKED);
    AEX(s.cpu, s.lp2, FAULT);
    expect(accept()).toBe(0);
  });

  it("an ETRACK issued before the EMODPR does not count", () => {
    const s = setup();
    must(ETRACK(s.cpu, s.e.secs));
    must(EMODPR(s.cpu, si(0, R), s.page));
    s.enter1();
    expect(unchanged(s.cpu, () => EACCEPT(s.cpu, s.lp1, si(PT_REG, R | PR), s.lin, s.fx.mmu))).toBe(
      SGX_NOT_TRACKED,
    );
  });

  it("EMODT (trim) follows the same rule", () => {
    const s = setup();
    must(EMODT(s.cpu, si(PT_TRIM), s.page));
    s.enter1();
    const accept = () => EACCEPT(s.cpu, s.lp1, si(PT_TRIM, MODIFIED), s.lin, s.fx.mmu);
    expect(unchanged(s.cpu, accept)).toBe(SGX_NOT_TRACKED);
    EEXIT(s.cpu, s.lp1);
    must(ETRACK(s.cpu, s.e.secs));
    s.enter1();
    expect(accept()).toBe(0);
    expect(entry(s.cpu, s.page)).toEqual({ flags: E_VALID, pt: PT_TRIM, owner: s.e.secs, linaddr: s.lin });
  });

  it("EAUG'd pages need no ETRACK, and EMODPE needs none", () => {
    const s = setup();
    s.enter2();
    const p = s.fx.eaug(s.e, s.e.base + 0xa000);
    s.enter1();
    expect(EACCEPT(s.cpu, s.lp1, si(PT_REG, R | W | PENDING), s.e.base + 0xa000, s.fx.mmu)).toBe(0);
    expect(EMODPE(s.cpu, s.lp1, si(0, X), s.e.base + 0xa000, s.fx.mmu)).toBe(0);
    expect(entry(s.cpu, p).flags).toBe(E_VALID | E_R | E_W | E_X);
  });

  it("a mismatch (19) is reported before tracking (11)", () => {
    const s = setup();
    s.enter1();
    must(EMODPR(s.cpu, si(0, R), s.page));
    expect(EACCEPT(s.cpu, s.lp1, si(PT_REG, R | W | PR), s.lin, s.fx.mmu)).toBe(SGX_PAGE_ATTRIBUTES_MISMATCH);
  });

  it("the restriction takes effect for new accesses at once; only the accept waits", () => {
    const s = setup();
    s.enter1();
    must(EMODPR(s.cpu, si(0, R), s.page));
    expect(s.cpu.epc.flags[s.page]).toBe(E_VALID | E_R | E_PR);
  });
});

describe("EREMOVE while threads run (SDM: EREMOVE)", () => {
  it("SGX_ENCLAVE_ACT (14) with a thread inside, but an accepted TRIM page is removed anyway", () => {
    const s = setup();
    must(EMODT(s.cpu, si(PT_TRIM), s.page));
    must(EMODT(s.cpu, si(PT_TRIM), s.page2));
    must(ETRACK(s.cpu, s.e.secs));
    s.enter1();
    must(EACCEPT(s.cpu, s.lp1, si(PT_TRIM, MODIFIED), s.lin, s.fx.mmu));
    s.enter2();
    // page2's trim is not accepted: MODIFIED=1.
    expect(entry(s.cpu, s.page2).flags).toBe(E_VALID | E_MODIFIED);
    expect(unchanged(s.cpu, () => EREMOVE(s.cpu, s.page2))).toBe(SGX_ENCLAVE_ACT);
    const n = childCount(s.cpu, s.e.secs);
    expect(EREMOVE(s.cpu, s.page)).toBe(0);
    expect(entry(s.cpu, s.page)).toEqual({ flags: 0, pt: 0, owner: NONE, linaddr: 0 });
    expect(childCount(s.cpu, s.e.secs)).toBe(n - 1);
    EEXIT(s.cpu, s.lp1);
    expect(EREMOVE(s.cpu, s.page2)).toBe(SGX_ENCLAVE_ACT); // LP2 still inside
    EEXIT(s.cpu, s.lp2);
    expect(EREMOVE(s.cpu, s.page2)).toBe(0);
  });

  it("threads are counted per enclave, not per TCS or processor", () => {
    const s = setup();
    s.enter2();
    expect(EREMOVE(s.cpu, s.e.threads[0].tcs)).toBe(SGX_ENCLAVE_ACT);
    expect(enterEnclave(s.cpu, s.lp1, s.e.threads[0].tcsLin, s.fx.mmu, false)).toBe(0);
  });
});
