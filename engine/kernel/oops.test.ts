// Kernel bugs that crash (docs/scenario-format.md): the SECS/EAUG NULL dereference before v6.6.
import { describe, expect, it } from "vitest";
import { findFlow, parseScenario, simulate } from "../index.ts";
import { Simulation } from "../scenario/run.ts";
import { formatTraceText } from "../scenario/text.ts";
import { writeTraceJson } from "../scenario/trace-json.ts";
import { withMachine } from "../whatif/whatif.ts";
import type { KernelVersion } from "./versions.ts";

const raceFlow = () => findFlow("secs-eaug-race")?.scenario as Record<string, unknown>;

function run(kernel: KernelVersion) {
  const r = simulate(withMachine(raceFlow(), { kernel }));
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r;
}

describe("the SECS/EAUG oops", () => {
  for (const kernel of ["v6.0", "v6.1"] as const) {
    it(`${kernel}: the EAUG fault with the SECS evicted oopses and the run ends on that step`, () => {
      const { trace } = run(kernel);
      const last = trace.steps[trace.steps.length - 1];
      expect(last.index).toBe(12);
      expect(last.oops).toEqual({
        function: "sgx_encl_eaug_page",
        text: "BUG: kernel NULL pointer dereference, address: 0000000000000000",
      });
      expect(trace.stopped).toEqual({ step: 12, reason: "oops", not_run: 1 });
      expect(last.events.some((e) => e.text.startsWith("Kernel oops in sgx_encl_eaug_page()"))).toBe(true);
      const text = formatTraceText(trace);
      expect(text).toContain("!! KERNEL OOPS in sgx_encl_eaug_page()");
      expect(text).toContain("The kernel oopsed at step 12: the run ends there (1 step(s) not run).");
    });
  }

  for (const kernel of ["v6.6", "v6.6+edmm-races"] as const) {
    it(`${kernel}: sgx_encl_load_secs() loads the SECS back, EAUG adds the page, every step runs`, () => {
      const { trace } = run(kernel);
      expect(trace.stopped).toBeUndefined();
      expect(trace.steps).toHaveLength(14);
      const fault = trace.steps[12];
      expect(fault.oops).toBeUndefined();
      expect(fault.value).toBe("0xffffffffffffffff");
      expect(fault.events.map((e) => e.text)).toContain(
        "The SECS is evicted: sgx_encl_load_secs() loads it back before EAUG.",
      );
      expect(fault.epcm.map((e) => [e.type, e.pending])).toEqual([
        ["SECS", false],
        ["REG", true],
      ]);
    });
  }

  it("without the eviction there is no oops on v6.0: the EAUG path has its SECS", () => {
    const raw = raceFlow();
    const steps = (raw.steps as unknown[]).filter((s) => (s as { op: string }).op !== "reclaim");
    const r = simulate({ ...raw, steps });
    expect(r.ok && r.trace.stopped).toBeUndefined();
  });

  it("the JSON trace (both versions) carries the step's oops and the top-level stopped", () => {
    const parsed = parseScenario(raceFlow());
    if (!parsed.ok) throw new Error(parsed.errors.join());
    for (const version of [1, 2] as const) {
      const sim = new Simulation(parsed.scenario);
      while (!sim.done) sim.step();
      let json = "";
      writeTraceJson(
        sim,
        (s) => {
          json += s;
        },
        version,
      );
      const t = JSON.parse(json);
      expect(t.stopped).toEqual({ step: 12, reason: "oops", not_run: 1 });
      expect(t.steps[12].oops.function).toBe("sgx_encl_eaug_page");
      expect(t.steps).toHaveLength(13);
    }
  });
});
