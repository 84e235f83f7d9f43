import { describe, expect, it } from "vitest";
import { flowSession, refusedIoctl } from "../fixtures.ts";
import { binMarkers, buildMarkers, markerLabel, type StepMarker, stepMarkers } from "./markers.ts";

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

describe("a kernel oops", () => {
  it("marks the step the kernel crashed on, most severe first", () => {
    const steps = flowSession("secs-eaug-race").info.steps;
    const oops = buildMarkers(steps).filter((m) => m.kind === "oops");
    expect(oops).toHaveLength(1);
    expect(oops[0].step).toBe(13);
    expect(oops[0].detail).toBe(
      "kernel oops in sgx_encl_eaug_page(): BUG: kernel NULL pointer dereference, address: 0000000000000000; the run ended here",
    );
    expect(stepMarkers(steps[12], 13)[0].kind).toBe("oops");
    expect(buildMarkers(flowSession("secs-eaug-race-fixed").info.steps).some((m) => m.kind === "oops")).toBe(
      false,
    );
  });
});
