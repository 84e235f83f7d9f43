// enclaveAccess: the access-control check for memory accesses from inside an enclave, against
// the SDM (Vol. 3D, access-control requirements; error codes as the selftests observe them). Ordinary paging faults come first (SGX bit 0);
// then, inside ELRANGE, every EPCM condition must hold, else #PF with SGX|P|U (0x8005), plus W
// for a write (0x8007) or I/D for a fetch (0x8015). PR is not checked. Outside ELRANGE, a fetch
// is #GP(0) and data accesses to ordinary memory are allowed.

import { describe, expect, it } from "vitest";
import { PT_REG, PT_TCS, PT_TRIM } from "../vocabulary/epcm.ts";
import { enclaveAccess, NON_EPC } from "./access.ts";
import { VEC_GP, VEC_PF } from "./constants.ts";
import type { Fault } from "./cpu.ts";
import { EADD, EINIT } from "./leaves/build.ts";
import { EACCEPT, EEXIT } from "./leaves/enclu.ts";
import { EBLOCK, EPA, ETRACK } from "./leaves/paging.ts";
import { EAUG, EMODPR, EMODT } from "./leaves/sgx2.ts";
import { Fixture, MATCHING_SIG, MODIFIED, must, PENDING, PR, R, si, W, X } from "./test-helpers.ts";

const READ = 0x8005;
const WRITE = 0x8007;
const FETCH = 0x8015;

function setup() {
  const fx = new Fixture();
  const e = fx.enclave({
    pages: [
      { offset: 0x2000, secinfo: si(PT_REG, R | W | X) },
      { offset: 0x3000, secinfo: si(PT_REG, R) },
      { offset: 0x4000, secinfo: si(PT_REG, R | W) },
      { offset: 0x5000, secinfo: si(PT_REG, X) },
      { offset: 0x6000, secinfo: si(PT_REG, R | X) },
      { offset: 0x7000, secinfo: si(PT_REG, 0) },
    ],
  });
  fx.enter(e);
  const access = (lin: number, kind: "read" | "write" | "fetch") =>
    enclaveAccess(fx.cpu, fx.lp, lin, kind, fx.mmu);
  return { fx, cpu: fx.cpu, e, b: e.base, access };
}

function epcm(out: number | Fault, code: number, addr: number): void {
  expect(out).toEqual(expect.objectContaining({ vector: VEC_PF, code, addr, raisedBy: "EPCM" }));
}

function paging(out: number | Fault, code: number, addr: number): void {
  expect(out).toEqual(expect.objectContaining({ vector: VEC_PF, code, addr, raisedBy: "page tables" }));
}

