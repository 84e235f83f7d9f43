// "What changed" at a position, as the engine answers it (Session.changes): for a whole step,
// everything the step changed from the state it found; inside a step, what the current event
// changed from the state that event found. The explorer store asks for it with each view.
import { type EpcmChanges, engine } from "../engine/client.ts";

/** Rows asked for with each view; the narration asks for more on request. */
export const CHANGES_SHOWN = 12;
/** Rows one "show more" adds. */
export const CHANGES_MORE = 500;

/** The changes the narration shows at (`step`, `event`): the first `limit` of them and their count. */
export function changesAt(step: number, event: number | null, limit = CHANGES_SHOWN): Promise<EpcmChanges> {
  return engine().changes(step, event, event === null ? "step" : "event", limit);
}
