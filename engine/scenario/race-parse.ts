// Validation of a `race` step (docs/scenario-format.md, Races: explicit interleavings): the
// listed steps, each on its own CPU, and the order in which they run to their lock boundaries.

import { describeValue } from "./numbers.ts";
import type { Step } from "./types.ts";
import { type Collector, child, get, type Obj } from "./validate.ts";

/**
 * The ops a race can interleave: user space touching its mapping, ioctls, and enclave entries
 * whose faults reach the same fault path (kernel/locks.ts).
 */
export const RACE_OPS = ["access", "ioctl", "EENTER", "ERESUME"] as const;
/** At most this many participants, and this many `order` entries. */
export const MAX_RACE_STEPS = 8;
export const MAX_RACE_ORDER = 1000;

export function parseRace(
  c: Collector,
  raw: Obj,
  path: string,
  parseStep: (c: Collector, raw: unknown, path: string) => Step | undefined,
): { op: "race"; steps: Step[]; order: number[] } | undefined {
  const stepsValue = get(raw, "steps");
  const stepsPath = child(path, "steps");
  const steps: Step[] = [];
  let ok = true;
  if (stepsValue === undefined) {
    c.add(stepsPath, "required field is missing (the steps that race, at least 2)");
    return undefined;
  }
  if (!Array.isArray(stepsValue) || stepsValue.length < 2 || stepsValue.length > MAX_RACE_STEPS) {
    c.add(stepsPath, `expected an array of 2 to ${MAX_RACE_STEPS} steps, got ${describeValue(stepsValue)}`);
    return undefined;
  }
  const cpuOf = new Map<number, number>();
  const tcsOf = new Map<string, number>();
  stepsValue.forEach((s, i) => {
    const p = child(stepsPath, i);
    const step = parseStep(c, s, p);
    if (!step) {
      ok = false;
      return;
    }
    if (!(RACE_OPS as readonly string[]).includes(step.op)) {
      c.add(
        child(p, "op"),
        `a race interleaves only ${RACE_OPS.join(", ")} steps (their kernel paths yield at lock boundaries), not ${step.op}`,
      );
      ok = false;
      return;
    }
    if (step.op === "EENTER" || step.op === "ERESUME") {
      // One entry per listed step, and the thread leaves: a race step's outcome is one report.
      if (step.op === "EENTER" && step.pages !== undefined && step.pages !== 1) {
        c.add(child(p, "pages"), "an enclave entry in a race runs once: pages is not allowed here");
        ok = false;
      }
      if (step.stay === true) {
        c.add(child(p, "stay"), "an enclave entry in a race leaves the enclave: stay is not allowed here");
        ok = false;
      }
      const tcsKey = `${step.enclave}@${step.tcs}`;
      const first = tcsOf.get(tcsKey);
      if (first !== undefined) {
        c.add(
          child(p, "tcs"),
          `TCS 0x${step.tcs.toString(16)} of ${step.enclave} is already entered by ${child(stepsPath, first)}: each enclave entry of a race uses its own TCS`,
        );
        ok = false;
      }
      tcsOf.set(tcsKey, i);
    }
    const cpu = step.cpu ?? 0;
    const other = cpuOf.get(cpu);
    if (other !== undefined) {
      c.add(
        child(p, "cpu"),
        `CPU ${cpu}${step.cpu === undefined ? " (the default)" : ""} already runs ${child(stepsPath, other)}: each step of a race runs on its own CPU`,
      );
      ok = false;
    }
    cpuOf.set(cpu, i);
    steps.push(step);
  });
  const orderValue = get(raw, "order");
  const order: number[] = [];
  if (orderValue !== undefined) {
    const orderPath = child(path, "order");
    if (!Array.isArray(orderValue) || orderValue.length > MAX_RACE_ORDER) {
      c.add(
        orderPath,
        `expected an array of at most ${MAX_RACE_ORDER} step indexes, got ${describeValue(orderValue)}`,
      );
      return undefined;
    }
    orderValue.forEach((v, i) => {
      if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v < stepsValue.length) order.push(v);
      else {
        c.add(
          child(orderPath, i),
          `expected the index of one of the race's steps (0 to ${stepsValue.length - 1}), got ${describeValue(v)}`,
        );
        ok = false;
      }
    });
  }
  return ok ? { op: "race", steps, order } : undefined;
}
