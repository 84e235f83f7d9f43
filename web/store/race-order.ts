// "Load this order" of Explore interleavings: the scenario with one race step's `order`
// replaced (docs/scenario-format.md, Races: explicit interleavings). Everything else is kept as
// it was, key order included, so the editor's text changes only where `order` is.

export type WithOrder = { ok: true; scenario: Record<string, unknown> } | { ok: false; message: string };

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/** `step` with `order` set: in its place when it has one, else right after `steps`. */
function withOrder(step: Raw, order: number[]): Raw {
  if ("order" in step) return { ...step, order: [...order] };
  const out: Raw = {};
  for (const [k, v] of Object.entries(step)) {
    out[k] = v;
    if (k === "steps") out.order = [...order];
  }
  if (!("order" in out)) out.order = [...order];
  return out;
}

/** `scenario` with `order` as the order of the race at `steps[index]`. */
export function withRaceOrder(scenario: unknown, index: number, order: number[]): WithOrder {
  if (!isObject(scenario) || !Array.isArray(scenario.steps))
    return { ok: false, message: "The scenario has no list of steps to change." };
  const steps = scenario.steps as unknown[];
  const step = steps[index];
  if (!Number.isInteger(index) || !isObject(step) || step.op !== "race")
    return {
      ok: false,
      message: `steps[${index}] is not a race step of this scenario: its order cannot be set.`,
    };
  if (!order.every((i) => Number.isInteger(i) && i >= 0))
    return {
      ok: false,
      message: `An order lists step indexes (whole numbers from 0), got [${order.join(", ")}].`,
    };
  const next = steps.slice();
  next[index] = withOrder(step, order);
  return { ok: true, scenario: { ...scenario, steps: next } };
}
