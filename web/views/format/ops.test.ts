import { describe, expect, it } from "vitest";
import { faultStep, flowSession, readStep, refusedIoctl, step } from "../fixtures.ts";
import { opFields, opSummary, outcomeSummary } from "./ops.ts";

describe("opSummary", () => {
  it("names the ioctl command and its range", () => {
    expect(opSummary(refusedIoctl.op)).toBe("ioctl SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS 0x5000 +0x1000");
  });

  it("takes the command from arg when the op does not carry it", () => {
    expect(opSummary({ op: "ioctl", arg: { cmd: "SGX_IOC_ENCLAVE_INIT" } })).toBe(
      "ioctl SGX_IOC_ENCLAVE_INIT",
    );
  });

  it("names the enclave call and its address", () => {
    expect(opSummary(faultStep.op)).toBe("EENTER write 0xc000");
    expect(opSummary({ op: "EENTER", call: "EACCEPT", addr: "0x5000", pages: "0x4" })).toBe(
      "EENTER EACCEPT 0x5000 ×0x4",
    );
    expect(opSummary({ op: "EENTER", call: "nop" })).toBe("EENTER nop");
  });

  it("summarises the memory syscalls and the other ops", () => {
    expect(opSummary({ op: "mmap", offset: "0xc000", length: "0x1000", prot: "0x7" })).toBe(
      "mmap 0xc000 +0x1000",
    );
    expect(opSummary({ op: "munmap", offset: "0x0", length: "0x2000" })).toBe("munmap 0x0 +0x2000");
    expect(opSummary({ op: "ERESUME", tcs: "0x1000" })).toBe("ERESUME tcs 0x1000");
    expect(opSummary({ op: "reclaim", pages: "0x10" })).toBe("reclaim 0x10");
    expect(opSummary({ op: "close" })).toBe("close");
  });
});

describe("outcomeSummary", () => {
  it("shows the exception the vDSO reported", () => {
    expect(outcomeSummary(faultStep)).toBe("ERESUME #PF 0x8007");
  });

  it("shows a read's value", () => {
    expect(outcomeSummary(readStep)).toBe("EEXIT · value 0x1122334455667788");
  });

  it("shows an ENCLU status by name", () => {
    const accepted = step({ ...readStep, index: 6, call: { ret: 0, ret_name: "SGX_SUCCESS" } });
    expect(outcomeSummary(accepted)).toBe("EEXIT · SGX_SUCCESS");
    const unnamed = step({ ...readStep, index: 7, call: { ret: 3 } });
    expect(outcomeSummary(unnamed)).toBe("EEXIT · status 3");
  });

  it("shows errno and the ioctl's output fields", () => {
    expect(outcomeSummary(refusedIoctl)).toBe("-1 EPERM · count 0x0 · result 0x0");
    expect(outcomeSummary(step({ index: 0, op: { op: "close" } }))).toBe("ret 0");
  });

  it("reports repeated and stalled entries", () => {
    const repeated = step({ ...readStep, index: 9, repeated: 12, stalled: true });
    expect(outcomeSummary(repeated)).toBe("EEXIT · value 0x1122334455667788 · 12 entries · stalled");
  });
});

describe("op fields", () => {
  it("leaves out what the op's summary already says", () => {
    const augment = flowSession("augment").info.steps;
    expect(opFields(augment[11].op, true)).toEqual(["tcs=0x0", "value=0x1122334455667788"]);
    expect(opFields(augment[2].op, true)).toEqual(["secinfo=R|X|REG", "flags=0x1", "src=0x0"]);
    expect(opFields(augment[6].op, true)).toEqual([
      "prot=PROT_READ|PROT_WRITE",
      "flags=MAP_SHARED|MAP_FIXED",
    ]);
  });

  it("flattens the ioctl struct and keeps syscall fields", () => {
    const augment = flowSession("augment").info.steps;
    expect(opFields(augment[0].op)).toEqual([
      "size=0x10000",
      "ssa_frame_size=0x1",
      "attributes=0x4",
      "xfrm=0x3",
      "miscselect=0x0",
    ]);
    expect(opFields(augment[1].op)).toContain(
      "tcs=[{ossa 0x7000, nssa 0x1, oentry 0x23d3}, {ossa 0x8000, nssa 0x1, oentry 0x23d3}]",
    );
    expect(opFields(augment[6].op)).toEqual([
      "offset=0x0",
      "length=0x2000",
      "prot=PROT_READ|PROT_WRITE",
      "flags=MAP_SHARED|MAP_FIXED",
    ]);
  });
});
