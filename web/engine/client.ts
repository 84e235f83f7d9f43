// The only way the web app reaches the engine: a module Web Worker (engine/worker.ts) wrapped
// with comlink. One worker serves the page; restartEngine() replaces it (to cancel a long run).
// Every call is watched (watchdog.ts): if the worker throws, dies or stops answering, the
// calls waiting on it reject with EngineFailure, the worker is replaced, and the failure
// listeners (the store) replay what was shown.
import * as Comlink from "comlink";
import type { EngineApi } from "../../engine/worker.ts";
import { EngineFailure, Watchdog } from "./watchdog.ts";

export type {
  Basis,
  ChangeScope,
  EnclaveColumns,
  EpcColumns,
  EpcmChanges,
  EpcUsage,
  ExploreOutcome,
  ExploreReport,
  ExploreResult,
  FlowInfo,
  LoadResult,
  LoadSource,
  MachineChoice,
  MachineOptions,
  OutcomeFacts,
  PageDetail,
  ReplayProgress,
  RunInfo,
  StateView,
  StepOutcome,
  StepQuestion,
  TraceEvent,
  TraceStep,
  VersionDiffResult,
  WhatIfMatrix,
} from "../../engine/worker.ts";
export { EngineFailure };

let worker: Worker | undefined;
let remote: Comlink.Remote<EngineApi> | undefined;
let watched: Comlink.Remote<EngineApi> | undefined;
const failureListeners = new Set<(message: string) => void>();

const watchdog = new Watchdog((message) => {
  stopWorker();
  for (const listener of failureListeners) listener(message);
});

function stopWorker(): void {
  remote?.[Comlink.releaseProxy]();
  worker?.terminate();
  worker = undefined;
  remote = undefined;
  watched = undefined;
}

export function engine(): Comlink.Remote<EngineApi> {
  if (!watched) {
    const w = new Worker(new URL("../../engine/worker.ts", import.meta.url), {
      type: "module",
      name: "epcm-engine",
    });
    // A worker that cannot load (or dies with an uncaught error) never answers: report it.
    w.addEventListener("error", (event) => {
      event.preventDefault();
      if (w === worker) watchdog.workerError(event.message || "its script failed to load or run");
    });
    w.addEventListener("messageerror", () => {
      if (w === worker) watchdog.workerError("a message from it could not be read");
    });
    worker = w;
    const r = Comlink.wrap<EngineApi>(w);
    remote = r;
    // Each method call goes through the watchdog; comlink's remote is itself a proxy, so the
    // call is made on it and only the returned promise is wrapped.
    watched = new Proxy(r, {
      get(target, prop) {
        const member = Reflect.get(target, prop) as unknown;
        if (typeof prop !== "string" || prop === "then") return member;
        return (...args: unknown[]) =>
          watchdog.watch(prop, (member as (...a: unknown[]) => Promise<unknown>)(...args));
      },
    });
  }
  return watched;
}

/** The worker is working (a progress report arrived): waiting calls are not hung. */
export function engineAlive(): void {
  watchdog.alive();
}

/** Terminate the worker (cancelling whatever it runs); the next call starts a fresh one. */
export function restartEngine(): void {
  watchdog.replaced();
  stopWorker();
}

/** Calls `listener` after the worker failed and was stopped. Returns the unsubscribe function. */
export function onEngineFailure(listener: (message: string) => void): () => void {
  failureListeners.add(listener);
  return () => {
    failureListeners.delete(listener);
  };
}

export interface SpareTask<T> {
  /** The task's answer, or null when it was cancelled. */
  result: Promise<T | null>;
  /** Terminates the spare worker (the task never answers). */
  cancel(): void;
}

/**
 * Runs `task` in a worker of its own (the what-if matrix, a version diff): a long analysis does
 * not hold up the explorer's worker, and cancelling it terminates only that worker. The worker
 * is stopped when the task ends; a worker that fails to load or dies rejects the result.
 */
export function spareEngineTask<T>(task: (api: Comlink.Remote<EngineApi>) => Promise<T>): SpareTask<T> {
  const w = new Worker(new URL("../../engine/worker.ts", import.meta.url), {
    type: "module",
    name: "epcm-engine-analysis",
  });
  const api = Comlink.wrap<EngineApi>(w);
  let settle: ((v: null) => void) | undefined;
  let fail: ((e: Error) => void) | undefined;
  const stopped = new Promise<null>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  w.addEventListener("error", (event) => {
    event.preventDefault();
    fail?.(
      new EngineFailure(
        `the analysis worker stopped: ${event.message || "its script failed to load or run"}`,
      ),
    );
  });
  const stop = () => {
    api[Comlink.releaseProxy]();
    w.terminate();
  };
  const result = Promise.race([task(api), stopped]).finally(stop);
  return {
    result,
    cancel() {
      settle?.(null);
    },
  };
}
