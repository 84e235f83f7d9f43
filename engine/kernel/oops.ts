// A kernel oops (docs/scenario-format.md, Kernel bugs that crash): where the chosen version
// has a bug that dereferences a NULL pointer, the kernel dies on that step. The model throws
// KernelOops from the function that crashes; the runner records it on the step and ends the run.

import type { KernelSource } from "../arch/events.ts";
import type { Kernel } from "./kernel.ts";

export class KernelOops extends Error {
  constructor(
    /** The kernel function the oops names (its RIP). */
    readonly fn: string,
    /** The first line the kernel prints. */
    readonly text: string,
  ) {
    super(`${fn}: ${text}`);
    this.name = "KernelOops";
  }
}

/** Record the oops as the step's last kernel event and stop: nothing after it runs. */
export function oops(k: Kernel, fn: string, text: string, why: string, source: KernelSource): never {
  k.ev("kernel", `Kernel oops in ${fn}(): ${text}. ${why}`, source);
  throw new KernelOops(fn, text);
}
