// "Explore interleavings" of a race step: the engine enumerates the orders of the race at one
// scenario step of what is loaded (with the pickers' kernel and mutations) and groups them by
// outcome. It runs in a spare worker (web/engine/client.ts, spareEngineTask), so stepping stays
// answered meanwhile and Cancel stops only the exploration. "Load this order" sets that race's
// `order` in the scenario and loads it through the explorer's ordinary path (loadScenario), so
// the editor, the share link and the editor's undo all see the change.
import { create } from "zustand";
import { type ExploreReport, type ExploreResult, type SpareTask, spareEngineTask } from "../engine/client.ts";
import { flowScenario } from "./engine-queries.ts";
import { type Source, useExplorer } from "./explorer.ts";
import { withRaceOrder } from "./race-order.ts";

export interface Exploration {
  /** What was explored: the race at scenario step `index` of `source`. */
  source: Source;
  index: number;
  /** Date.now() when it started, while it runs; null once answered. */
  since: number | null;
  report: ExploreReport | null;
  /** When the bound cut the search: the larger bound "Explore further" asks for. */
  further: number | null;
  /** Why it could not be explored, or why an order could not be loaded. */
  errors: string[] | null;
}

export interface ExploreState {
  current: Exploration | null;
  /** Explore the race at scenario step `index` of what is loaded (with the engine's bound, or `bound`). */
  explore(index: number, bound?: number): Promise<void>;
  cancel(): void;
  loadOrder(index: number, order: number[]): Promise<void>;
}

let task: SpareTask<unknown> | null = null;
/** The exploration "Load this order" keeps for the scenario it loads (the outcomes stay the same). */
let carried: Exploration | null = null;

/** The exploration of the race at `index` of what is loaded now, if there is one. */
export function explorationAt(s: ExploreState, source: Source | null, index: number): Exploration | null {
  const c = s.current;
  return c && source && c.source === source && c.index === index ? c : null;
}

export const useExplore = create<ExploreState>((set, get) => {
  /** Updates the exploration if it is still the one shown. */
  const update = (mine: Exploration, fields: Partial<Exploration>) => {
    if (get().current === mine) set({ current: { ...mine, ...fields } });
  };

  return {
    current: null,

    async explore(index, bound) {
      const { source } = useExplorer.getState();
      if (!source) return;
      task?.cancel();
      const src = source.kind === "flow" ? { flow: source.id } : { scenario: source.scenario };
      const mine: Exploration = {
        source,
        index,
        since: Date.now(),
        report: null,
        further: null,
        errors: null,
      };
      set({ current: mine });
      const t = spareEngineTask<ExploreResult>((api) => api.exploreRace(src, source.machine, index, bound));
      task = t;
      try {
        const r = await t.result;
        if (r === null) update(mine, { since: null, errors: ["The exploration was cancelled."] });
        else if (r.ok) update(mine, { since: null, report: r.report, further: r.further ?? null });
        else update(mine, { since: null, errors: r.errors });
      } catch (e) {
        update(mine, { since: null, errors: [`The engine could not explore it: ${(e as Error).message}`] });
      } finally {
        if (task === t) task = null;
      }
    },

    cancel() {
      task?.cancel();
    },

    async loadOrder(index, order) {
      const explorer = useExplorer.getState();
      const { source } = explorer;
      const mine = get().current;
      if (!source || !mine || mine.since !== null) return;
      let scenario: unknown;
      let name: string;
      if (source.kind === "custom") {
        scenario = source.scenario;
        name = source.name;
      } else {
        try {
          scenario = await flowScenario(source.id);
        } catch (e) {
          return update(mine, { errors: [`The flow's scenario could not be read: ${(e as Error).message}`] });
        }
        const title = (scenario as { title?: unknown } | undefined)?.title;
        name = typeof title === "string" ? title : source.id;
      }
      // Another scenario may have been loaded while the flow's was read.
      if (get().current !== mine || useExplorer.getState().source !== source) return;
      const r = withRaceOrder(scenario, index, order);
      if (!r.ok) return update(mine, { errors: [r.message] });
      carried = mine;
      let loading: Promise<void>;
      try {
        loading = explorer.loadScenario(r.scenario, name, index + 1, source.machine);
      } finally {
        carried = null;
      }
      // The outcomes do not depend on the order chosen: they stay shown for the new scenario.
      const next = useExplorer.getState().source;
      if (get().current === mine && next) set({ current: { ...mine, source: next, errors: null } });
      await loading;
    },
  };
});

// An exploration belongs to the run it was made for: another scenario, kernel or mutation
// stops it and takes its outcomes away (except the scenario "Load this order" loads).
useExplorer.subscribe((s, prev) => {
  const c = useExplore.getState().current;
  if (s.source === prev.source || !c || c === carried) return;
  if (c.since !== null) task?.cancel();
  useExplore.setState({ current: null });
});
