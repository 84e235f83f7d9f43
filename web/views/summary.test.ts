import { describe, expect, it } from "vitest";
import { faultStep, flowSession, readStep, refusedIoctl, step } from "./fixtures.ts";
import {
  binMarkers,
  buildMarkers,
  ChangeIndex,
  cpuSummary,
  DEFAULT_FLOW,
  entryText,
  faultLabel,
  flagNames,
  flowFromSearch,
  functionOf,
  laneOf,
  markerLabel,
  opFields,
  opSummary,
  outcomeSummary,
  pageChanges,
  permString,
  type StepMarker,
  stepMarkers,
  vectorName,
} from "./summary.ts";

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

describe("vectorName", () => {
  it("uses the SDM mnemonics", () => {
    expect(vectorName(14)).toBe("#PF");
    expect(vectorName(13)).toBe("#GP");
    expect(vectorName(99)).toBe("vector 99");
  });
});

describe("flowFromSearch", () => {
  it("reads ?flow= and falls back to the default flow", () => {
    expect(flowFromSearch("?flow=epcm-permissions")).toBe("epcm-permissions");
    expect(flowFromSearch("")).toBe(DEFAULT_FLOW);
    expect(flowFromSearch("?flow=")).toBe(DEFAULT_FLOW);
    expect(DEFAULT_FLOW).toBe("augment");
  });
});

