// "Explore interleavings" in the explorer: `--explore` (docs/scenario-format.md, Command line;
// scenario/explore.ts) for one race step of a scenario, with the kernel/mutation pickers' choice
// applied, answering a message instead of throwing when the input cannot be explored.

import { EXPLORE_BOUND, type ExploreReport, exploreRace } from "../scenario/explore.ts";
import { parseScenario } from "../scenario/parse.ts";
import { applyMachineChoice, type MachineChoice } from "./machine-choice.ts";

export type { ExploreOutcome, ExploreReport, OutcomeFacts } from "../scenario/explore.ts";

export type ExploreResult =
  | {
      ok: true;
      report: ExploreReport;
      /** When the bound cut the search: a larger bound the caller may ask for (absent at the largest). */
      further?: number;
    }
  | { ok: false; errors: string[] };

/** The largest bound a caller may ask for (ten times the CLI's): each run replays the scenario. */
export const EXPLORE_MAX_BOUND = EXPLORE_BOUND * 10;

/** The interleavings of the race at `steps[index]` of `input` (with `machine` applied). */
export function exploreStep(
  input: unknown,
  machine: MachineChoice | undefined,
  index: number,
  bound: number = EXPLORE_BOUND,
): ExploreResult {
  if (!Number.isInteger(bound) || bound < 1 || bound > EXPLORE_MAX_BOUND)
    return {
      ok: false,
      errors: [`The bound must be a whole number of runs from 1 to ${EXPLORE_MAX_BOUND}.`],
    };
  const parsed = parseScenario(applyMachineChoice(input, machine));
  if (!parsed.ok) return parsed;
  const { steps } = parsed.scenario;
  if (!Number.isInteger(index) || index < 0 || index >= steps.length)
    return {
      ok: false,
      errors: [`There is no steps[${index}] to explore: the scenario has ${steps.length} steps.`],
    };
  const op = steps[index].op;
  if (op !== "race")
    return {
      ok: false,
      errors: [`steps[${index}] (op "${op}") is not a race: only a race's interleavings can be explored.`],
    };
  // A run that stops before the race (an error or an oops earlier) completes no interleaving:
  // the report then counts none.
  const report = exploreRace(parsed.scenario, index, bound);
  const further = Math.min(bound * 10, EXPLORE_MAX_BOUND);
  return report.cut && further > bound ? { ok: true, report, further } : { ok: true, report };
}
