// Checkpoints: a clone taken at any step continues exactly like the original (byte-identical
// trace steps), and stepping the clone leaves the original untouched.

import { describe, expect, it } from "vitest";
import { flows } from "../flows/index.ts";
import { parseScenario } from "./parse.ts";
import { Simulation } from "./run.ts";

function scenarioOf(json: unknown) {
  const r = parseScenario(json);
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.scenario;
}

describe("Simulation.clone", () => {
  for (const flow of flows) {
    it(`${flow.id}: a clone at every third step replays the rest identically`, () => {
      const s = scenarioOf(flow.scenario);
      const reference = new Simulation(s);
      while (!reference.done) reference.step();
      const expected = reference.steps.map((st) => JSON.stringify(st));
      const sim = new Simulation(s);
      while (!sim.done) {
        if (sim.steps.length % 3 === 0) {
          const copy = sim.clone();
          const at = sim.steps.length;
          while (!copy.done) copy.step();
          expect(copy.steps.map((st) => JSON.stringify(st))).toEqual(expected);
          expect(sim.steps.length).toBe(at);
        }
        sim.step();
      }
      expect(sim.steps.map((st) => JSON.stringify(st))).toEqual(expected);
      expect(JSON.stringify(sim.trace().final)).toBe(JSON.stringify(reference.trace().final));
      // The real-size flow replays 65,536 enclave entries a few times over.
    }, 120_000);
  }
});
