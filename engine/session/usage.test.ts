// EPC usage per step: the counts the session keeps from the diffs equal a direct count of the
// EPCM after every step, add up to the EPC's size, and show the reclaimer's evictions.

import { describe, expect, it } from "vitest";
import { findFlow } from "../flows/index.ts";
import { parseScenario } from "../scenario/parse.ts";
import { Simulation } from "../scenario/run.ts";
import { Session } from "./session.ts";
import { type EpcUsage, USAGE_KINDS } from "./usage.ts";

function scenarioOf(id: string) {
  const r = parseScenario(findFlow(id)?.scenario);
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.scenario;
}

/** Counts by kind and evicted pages of a simulation, looking at every EPC page. */
function directCount(sim: Simulation): number[] {
  const e = sim.kernel.cpu.epc;
  const out = [0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < e.size; i++) out[e.isValid(i) ? e.pt[i] : 5]++;
  for (const x of sim.kernel.enclaves) out[6] += x.backing.size;
  return out;
}

function row(u: EpcUsage, k: number): number[] {
  return [...USAGE_KINDS.map((name) => u.kinds[name][k]), u.evicted[k]];
}

describe("Session.epcUsage", () => {
  for (const id of [
    "reclaim-reload",
    "unclobbered-vdso-oversubscribed",
    "unclobbered-vdso-oversubscribed-remove",
  ]) {
    it(`${id}: every step's counts equal a direct count and add up to the EPC`, () => {
      const scenario = scenarioOf(id);
      const usage = new Session(scenario).epcUsage();
      const steps = scenario.steps.length;
      expect(usage.epcPages).toBe(scenario.machine.epcPages);
      for (const name of USAGE_KINDS) expect(usage.kinds[name].length, name).toBe(steps + 1);
      expect(usage.evicted.length).toBe(steps + 1);
      const sim = new Simulation(scenario, { materialize: false });
      for (let k = 0; k <= steps; k++) {
        if (k > 0) sim.step();
        expect(row(usage, k), `after ${k} steps`).toEqual(directCount(sim));
        const sum = USAGE_KINDS.reduce((n, name) => n + usage.kinds[name][k], 0);
        expect(sum, `after ${k} steps`).toBe(usage.epcPages);
      }
    });
  }

  it("reclaim-reload: the reclaim step evicts the 12 pages and the SECS; the reads bring them back", () => {
    const scenario = scenarioOf("reclaim-reload");
    const usage = new Session(scenario).epcUsage();
    const at = scenario.steps.findIndex((s) => s.op === "reclaim") + 1;
    expect(at).toBeGreaterThan(0);
    // Before: one SECS, two TCS, ten REG pages and one VA page resident; nothing evicted.
    expect(row(usage, at - 1)).toEqual([1, 2, 10, 1, 0, usage.epcPages - 14, 0]);
    // After: only the VA page (never reclaimed) stays; the other 12 pages and the SECS are evicted.
    expect(row(usage, at)).toEqual([0, 0, 0, 1, 0, usage.epcPages - 1, 13]);
    const last = scenario.steps.length;
    expect(usage.evicted[last]).toBeLessThan(13);
    expect(usage.kinds.SECS[last]).toBe(1);
  });

  it("a run of hundreds of steps (the counts' buffer grows) still matches a direct count", () => {
    const base = findFlow("reclaim-reload")?.scenario as Record<string, unknown>;
    const steps = base.steps as unknown[];
    // The build, then reclaim and read back 50 times: 10 + 50 × 4 steps.
    const build = steps.slice(0, 10);
    const rounds = Array.from({ length: 50 }, () => steps.slice(11, 15)).flat();
    const parsed = parseScenario({ ...base, steps: [...build, ...rounds] });
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const usage = new Session(parsed.scenario).epcUsage();
    expect(usage.evicted.length).toBe(211);
    const sim = new Simulation(parsed.scenario, { materialize: false });
    for (let k = 0; k <= 210; k++) {
      if (k > 0) sim.step();
      if (k % 23 === 0 || k === 210) expect(row(usage, k), `after ${k} steps`).toEqual(directCount(sim));
    }
    expect(Math.max(...usage.evicted)).toBe(13);
  });

  it("before the first step the EPC is all free", () => {
    const usage = new Session(scenarioOf("augment")).epcUsage();
    expect(row(usage, 0)).toEqual([0, 0, 0, 0, 0, usage.epcPages, 0]);
  });
});
