import { describe, expect, it } from "vitest";
import { flowSession } from "../fixtures.ts";
import { cpuSummary, functionOf, laneOf } from "./events.ts";

describe("event lanes", () => {
  it("sorts events into user space, kernel and CPU", () => {
    expect(laneOf("vdso")).toBe("user");
    for (const k of ["syscall", "kernel", "mm", "reclaim"] as const) expect(laneOf(k)).toBe("kernel");
    for (const k of ["encls", "enclu", "fault", "aex", "access"] as const) expect(laneOf(k)).toBe("cpu");
  });

  it("names the kernel function or the leaf", () => {
    expect(functionOf("ioctl.c: sgx_ioctl()")).toBe("sgx_ioctl()");
    expect(functionOf("SDM: ENCLS[EAUG]")).toBe("ENCLS[EAUG]");
    expect(functionOf("mm/mmap.c")).toBe("mm/mmap.c");
  });

  it("summarises what the CPU did", () => {
    const events = flowSession("augment").info.steps[11].events;
    const eaug = events.find((e) => e.leaf === "EAUG");
    expect(eaug && cpuSummary(eaug)).toBe("EAUG → ok");
    const epcmFault = events.find((e) => e.error_code === "0x8007");
    expect(epcmFault && cpuSummary(epcmFault)).toBe("#PF 0x8007 (EPCM)");
    const entry = events.find((e) => e.kind === "fault" && e.leaf === "EENTER");
    expect(entry && cpuSummary(entry)).toBe("EENTER #PF 0x4 (page tables)");
  });
});
