// The trace events the leaves write (one per leaf execution): outcome, vector and error code.

import { describe, expect, it } from "vitest";
import { PT_REG, PT_TRIM } from "../../vocabulary/epcm.ts";
import { Fixture, must, R, si, W } from "../test-helpers.ts";
import { EACCEPT } from "./enclu.ts";
import { EPA } from "./paging.ts";
import { EMODPR, EMODT } from "./sgx2.ts";

describe("leaf trace events", () => {
  it("a success is an encls/enclu event with result ok and the EPC page", () => {
    const fx = new Fixture();
    fx.cpu.log.take();
    const i = fx.alloc();
    must(EPA(fx.cpu, i));
    expect(fx.cpu.log.take()).toEqual([
      expect.objectContaining({
        kind: "encls",
        leaf: "EPA",
        result: "ok",
        epc: i,
        source: "SDM: ENCLS[EPA]",
      }),
    ]);
  });

  it("an ENCLU fault carries vector, error code, linear address and who raised it", () => {
    const fx = new Fixture();
    const e = fx.enclave();
    fx.enter(e);
    fx.cpu.log.take();
    EACCEPT(fx.cpu, fx.lp, si(PT_REG, R | W | 0x8), e.base + 0x6000, fx.mmu);
    const [ev] = fx.cpu.log.take();
    expect(ev).toEqual(
      expect.objectContaining({
        kind: "fault",
        leaf: "EACCEPT",
        vector: 14,
        error_code: "0x4",
        raised_by: "page tables",
      }),
    );
    expect(ev.addr).toBe(`0x${(e.base + 0x6000).toString(16)}`);
  });

  it("logs status names and ENCLS faults", () => {
    const fx = new Fixture();
    const e = fx.enclave({ pages: [{ offset: 0x2000, secinfo: si(PT_REG, R | W) }] });
    const page = fx.epcAt(e.base + 0x2000);
    must(EMODT(fx.cpu, si(PT_TRIM), page));
    fx.cpu.log.take();
    EMODPR(fx.cpu, si(0, R), page);
    EMODPR(fx.cpu, si(0, R), e.secs);
    const [code, fault] = fx.cpu.log.take();
    expect(code).toEqual(
      expect.objectContaining({ kind: "encls", leaf: "EMODPR", result: "SGX_PAGE_NOT_MODIFIABLE" }),
    );
    expect(fault).toEqual(
      expect.objectContaining({
        kind: "fault",
        leaf: "EMODPR",
        result: "#PF",
        vector: 14,
        error_code: "0x8003",
        epc: e.secs,
      }),
    );
  });

  it("nothing is recorded while the log is off", () => {
    const fx = new Fixture();
    fx.cpu.log.on = false;
    must(EPA(fx.cpu, fx.alloc()));
    expect(fx.cpu.log.take()).toEqual([]);
  });
});
