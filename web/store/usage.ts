// EPC usage of the loaded run (pages by kind and pages evicted, after every step), as the engine
// counted it. Follows the explorer store: each newly loaded run (a new `info`) is asked for once.
// The UI never counts EPC pages itself.
import { create } from "zustand";
import type { EpcUsage, RunInfo } from "../engine/client.ts";
import { engine } from "../engine/client.ts";
import { EngineFailure } from "../engine/watchdog.ts";
import { useExplorer } from "./explorer.ts";

export interface UsageState {
  /** The counts, and the run they belong to (compare with the explorer's `info`). */
  usage: EpcUsage | null;
  forInfo: RunInfo | null;
}

export const useEpcUsage = create<UsageState>(() => ({ usage: null, forInfo: null }));

let seq = 0;

async function fetchUsage(info: RunInfo | null): Promise<void> {
  const mine = ++seq;
  if (!info) return useEpcUsage.setState({ usage: null, forInfo: null });
  let usage: EpcUsage;
  try {
    usage = await engine().epcUsage();
  } catch (e) {
    // A replaced worker replays the run: the new `info` asks again.
    if (e instanceof EngineFailure || /no scenario is loaded/.test(String(e))) return;
    throw e;
  }
  if (mine !== seq || useExplorer.getState().info !== info) return;
  // A usage that does not fit this run (another load finished meanwhile) waits for the next `info`.
  if (usage.evicted.length !== info.steps.length + 1) return;
  useEpcUsage.setState({ usage, forInfo: info });
}

let following = 0;
let unsubscribe: (() => void) | null = null;

/** Keep the usage in step with the loaded run while a view shows it. Returns the stop function. */
export function followEpcUsage(): () => void {
  if (following++ === 0) {
    const info = useExplorer.getState().info;
    if (info !== useEpcUsage.getState().forInfo) void fetchUsage(info);
    unsubscribe = useExplorer.subscribe((s, prev) => {
      if (s.info !== prev.info) void fetchUsage(s.info);
    });
  }
  return () => {
    if (--following === 0) {
      unsubscribe?.();
      unsubscribe = null;
    }
  };
}