describe("fault labels and bits", () => {
  it("formats a fault as the SDM writes it", () => {
    expect(faultLabel(14, "0x8007")).toBe("#PF 0x8007");
    expect(faultLabel(13, undefined)).toBe("#GP 0x0");
  });

  it("spells permissions and flags", () => {
    expect(permString(3)).toBe("RW-");
    expect(permString(5)).toBe("R-X");
    expect(permString(0x80)).toBe("---");
    expect(flagNames(0x80 | 3 | 8)).toEqual(["PENDING"]);
    expect(flagNames(16 | 32 | 64)).toEqual(["MODIFIED", "PR", "BLOCKED"]);
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

describe("timeline markers", () => {
  it("marks the augment fault reported to user space, and the faults taken inside steps", () => {
    const markers = buildMarkers(flowSession("augment").info.steps);
    const exception = markers.filter((m) => m.kind === "exception");
    expect(exception).toHaveLength(1);
    expect(exception[0].step).toBe(12);
    expect(exception[0].short).toBe("#PF 0x8007");
    expect(markerLabel(exception[0], flowSession("augment").info.steps)).toBe(
      "Step 12 (EENTER write 0xc000): #PF 0x8007 at offset 0xc000, reported to user space by ERESUME",
    );
    const fault = markers.find((m) => m.kind === "fault" && m.step === 12);
    expect(fault?.short).toBe("#PF 0x4, #PF 0x6 ×2, #PF 0x14, #PF 0x8007");
  });

  it("marks errno, SGX status codes and unmet expectations", () => {
    const markers = buildMarkers(flowSession("refusals").info.steps);
    expect(markers.some((m) => m.kind === "errno" && m.short === "EPERM")).toBe(true);
    expect(markers.some((m) => m.kind === "errno" && m.short === "ENOTTY")).toBe(true);
    expect(markers.some((m) => m.kind === "status" && m.short === "SGX_PAGE_ATTRIBUTES_MISMATCH")).toBe(true);
    expect(markers.some((m) => m.kind === "exception" && m.short === "#GP 0x0")).toBe(true);
    const unmet = stepMarkers(refusedIoctl, 3);
    expect(unmet.map((m) => m.kind)).toEqual(["errno", "unmet"]);
    expect(unmet[1].detail).toContain('errno: expected "EINVAL", got "EPERM"');
  });

  it("bins dense markers so 100,000 steps draw a bounded number of marks", () => {
    const markers: StepMarker[] = [];
    for (let i = 1; i <= 100_000; i++)
      markers.push({
        step: i,
        kind: i % 1000 === 0 ? "errno" : "fault",
        short: i % 1000 === 0 ? "EPERM" : "#PF 0x4",
        detail: "",
      });
    const width = 800;
    const x = (s: number) => (s / 100_000) * width;
    const bins = binMarkers(markers, x, 5);
    expect(bins.length).toBeLessThanOrEqual(width / 5 + 1);
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(100_000);
    const withError = bins.filter((b) => b.kind === "errno");
    expect(withError.length).toBe(100); // each bin of 625 steps holds at most one errno, most severe wins
    expect(withError[0].target % 1000).toBe(0);
    expect(bins[0].label).toMatch(/^Steps 1–\d+: \d+ marks: #PF 0x4 ×\d+/);
  });

  it("keeps sparse markers apart", () => {
    const markers: StepMarker[] = [
      { step: 3, kind: "errno", short: "EINVAL", detail: "three" },
      { step: 9, kind: "exception", short: "#PF 0x8007", detail: "nine" },
    ];
    const bins = binMarkers(markers, (s) => s * 50, 14);
    expect(bins.map((b) => [b.from, b.count, b.label])).toEqual([
      [3, 1, "Step 3: three"],
      [9, 1, "Step 9: nine"],
    ]);
  });
});

describe("EPCM changes", () => {
  const session = flowSession("augment");
  const { steps, enclaveNames } = session.info;

  it("lists the EAUGed page as free → REG RW- PENDING, then PENDING clearing on EACCEPT", () => {
    const v12 = session.view(12);
    expect(pageChanges(v12.changed, v12.epc, enclaveNames, steps, 12, null)).toEqual([
      { epc: 14, where: "e0+0xc000", before: "free", after: "REG RW- PENDING" },
    ]);
    const v13 = session.view(13);
    expect(pageChanges(v13.changed, v13.epc, enclaveNames, steps, 13, null)).toEqual([
      { epc: 14, where: "e0+0xc000", before: "REG RW- PENDING", after: "REG RW-" },
    ]);
  });

  it("shows the change of one event when stepped into", () => {
    const eaug = steps[11].events.findIndex((e) => e.leaf === "EAUG");
    const v = session.view(12, eaug);
    expect(pageChanges(v.changed, v.epc, enclaveNames, steps, 12, eaug)).toEqual([
      { epc: 14, where: "e0+0xc000", before: "free", after: "REG RW- PENDING" },
    ]);
    const before = session.view(12, eaug - 1);
    expect(before.changed.length).toBe(0);
  });

  it("names SECS and VA pages, and caps the list", () => {
    const v1 = session.view(1);
    const changes = pageChanges(v1.changed, v1.epc, enclaveNames, steps, 1, null);
    expect(changes.map((c) => `${c.where}: ${c.before} → ${c.after}`)).toEqual([
      "e0 VA page: free → VA",
      "e0 SECS: free → SECS",
    ]);
    const v4 = session.view(4);
    expect(pageChanges(v4.changed, v4.epc, enclaveNames, steps, 4, null, 3)).toHaveLength(3);
  });

  it("says 'not recorded' when a capped delta list may hide the earlier entry", () => {
    const long = flowSession("augment-via-eaccept-long");
    const idx = new ChangeIndex(long.info.steps);
    const capped = long.info.steps.findIndex((s) => s.events.some((e) => e.epcm_more));
    expect(capped).toBeGreaterThan(0);
    // A page the capped list did not name: its entry before the next step is unknown.
    const named = new Set(long.info.steps[capped].events.flatMap((e) => (e.epcm ?? []).map((d) => d.epc)));
    const hidden = [...long.view(capped + 1).changed].find((p) => !named.has(p));
    expect(hidden).toBeDefined();
    expect(idx.before(hidden as number, capped + 2, null)).toBe("unknown");
    expect(idx.before(hidden as number, capped + 1, null)).toBeNull();
  });

  it("spells entries", () => {
    expect(
      entryText({ valid: false, type: null, perms: "---", flags: [], enclave: null, offset: null }),
    ).toBe("free");
    expect(
      entryText({ valid: true, type: "TCS", perms: "---", flags: [], enclave: "e0", offset: "0x0" }),
    ).toBe("TCS");
    expect(
      entryText({
        valid: true,
        type: "TRIM",
        perms: "---",
        flags: ["MODIFIED"],
        enclave: "e0",
        offset: "0x0",
      }),
    ).toBe("TRIM --- MODIFIED");
  });
});
