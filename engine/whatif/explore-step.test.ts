import { describe, expect, it } from "vitest";
import { findFlow } from "../index.ts";
import { EXPLORE_MAX_BOUND, exploreStep } from "./explore-step.ts";

const flow = (id: string) => {
  const f = findFlow(id);
  if (!f) throw new Error(id);
  return f.scenario as Record<string, unknown> & { steps: Array<Record<string, unknown>> };
};

const raceIndex = (s: { steps: Array<Record<string, unknown>> }) => s.steps.findIndex((x) => x.op === "race");

describe("exploreStep", () => {
  it("explores the EAUG fault race on v6.0: SIGBUS for one thread in some interleavings", () => {
    const s = flow("eaug-fault-race");
    const r = exploreStep(s, undefined, raceIndex(s));
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.report.step).toBe(raceIndex(s));
    expect(r.report.participants).toBe(2);
    expect(r.report.cut).toBe(false);
    expect(r.report.outcomes.length).toBeGreaterThanOrEqual(2);
    expect(r.report.outcomes.reduce((n, o) => n + o.count, 0)).toBe(r.report.interleavings);
    expect(r.report.outcomes.some((o) => o.outcome.includes("SIGBUS"))).toBe(true);
  });

  it("applies the pickers' kernel: on v6.6+edmm-races no interleaving gives SIGBUS", () => {
    const s = flow("eaug-fault-race");
    const r = exploreStep(s, { kernel: "v6.6+edmm-races" }, raceIndex(s));
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.report.interleavings).toBeGreaterThan(0);
    expect(r.report.outcomes.some((o) => o.outcome.includes("SIGBUS"))).toBe(false);
  });

  it("reports the bound cutting the search", () => {
    const s = flow("eaug-fault-race");
    const r = exploreStep(s, undefined, raceIndex(s), 5);
    expect(r.ok && r.report.cut).toBe(true);
    expect(r.ok && r.report.runs).toBe(5);
    expect(r.ok && r.further).toBe(50);
    const all = exploreStep(s, undefined, raceIndex(s), 51);
    expect(all.ok && !all.report.cut && all.report.interleavings).toBe(16);
    expect(all).not.toHaveProperty("further");
  });

  it("answers a message, never throws, for input it cannot explore", () => {
    const s = flow("eaug-fault-race");
    expect(exploreStep(s, undefined, 0)).toEqual({
      ok: false,
      errors: ['steps[0] (op "ioctl") is not a race: only a race\'s interleavings can be explored.'],
    });
    expect(exploreStep(s, undefined, 99)).toEqual({
      ok: false,
      errors: [`There is no steps[99] to explore: the scenario has ${s.steps.length} steps.`],
    });
    expect(exploreStep(s, undefined, 1.5).ok).toBe(false);
    expect(exploreStep(s, undefined, raceIndex(s), 0)).toEqual({
      ok: false,
      errors: [`The bound must be a whole number of runs from 1 to ${EXPLORE_MAX_BOUND}.`],
    });
    const bad = exploreStep({ format: "epcm-scenario/1", steps: "no" }, undefined, 0);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors[0]).toMatch(/^steps/);
    const kernel = exploreStep(s, { kernel: "v9" }, raceIndex(s));
    expect(!kernel.ok && kernel.errors[0]).toMatch(/^machine\.kernel: unknown kernel "v9"/);
  });
});
