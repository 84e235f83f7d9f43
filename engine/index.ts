// The engine's public face: validate a scenario, run it, and the built-in flows. Pure and
// deterministic: the same input gives the same trace in Node (tests, CLI) and in the Worker.

import { parseScenario } from "./scenario/parse.ts";
import { runScenario } from "./scenario/run.ts";
import type { Trace } from "./scenario/trace-types.ts";

export type { Basis } from "./arch/events.ts";
export { toSelftest } from "./export/selftest.ts";
export type { BuiltInFlow } from "./flows/index.ts";
export { findFlow, flows } from "./flows/index.ts";
export { parseScenario } from "./scenario/parse.ts";
export { runScenario, ScenarioError, Simulation } from "./scenario/run.ts";
export type { EpcmEntryJson, KernelPageJson, Trace, TraceEvent, TraceStep } from "./scenario/trace-types.ts";
export type { Scenario } from "./scenario/types.ts";

export type SimulateResult = { ok: true; trace: Trace; unmet: string[] } | { ok: false; errors: string[] };

/** Validate and run a scenario (a parsed JSON value or JSON text). Never throws for bad input. */
export function simulate(input: unknown): SimulateResult {
  const parsed = parseScenario(input);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const { trace, unmet, error } = runScenario(parsed.scenario);
  // A step that misuses a CPU stops the run, as a validation error does (contract, "Threads").
  if (error !== undefined) return { ok: false, errors: [error] };
  return { ok: true, trace, unmet };
}
