// The explorer's one store (zustand): what is loaded, where the user is (step, event), what is
// selected, and view options. It talks to the engine only through the worker client; views read
// the store and render what the engine reported, never computing EPCM state themselves.

import * as Comlink from "comlink";
import { create } from "zustand";
import type {
  EpcmChanges,
  LoadSource,
  MachineChoice,
  PageDetail,
  ReplayProgress,
  RunInfo,
  StateView,
} from "../engine/client.ts";
import { engine, engineAlive, onEngineFailure, restartEngine } from "../engine/client.ts";
import { EngineFailure } from "../engine/watchdog.ts";
import { CHANGES_MORE, changesAt } from "./changes.ts";

export type Theme = "system" | "light" | "dark";

/** What is loaded; `machine` is the kernel/mutation pickers' choice, applied by the engine. */
export type Source = ({ kind: "flow"; id: string } | { kind: "custom"; scenario: unknown; name: string }) & {
  machine?: MachineChoice;
};

export type Selection =
  | { kind: "page"; enclave: string; offset: number }
  | { kind: "epc"; epc: number }
  | null;

export interface LoadProgress {
  stepsDone: number;
  stepsTotal: number;
  entries?: [number, number];
}

/**
 * A seek that re-runs steps to reach its step (reported after 100 ms, then every 100 ms): the
 * worker's replay progress, and the step (and event) being reached.
 */
export interface SeekProgress extends ReplayProgress {
  to: { step: number; event: number | null };
}

export interface ExplorerState {
  source: Source | null;
  /** Set while a scenario runs in the worker. */
  loading: LoadProgress | null;
  /** Set while a seek re-runs steps in the worker (a long one: stepping back over a big step). */
  seeking: SeekProgress | null;
  /** Validation or load errors of the last load (shown with role="alert"). */
  errors: string[] | null;
  /** A message about the app itself (worker restarted, link not understood...). */
  notice: string | null;
  info: RunInfo | null;
  /** Steps completed: 0 (before the first step) .. info.steps.length. */
  step: number;
  /** Inside step `step` (1-based): the event shown, or null when not stepped into. */
  event: number | null;
  view: StateView | null;
  /** What the view's step (or event) changed, before and after, as the engine answered (first rows). */
  changes: EpcmChanges | null;
  playing: boolean;
  /** Play speed in steps per second. */
  speed: number;
  /** Index into info.enclaveNames of the enclave the enclave grid shows. */
  enclave: number;
  selection: Selection;
  detail: PageDetail | null;
  /** Show VMA/PTE permissions in the enclave view. */
  showPte: boolean;
  theme: Theme;

  loadFlow(id: string, step?: number, machine?: MachineChoice): Promise<void>;
  loadScenario(scenario: unknown, name: string, step?: number, machine?: MachineChoice): Promise<void>;
  /** Re-run what is loaded with this kernel/mutation choice, at the same step (or at `step`). */
  setMachine(machine: MachineChoice, step?: number): Promise<void>;
  cancelLoad(): void;
  /** Stop a long seek: what is shown stays, and the run is loaded again to it in a new worker. */
  cancelSeek(): void;
  seek(step: number, event?: number | null): Promise<void>;
  stepForward(): Promise<void>;
  stepBack(): Promise<void>;
  toStart(): Promise<void>;
  toEnd(): Promise<void>;
  /** Enter the current step's events (or step forward into the next step's first event). */
  eventForward(): Promise<void>;
  eventBack(): Promise<void>;
  stepOut(): Promise<void>;
  play(): void;
  pause(): void;
  setSpeed(stepsPerSecond: number): void;
  selectEnclave(index: number): void;
  select(selection: Selection): Promise<void>;
  setShowPte(on: boolean): void;
  setTheme(theme: Theme): void;
  setNotice(message: string | null): void;
  /** Ask the engine for more rows of `changes` (at the same position). */
  showMoreChanges(): Promise<void>;
}

let playTimer: ReturnType<typeof setTimeout> | undefined;
/** Each play() starts a new generation; a tick of an older one (paused meanwhile) stops. */
let playGen = 0;
/** Requests are numbered so a slow answer for an old position never overwrites a newer one. */
let seekSeq = 0;
/**
 * The position the latest seek asked for, until the engine answers: relative moves (step
 * forward, next event...) start from it, so three quick presses move three steps.
 */
let wanted: { step: number; event: number | null } | null = null;

function stepCount(s: ExplorerState): number {
  return s.info?.steps.length ?? 0;
}

function eventCount(s: ExplorerState, step: number): number {
  return step >= 1 ? (s.info?.steps[step - 1]?.events.length ?? 0) : 0;
}

/** Where the user is (or is about to be, while a seek is on its way). */
function position(s: ExplorerState): { step: number; event: number | null } {
  return wanted ?? { step: s.step, event: s.event };
}