describe("enclaveAccess (SDM: access-control requirements)", () => {
  it("allows each access the EPCM permits and returns the EPC page", () => {
    const { fx, b, access } = setup();
    const rwx = fx.epcAt(b + 0x2000);
    for (const kind of ["read", "write", "fetch"] as const) expect(access(b + 0x2123, kind)).toBe(rwx);
    expect(access(b + 0x3000, "read")).toBe(fx.epcAt(b + 0x3000));
    expect(access(b + 0x4ff8, "write")).toBe(fx.epcAt(b + 0x4000));
    expect(access(b + 0x5000, "fetch")).toBe(fx.epcAt(b + 0x5000));
    expect(access(b + 0x6000, "fetch")).toBe(fx.epcAt(b + 0x6000));
  });

  it("EPCM R/W/X: 0x8005 read of R=0, 0x8007 write of W=0, 0x8015 fetch of X=0; CR2 is the full address", () => {
    const { b, access } = setup();
    epcm(access(b + 0x5010, "read"), READ, b + 0x5010); // X only
    epcm(access(b + 0x7000, "read"), READ, b + 0x7000); // no permissions
    epcm(access(b + 0x3008, "write"), WRITE, b + 0x3008); // R only
    epcm(access(b + 0x6000, "write"), WRITE, b + 0x6000); // R-X
    epcm(access(b + 0x4000, "fetch"), FETCH, b + 0x4000); // RW-
    epcm(access(b + 0x3ffc, "fetch"), FETCH, b + 0x3ffc); // R--
  });

  it("ordinary faults come first: missing PTE 0x4/0x6/0x14, read-only PTE 0x7, NX PTE 0x15 (SGX bit clear)", () => {
    const { fx, b, access } = setup();
    paging(access(b + 0x8000, "read"), 0x4, b + 0x8000);
    paging(access(b + 0x8000, "write"), 0x6, b + 0x8000);
    paging(access(b + 0x8000, "fetch"), 0x14, b + 0x8000);
    // The EPCM would also refuse (R-- page), but the PTE fault wins.
    fx.mmu.map(b + 0x3000, fx.epcAt(b + 0x3000), { write: false, exec: false });
    paging(access(b + 0x3000, "write"), 0x7, b + 0x3000);
    paging(access(b + 0x3000, "fetch"), 0x15, b + 0x3000);
    expect(access(b + 0x3000, "read")).toBe(fx.epcAt(b + 0x3000));
  });

  it("a PENDING (EAUG'd, not accepted) page faults for every access: 0x8005 / 0x8007 / 0x8015 (as the selftests observe)", () => {
    const { fx, e, b, access } = setup();
    EEXIT(fx.cpu, fx.lp);
    fx.eaug(e, b + 0x8000);
    fx.enter(e);
    epcm(access(b + 0x8000, "read"), READ, b + 0x8000);
    epcm(access(b + 0x8000, "write"), WRITE, b + 0x8000);
    epcm(access(b + 0x8000, "fetch"), FETCH, b + 0x8000);
    must(EACCEPT(fx.cpu, fx.lp, si(PT_REG, R | W | PENDING), b + 0x8000, fx.mmu));
    expect(access(b + 0x8000, "write")).toBe(fx.epcAt(b + 0x8000));
  });

  it("restricted types: TCS, SECS, VA and TRIM pages are never accessible (even with the TCS's PTE RW)", () => {
    const { fx, e, b, access } = setup();
    const va = fx.alloc();
    must(EPA(fx.cpu, va));
    fx.mmu.map(b + 0x9000, e.secs);
    fx.mmu.map(b + 0xa000, va);
    epcm(access(b, "read"), READ, b); // the TCS
    epcm(access(b, "write"), WRITE, b);
    epcm(access(b + 0x9000, "read"), READ, b + 0x9000);
    epcm(access(b + 0xa000, "write"), WRITE, b + 0xa000);
    EEXIT(fx.cpu, fx.lp);
    must(EMODT(fx.cpu, si(PT_TRIM), fx.epcAt(b + 0x2000)));
    must(EMODT(fx.cpu, si(PT_TCS), fx.epcAt(b + 0x4000)));
    must(ETRACK(fx.cpu, e.secs));
    fx.enter(e);
    // TRIM not yet accepted, and a REG page being turned into a TCS (MODIFIED).
    epcm(access(b + 0x2000, "read"), READ, b + 0x2000);
    epcm(access(b + 0x4000, "write"), WRITE, b + 0x4000);
    must(EACCEPT(fx.cpu, fx.lp, si(PT_TRIM, MODIFIED), b + 0x2000, fx.mmu));
    // Accepted TRIM: still 0x8005 (as the selftests observe).
    epcm(access(b + 0x2000, "read"), READ, b + 0x2000);
    epcm(access(b + 0x2000, "fetch"), FETCH, b + 0x2000);
  });

  it("PR is not checked: a restricted, unaccepted page is used with its already-reduced permissions", () => {
    const { fx, e, b, access } = setup();
    EEXIT(fx.cpu, fx.lp);
    must(EMODPR(fx.cpu, si(0, R), fx.epcAt(b + 0x2000)));
    must(EMODPR(fx.cpu, si(0, R | W | X), fx.epcAt(b + 0x4000))); // removes nothing, sets PR
    fx.enter(e);
    expect(access(b + 0x2000, "read")).toBe(fx.epcAt(b + 0x2000));
    epcm(access(b + 0x2000, "write"), WRITE, b + 0x2000);
    epcm(access(b + 0x2000, "fetch"), FETCH, b + 0x2000);
    expect(access(b + 0x4000, "write")).toBe(fx.epcAt(b + 0x4000));
    expect(fx.cpu.epc.flags[fx.epcAt(b + 0x4000)] & PR).toBe(PR);
  });

  it("a BLOCKED page faults", () => {
    const { fx, b, access } = setup();
    must(EBLOCK(fx.cpu, fx.epcAt(b + 0x2000)));
    epcm(access(b + 0x2000, "read"), READ, b + 0x2000);
    epcm(access(b + 0x2000, "write"), WRITE, b + 0x2000);
  });

  it("a page mapped at a linear address other than its ENCLAVEADDRESS faults", () => {
    const { fx, b, access } = setup();
    fx.mmu.map(b + 0x9000, fx.epcAt(b + 0x2000));
    epcm(access(b + 0x9000, "read"), READ, b + 0x9000);
    epcm(access(b + 0x9000, "fetch"), FETCH, b + 0x9000);
  });

  it("another enclave's page, and a free EPC page, fault", () => {
    const { fx, b, access } = setup();
    const other = fx.create();
    const page = fx.alloc();
    must(EADD(fx.cpu, page, other.base + 0x9000, other.secs, si(PT_REG, R | W | X)));
    must(EINIT(fx.cpu, other.secs, MATCHING_SIG));
    fx.mmu.map(b + 0x9000, page);
    epcm(access(b + 0x9000, "read"), READ, b + 0x9000);
    const free = fx.alloc();
    fx.mmu.map(b + 0xa000, free);
    epcm(access(b + 0xa000, "write"), WRITE, b + 0xa000);
  });

  it("an ELRANGE address mapped to non-EPC memory faults with the SGX bit (MODEL.md, Architecture)", () => {
    const { fx, b, access } = setup();
    fx.mmu.map(b + 0x9000, NON_EPC);
    epcm(access(b + 0x9000, "read"), READ, b + 0x9000);
    epcm(access(b + 0x9000, "write"), WRITE, b + 0x9000);
  });

  it("outside ELRANGE: data accesses to ordinary memory are allowed", () => {
    const { fx, e, access } = setup();
    const out = e.base + e.size + 0x10000;
    fx.mmu.map(out, NON_EPC);
    expect(access(out, "read")).toBe(NON_EPC);
    expect(access(out + 8, "write")).toBe(NON_EPC);
    fx.mmu.map(e.base - 0x1000, NON_EPC, { write: false });
    paging(access(e.base - 0x1000, "write"), 0x7, e.base - 0x1000);
  });

  it("outside ELRANGE: an instruction fetch is #GP(0)", () => {
    const { fx, e, access } = setup();
    const out = e.base + e.size;
    fx.mmu.map(out, NON_EPC);
    expect(access(out, "fetch")).toEqual(expect.objectContaining({ vector: VEC_GP, code: 0 }));
  });

  it("outside ELRANGE: paging checks still come first, so an unmapped fetch is an ordinary #PF", () => {
    const { e, access } = setup();
    paging(access(e.base - 0x1000, "fetch"), 0x14, e.base - 0x1000);
  });

  it("an access check changes nothing in the EPCM", () => {
    const { fx, b, access } = setup();
    const before = Array.from(fx.cpu.epc.flags);
    access(b + 0x2000, "write");
    access(b + 0x3000, "write");
    access(b, "read");
    expect(Array.from(fx.cpu.epc.flags)).toEqual(before);
  });

  it("EPCM #PF error codes always have P, U and SGX set; W and I/D follow the access", () => {
    const { b, access } = setup();
    const f = access(b + 0x7000, "read") as Fault;
    expect(f.code & 0x8005).toBe(0x8005);
    expect(f.vector).toBe(VEC_PF);
  });

  it("a PENDING page cannot be made usable by EAUG'ing another page over its address", () => {
    const { fx, e, b, access } = setup();
    EEXIT(fx.cpu, fx.lp);
    const p = fx.alloc();
    must(EAUG(fx.cpu, p, b + 0x2000, e.secs)); // same linear address as the accepted RWX page
    fx.mmu.map(b + 0x2000, p);
    fx.enter(e);
    epcm(access(b + 0x2000, "read"), READ, b + 0x2000);
  });
});
