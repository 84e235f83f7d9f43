// The Reviewer tab's what-ifs: the what-if matrix (every built-in flow under every mutation) and
// the version diff of what is loaded. Each runs in a spare worker (web/engine/client.ts,
// spareEngineTask) so the explorer keeps answering and Cancel stops only the analysis.
import * as Comlink from "comlink";
import { create } from "zustand";
import {
  type SpareTask,
  spareEngineTask,
  type VersionDiffResult,
  type WhatIfMatrix,
} from "../engine/client.ts";
import { type Source, useExplorer } from "./explorer.ts";

export interface WhatIfState {
  matrix: WhatIfMatrix | null;
  /** Flows done while the matrix is computed, or null. */
  matrixProgress: { done: number; total: number } | null;
  matrixError: string | null;
  /** The version diff of what is loaded, with the versions compared. */
  diff: VersionDiffResult | null;
  diffBusy: boolean;
  runMatrix(): Promise<void>;
  cancelMatrix(): void;
  runDiff(a: string, b: string): Promise<void>;
  cancelDiff(): void;
}

let matrixTask: SpareTask<WhatIfMatrix> | null = null;
let diffTask: SpareTask<VersionDiffResult> | null = null;

export const useWhatIf = create<WhatIfState>((set) => ({
  matrix: null,
  matrixProgress: null,
  matrixError: null,
  diff: null,
  diffBusy: false,

  async runMatrix() {
    matrixTask?.cancel();
    set({ matrixProgress: { done: 0, total: 0 }, matrixError: null });
    let task: SpareTask<WhatIfMatrix> | null = null;
    task = spareEngineTask((api) =>
      api.whatIfMatrix(
        Comlink.proxy((done: number, total: number) => {
          if (task === null || matrixTask === task) set({ matrixProgress: { done, total } });
        }),
      ),
    );
    matrixTask = task;
    try {
      const matrix = await task.result;
      if (matrixTask !== task) return;
      set(matrix ? { matrix, matrixProgress: null } : { matrixProgress: null });
    } catch (e) {
      if (matrixTask === task) set({ matrixProgress: null, matrixError: (e as Error).message });
    } finally {
      if (matrixTask === task) matrixTask = null;
    }
  },

  cancelMatrix() {
    matrixTask?.cancel();
  },

  async runDiff(a, b) {
    const source = useExplorer.getState().source;
    if (!source) return;
    diffTask?.cancel();
    const src = source.kind === "flow" ? { flow: source.id } : { scenario: source.scenario };
    const task = spareEngineTask<VersionDiffResult>((api) => api.versionDiff(src, source.machine, a, b));
    diffTask = task;
    set({ diffBusy: true, diff: null });
    try {
      const diff = await task.result;
      if (diffTask === task) set({ diff, diffBusy: false });
    } catch (e) {
      if (diffTask === task) set({ diffBusy: false, diff: { ok: false, errors: [(e as Error).message] } });
    } finally {
      if (diffTask === task) diffTask = null;
    }
  },

  cancelDiff() {
    diffTask?.cancel();
  },
}));

/** The same scenario with the same mutations (the kernel does not matter: the diff sets it). */
function sameDiffInput(a: Source | null, b: Source | null): boolean {
  if (!a || !b || a.kind !== b.kind) return a === b;
  const same =
    a.kind === "flow" ? b.kind === "flow" && a.id === b.id : b.kind === "custom" && a.scenario === b.scenario;
  return same && JSON.stringify(a.machine?.mutate) === JSON.stringify(b.machine?.mutate);
}

// A diff belongs to the scenario it was made for.
useExplorer.subscribe((s, prev) => {
  if (!sameDiffInput(s.source, prev.source) && useWhatIf.getState().diff) useWhatIf.setState({ diff: null });
});
