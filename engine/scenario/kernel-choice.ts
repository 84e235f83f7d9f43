// machine.kernel and machine.mutate (docs/scenario-format.md, Kernel versions and what-ifs):
// an unknown version or mutation name is a validation error that lists the accepted ones.

import {
  isKernelVersion,
  isMutation,
  KERNEL_VERSIONS,
  MUTATION_NAMES,
  type Mutation,
} from "../kernel/versions.ts";
import { describeValue } from "./numbers.ts";
import type { Machine } from "./types.ts";
import { type Collector, get, type Obj } from "./validate.ts";

const list = (names: readonly string[]) => names.map((n) => JSON.stringify(n)).join(", ");

export function parseKernelChoice(c: Collector, value: Obj, machine: Machine): void {
  const kernel = get(value, "kernel");
  if (kernel !== undefined) {
    if (isKernelVersion(kernel)) machine.kernel = kernel;
    else
      c.add(
        "machine.kernel",
        `unknown kernel ${describeValue(kernel)}; expected one of ${list(KERNEL_VERSIONS)}`,
      );
  }
  const mutate = get(value, "mutate");
  if (mutate === undefined) return;
  if (!Array.isArray(mutate)) {
    c.add("machine.mutate", `expected a list of mutation names, got ${describeValue(mutate)}`);
    return;
  }
  const names: Mutation[] = [];
  mutate.forEach((m, i) => {
    if (!isMutation(m))
      c.add(
        `machine.mutate[${i}]`,
        `unknown mutation ${describeValue(m)}; expected one of ${list(MUTATION_NAMES)}`,
      );
    else if (names.includes(m)) c.add(`machine.mutate[${i}]`, `${JSON.stringify(m)} is listed twice`);
    else names.push(m);
  });
  machine.mutate = names;
}