export const useExplorer = create<ExplorerState>((set, get) => {
  /** Finishes the load in flight when it is cancelled. */
  let cancelCurrent: (() => void) | null = null;
  /** Finishes the seek in flight when it is cancelled. */
  let cancelSeeking: (() => void) | null = null;

  /** What was shown before the current load started (a cancelled load goes back to it). */
  let previous: { source: Source; step: number; event: number | null } | null = null;
  /** Where the load in flight will land (a replay after a worker failure goes there). */
  let loadTarget: { step: number; event: number | null } = { step: 0, event: null };
  /** When the worker failed lately: a scenario that kills the worker every time is not replayed forever. */
  let failures: number[] = [];

  // The worker threw, died or stopped answering (web/engine/watchdog.ts); the client has already
  // stopped it. Start a fresh one and replay the run to where the user was.
  onEngineFailure((message) => {
    const s = get();
    const now = Date.now();
    failures = failures.filter((t) => now - t < 60_000);
    failures.push(now);
    const at = s.loading ? loadTarget : position(s);
    wanted = null;
    if (!s.source) {
      set({ loading: null, notice: `The engine stopped (${message}) and was restarted.` });
      return;
    }
    if (failures.length > 2) {
      set({
        loading: null,
        playing: false,
        notice: `The engine stopped again (${message}): ${failures.length} times within a minute, so the explorer stopped replaying this scenario. What is shown stays as it was; choose a scenario or reload the page to try again.`,
      });
      return;
    }
    const where = at.event === null ? `step ${at.step}` : `step ${at.step}, event ${at.event + 1}`;
    set({ notice: `The engine stopped (${message}). It was restarted and the run replayed to ${where}.` });
    void load(s.source, at.step, at.event);
  });

  async function load(source: Source, step: number | undefined, event?: number | null): Promise<void> {
    get().pause();
    loadTarget = { step: step ?? 0, event: event ?? null };
    const shown = get();
    // Only what is on screen counts as "previous" (not a load still in flight).
    if (shown.info && shown.source && !shown.loading)
      previous = { source: shown.source, step: shown.step, event: shown.event };
    set({ source, loading: { stepsDone: 0, stepsTotal: 0 }, errors: null });
    const src: LoadSource = source.kind === "flow" ? { flow: source.id } : { scenario: source.scenario };
    try {
      // A cancelled load's worker is terminated and never answers: the race lets this call finish.
      const cancelled = new Promise<null>((resolve) => {
        cancelCurrent = () => resolve(null);
      });
      const result = await Promise.race([
        engine().load(
          src,
          Comlink.proxy((stepsDone: number, stepsTotal: number, entries?: [number, number]) => {
            engineAlive();
            if (get().loading && get().source === source)
              set({ loading: { stepsDone, stepsTotal, ...(entries ? { entries } : {}) } });
          }),
          source.machine,
        ),
        cancelled,
      ]);
      if (!result || get().source !== source) return; // cancelled, or another load started meanwhile
      if (!result.ok) {
        set({ loading: null, errors: result.errors });
        return;
      }
      const total = result.info.steps.length;
      set({
        loading: null,
        info: result.info,
        enclave: 0,
        selection: null,
        detail: null,
        step: 0,
        event: null,
      });
      await get().seek(Math.max(0, Math.min(step ?? 0, total)), event ?? null);
    } catch (e) {
      // A worker failure is handled (restart and replay) by the failure listener above.
      if (e instanceof EngineFailure || get().source !== source) return;
      set({ loading: null, errors: [`The engine failed: ${(e as Error).message}`] });
    }
  }

  async function refreshDetail(): Promise<void> {
    const { selection, step } = get();
    if (!selection) return set({ detail: null });
    let d: PageDetail;
    try {
      d =
        selection.kind === "page"
          ? await engine().pageDetail(step, selection.enclave, selection.offset)
          : await engine().epcDetail(step, selection.epc);
    } catch (e) {
      if (e instanceof EngineFailure) return; // replayed by the failure listener
      throw e;
    }
    if (get().selection === selection && get().step === step) set({ detail: d });
  }

  return {
    source: null,
    loading: null,
    seeking: null,
    errors: null,
    notice: null,
    info: null,
    step: 0,
    event: null,
    view: null,
    changes: null,
    playing: false,
    speed: 2,
    enclave: 0,
    selection: null,
    detail: null,
    showPte: false,
    theme: "system",

    loadFlow: (id, step, machine) => load({ kind: "flow", id, ...(machine ? { machine } : {}) }, step),
    loadScenario: (scenario, name, step, machine) =>
      load({ kind: "custom", scenario, name, ...(machine ? { machine } : {}) }, step),

    async setMachine(machine, step) {
      const { source } = get();
      if (!source) return;
      await load({ ...source, machine }, step ?? position(get()).step);
    },

    cancelLoad() {
      if (!get().loading) return;
      // A run in the worker cannot be interrupted: replace the worker, then show again what was
      // shown before (the new worker has to run it once more).
      restartEngine();
      cancelCurrent?.();
      const back = previous;
      set({ loading: null, info: null, view: null, notice: "The run was cancelled." });
      if (back) void load(back.source, back.step, back.event);
      else set({ source: null });
    },

    async seek(step, event = null) {
      const total = stepCount(get());
      const k = Math.max(0, Math.min(step, total));
      const ev =
        k >= 1 && event !== null
          ? Math.max(0, Math.min(event, (get().info?.steps[k - 1].events.length ?? 1) - 1))
          : null;
      const seq = ++seekSeq;
      wanted = { step: k, event: ev };
      // A seek that re-runs steps says how far it is (the worker reports after 100 ms).
      const onWorking = (p: ReplayProgress) => {
        engineAlive();
        if (seq === seekSeq) set({ seeking: { to: { step: k, event: ev }, ...p } });
      };
      // A cancelled seek's worker is terminated and never answers: the race lets this call finish.
      const cancelled = new Promise<null>((resolve) => {
        cancelSeeking = () => resolve(null);
      });
      let answer: [StateView, EpcmChanges] | null;
      try {
        answer = await Promise.race([
          Promise.all([engine().view(k, ev, Comlink.proxy(onWorking)), changesAt(k, ev)]),
          cancelled,
        ]);
      } catch (e) {
        if (e instanceof EngineFailure) return; // replayed by the failure listener
        throw e;
      } finally {
        if (seq === seekSeq) {
          wanted = null;
          cancelSeeking = null;
          if (get().seeking) set({ seeking: null });
        }
      }
      if (!answer || seq !== seekSeq) return;
      const [view, changes] = answer;
      set({ step: k, event: ev, view, changes });
      void refreshDetail();
    },

    cancelSeek() {
      const s = get();
      if (!s.seeking || !cancelSeeking) return;
      s.pause();
      // The replay in the worker cannot be interrupted: replace the worker; what is shown stays,
      // and the new worker runs the scenario again up to it (a load, with its own progress).
      restartEngine();
      cancelSeeking();
      ++seekSeq;
      wanted = null;
      cancelSeeking = null;
      set({
        seeking: null,
        notice: `Going to step ${s.seeking.to.step} was cancelled. The engine runs the scenario again up to step ${s.step}, where you are.`,
      });
      if (s.source) void load(s.source, s.step, s.event);
    },

    stepForward: () => get().seek(position(get()).step + 1),
    // Inside a step, "back" goes to before that step (the state the step started from).
    stepBack: () => get().seek(position(get()).step - 1),
    toStart: () => get().seek(0),
    toEnd: () => get().seek(stepCount(get())),

    async eventForward() {
      const s = get();
      if (!s.info) return;
      const { step, event } = position(s);
      const total = s.info.steps.length;
      // Not inside a step, or past the last event of this one: into the next step's first event.
      if (event === null || event + 1 >= eventCount(s, step)) {
        if (step >= total) return event === null ? undefined : get().seek(step, null);
        return get().seek(step + 1, 0);
      }
      return get().seek(step, event + 1);
    },

    async eventBack() {
      const s = get();
      const { step, event } = position(s);
      if (step < 1) return;
      // A complete step looks like its last event: one event back is the one before it.
      const current = event ?? eventCount(s, step) - 1;
      if (current > 0) return get().seek(step, current - 1);
      // Before the step's first event: the previous step, at its last event (or complete).
      const prev = step - 1;
      const n = eventCount(s, prev);
      return get().seek(prev, n > 0 ? n - 1 : null);
    },

    stepOut: () => get().seek(position(get()).step, null),

    play() {
      if (get().playing || !get().info) return;
      // At the end, play starts over; the first tick waits for the rewind to land.
      const rewind = position(get()).step >= stepCount(get()) ? get().seek(0) : Promise.resolve();
      set({ playing: true });
      const gen = ++playGen;
      const live = () => get().playing && gen === playGen;
      const tick = async () => {
        if (!live()) return;
        if (position(get()).step >= stepCount(get())) return set({ playing: false });
        await get().stepForward();
        if (live()) playTimer = setTimeout(tick, 1000 / get().speed);
      };
      void rewind.then(() => {
        if (live()) playTimer = setTimeout(tick, 1000 / get().speed);
      });
    },

    pause() {
      if (playTimer) clearTimeout(playTimer);
      playTimer = undefined;
      set({ playing: false });
    },

    setSpeed: (speed) => set({ speed: Math.max(0.25, Math.min(speed, 60)) }),
    selectEnclave: (index) => set({ enclave: index }),

    async select(selection) {
      set({ selection, detail: null });
      await refreshDetail();
    },

    setShowPte: (on) => set({ showPte: on }),
    setTheme: (theme) => set({ theme }),
    setNotice: (notice) => set({ notice }),

    async showMoreChanges() {
      const { changes, step, event } = get();
      if (!changes || changes.epc.length >= changes.total) return;
      let more: EpcmChanges;
      try {
        more = await changesAt(step, event, changes.epc.length + CHANGES_MORE);
      } catch (e) {
        if (e instanceof EngineFailure) return; // replayed by the failure listener
        throw e;
      }
      if (get().changes === changes) set({ changes: more });
    },
  };
});
