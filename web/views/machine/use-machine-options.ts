// The kernel versions and what-if mutations the engine offers, for the pickers and the version
// diff: null until the engine answers; `failed` says why it did not.
import { useEffect, useState } from "react";
import type { MachineOptions } from "../../engine/client.ts";
import { machineOptions } from "../../store/engine-queries.ts";

export function useMachineOptions(): { options: MachineOptions | null; failed: string | null } {
  const [options, setOptions] = useState<MachineOptions | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    machineOptions()
      .then((o) => {
        if (!cancelled) setOptions(o);
      })
      .catch((e: unknown) => {
        if (!cancelled) setFailed(`The kernel versions cannot be listed: ${(e as Error).message}`);
      });
    return () => {
      cancelled = true;
    };
  }, []);
  return { options, failed };
}
