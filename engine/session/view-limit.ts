// The explorer's views hold one entry per EPC page (typed-array columns the worker transfers), so
// it opens EPCs up to LIMITS.maxViewEpcPages; larger ones (up to LIMITS.maxEpcPages) run in the
// CLI, whose memory follows the pages in use (engine/scenario/LIMITS.md).

import { LIMITS } from "../scenario/limits.ts";
import type { Scenario } from "../scenario/types.ts";

/** Why the explorer will not open this scenario, or undefined when it will. */
export function viewRefusal(s: Scenario): string | undefined {
  const n = s.machine.epcPages;
  if (n <= LIMITS.maxViewEpcPages) return undefined;
  return `machine.epcPages: the explorer shows an EPC of up to ${LIMITS.maxViewEpcPages} pages (16 GiB), this scenario has ${n}; run it with npm run sim (up to ${LIMITS.maxEpcPages} pages).`;
}
