// The questions views ask the engine apart from the explorer's position: scenario validation,
// the built-in flows, Predict's question and answer, the text log and the selftest export.
// Views call these, never the worker client, so web/store stays their one way to the engine
// (the position, the view and "What changed" are the explorer store's: explorer.ts).
import { engine } from "../engine/client.ts";

/** Validation messages for a scenario (JSON text or a parsed value); [] when it is valid. */
export const validateScenario = (input: unknown) => engine().validate(input);

/** The built-in flows, without their scenarios. */
export const listFlows = () => engine().listFlows();

/** A built-in flow's scenario JSON (for the editor). */
export const flowScenario = (id: string) => engine().flowScenario(id);

/** Predict mode's question for step `step` of the loaded run. */
export const stepQuestion = (step: number) => engine().question(step);

/** What step `step` of the loaded run did (Predict mode's answer). */
export const stepOutcome = (step: number) => engine().outcome(step);

/** The loaded run's plain-text step log and final EPCM table. */
export const textLog = () => engine().text();

/** The loaded run as a kernel selftest TEST_F, or why it cannot be one. */
export const selftestExport = (name?: string) => engine().selftest(name);

/** The kernel versions and what-if mutations the pickers offer (asked once, then kept). */
let options: ReturnType<ReturnType<typeof engine>["machineOptions"]> | undefined;
export function machineOptions() {
  options ??= engine()
    .machineOptions()
    .catch((e: unknown) => {
      options = undefined;
      throw e;
    });
  return options;
}
