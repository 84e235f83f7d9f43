// Property tests: random scenarios (the selftests' standard build, then random driver calls and
// enclave calls) must run without throwing, keep every invariant of invariants.ts after every
// step, and give the same trace every time. The seed is fixed so that CI is reproducible;
// PROPERTY_SEED and PROPERTY_RUNS override it for longer local runs. On a failure fast-check
// prints the seed and the shrunk counterexample, and the message names the step and the
// invariant.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { flows } from "../flows/index.ts";
import { standardBuild } from "../flows/standard-build.ts";
import { scenarioArb as fuzzScenarioArb } from "../fuzz/commands.ts";
import { simulate } from "../index.ts";
import { checkInvariants } from "./invariants.ts";
import { parseScenario } from "./parse.ts";
import { opJson, ScenarioError, Simulation } from "./run.ts";

type Raw = Record<string, unknown>;

const SEED = Number(process.env.PROPERTY_SEED ?? 0x5eed);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

// The scenario generator is shared with the model-based fuzzer (engine/fuzz/commands.ts): the
// standard build, random steps of every kind, fragments of the selftest flows, a second enclave.
const scenarioArb = fuzzScenarioArb();

function runChecked(raw: Raw): Simulation {
  const parsed = parseScenario(raw);
  if (!parsed.ok) throw new Error(`generated scenario rejected:\n${parsed.errors.join("\n")}`);
  const sim = new Simulation(parsed.scenario);
  const initial = checkInvariants(sim);
  if (initial.length > 0) throw new Error(`invariants broken before any step:\n${initial.join("\n")}`);
  while (!sim.done) {
    const i = sim.steps.length;
    const step = parsed.scenario.steps[i];
    const label = `steps[${i}] ${JSON.stringify({ enclave: step.enclave, ...opJson(step) })}`;
    try {
      sim.step();
    } catch (e) {
      // A step that misuses a CPU stops the run (contract, "Threads"): an outcome, not a crash.
      if (e instanceof ScenarioError) break;
      throw new Error(`${label} threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    const broken = checkInvariants(sim);
    if (broken.length > 0) throw new Error(`after ${label}:\n${broken.join("\n")}`);
  }
  return sim;
}

describe("property: random scenarios", () => {
  it("run, keep every invariant after every step, and trace deterministically", () => {
    let runs = 0;
    let steps = 0;
    const started = performance.now();
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // (b) Every invariant after every step (this run also does not throw).
        const sim = runChecked(scenario);
        steps += sim.steps.length;
        // (a) simulate() accepts the scenario and never throws; (c) it gives the same trace,
        // byte for byte, as the step-by-step run.
        const b = simulate(scenario);
        if (!b.ok && sim.error !== undefined && b.errors[0] === sim.error) {
          runs++;
          return;
        }
        if (!b.ok) throw new Error(`simulate() rejected it:\n${b.errors.join("\n")}`);
        const ja = JSON.stringify(sim.trace());
        const jb = JSON.stringify(b.trace);
        if (ja !== jb)
          throw new Error(
            `two runs gave different traces (first difference at character ${firstDiff(ja, jb)})`,
          );
        runs++;
      }),
      { seed: SEED, numRuns: RUNS, verbose: 1 },
    );
    const ms = performance.now() - started;
    console.log(`property: ${runs} scenarios, ${steps} steps checked in ${ms.toFixed(0)} ms (seed ${SEED})`);
    expect(runs).toBe(RUNS);
  }, 60_000);
});

function firstDiff(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

describe("checkInvariants", () => {
  function builtSimulation(): Simulation {
    const parsed = parseScenario({ format: "epcm-scenario/1", title: "build", steps: standardBuild() });
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const sim = new Simulation(parsed.scenario);
    while (!sim.done) sim.step();
    return sim;
  }

  it("holds after the standard build", () => {
    expect(checkInvariants(builtSimulation())).toEqual([]);
  });

  it("detects a corrupted SECS child count", () => {
    const sim = builtSimulation();
    const encl = sim.kernel.enclaves[0];
    const secs = sim.kernel.cpu.epc.secs.get(encl.secsEpc);
    if (!secs) throw new Error("no SECS");
    secs.childCount++;
    const broken = checkInvariants(sim);
    expect(broken.some((m) => m.startsWith("[3]"))).toBe(true);
  });

  it("detects a page the kernel thinks resident but the EPCM does not hold", () => {
    const sim = builtSimulation();
    const page = sim.kernel.enclaves[0].pages.get(5);
    if (!page) throw new Error("no page at 0x5000");
    sim.kernel.cpu.epc.flags[page.epc] = 0; // VALID cleared behind the kernel's back
    const broken = checkInvariants(sim);
    expect(broken.some((m) => m.startsWith("[2]"))).toBe(true);
    expect(broken.some((m) => m.startsWith("[3]"))).toBe(true);
  });

  it("holds after every step of every built-in flow", () => {
    for (const flow of flows) {
      const parsed = parseScenario(flow.scenario);
      if (!parsed.ok) throw new Error(`${flow.id}: ${parsed.errors.join("\n")}`);
      const sim = new Simulation(parsed.scenario);
      while (!sim.done) {
        const i = sim.steps.length;
        sim.step();
        // An oops leaves the state mid-function; nothing runs after it (Kernel bugs that crash).
        if (sim.oopsAt !== undefined) break;
        expect(checkInvariants(sim), `${flow.id} steps[${i}]`).toEqual([]);
      }
    }
  });
});
