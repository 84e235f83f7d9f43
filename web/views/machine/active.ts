// The kernel and mutations a run used, as the engine reported them (RunInfo.machine): the
// scenario's own values or the pickers' choice, the default version when neither names one.
import type { RunInfo } from "../../engine/client.ts";

/** docs/scenario-format.md, Kernel versions and what-ifs: `machine.kernel` defaults to v6.0. */
export const DEFAULT_KERNEL_NAME = "v6.0";

export function activeMachine(info: RunInfo | null): { kernel: string; mutate: string[] } {
  return { kernel: info?.machine.kernel ?? DEFAULT_KERNEL_NAME, mutate: info?.machine.mutate ?? [] };
}

/** "Kernel v6.6 with the what-if mutations no-ipi, no-etrack", or null for the plain default. */
export function machineSummary(info: RunInfo | null): string | null {
  if (!info) return null;
  const { kernel, mutate } = activeMachine(info);
  if (kernel === DEFAULT_KERNEL_NAME && mutate.length === 0) return null;
  const what =
    mutate.length === 0
      ? ""
      : ` with the what-if mutation${mutate.length === 1 ? "" : "s"} ${mutate.join(", ")}`;
  return `Kernel ${kernel}${what}`;
}
