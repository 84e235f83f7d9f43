// The explorer's kernel and mutation pickers (docs/scenario-format.md, Kernel versions and
// what-ifs): a choice replaces `machine.kernel` / `machine.mutate` of the scenario it is applied
// to; fields the choice leaves out keep the scenario's own values. Names are checked by the
// scenario's validation (an unknown one is a validation error that lists the accepted ones).

import {
  KERNEL_VERSIONS,
  type KernelVersion,
  MUTATIONS,
  type Mutation,
  VERSION_CHANGES,
} from "../kernel/versions.ts";
import { withMachine } from "./whatif.ts";

export interface MachineChoice {
  kernel?: string;
  mutate?: string[];
}

export interface MachineOption {
  id: string;
  /** What the version adds or the mutation removes, one sentence. */
  text: string;
}

export interface MachineOptions {
  kernels: MachineOption[];
  mutations: MachineOption[];
}

/** The versions and mutations a picker offers, oldest version first. */
export function machineOptions(): MachineOptions {
  return {
    kernels: KERNEL_VERSIONS.map((id) => ({ id, text: VERSION_CHANGES[id] })),
    mutations: Object.entries(MUTATIONS).map(([id, text]) => ({ id, text })),
  };
}

/** `input` with the choice applied; anything that is not a scenario object is left to validation. */
export function applyMachineChoice(input: unknown, choice: MachineChoice | undefined): unknown {
  if (!choice || (choice.kernel === undefined && choice.mutate === undefined)) return input;
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const fields: { kernel?: KernelVersion; mutate?: Mutation[] } = {};
  // Unchecked here on purpose: parseScenario names a bad value (kernel-choice.ts).
  if (choice.kernel !== undefined) fields.kernel = choice.kernel as KernelVersion;
  if (choice.mutate !== undefined) fields.mutate = choice.mutate as Mutation[];
  return withMachine(input as Record<string, unknown>, fields);
}
