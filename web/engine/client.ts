// The only way the web app reaches the engine: a module Web Worker (engine/worker.ts) wrapped
// with comlink. One worker serves the page; restartEngine() replaces it (to cancel a long run,
// or after it failed).
import * as Comlink from "comlink";
import type { EngineApi } from "../../engine/worker.ts";

export type { FlowInfo, LoadResult, PageDetail, RunInfo, StateView } from "../../engine/worker.ts";

let worker: Worker | undefined;
let remote: Comlink.Remote<EngineApi> | undefined;
const failureListeners = new Set<(message: string) => void>();

function fail(message: string): void {
  for (const listener of failureListeners) listener(message);
}

export function engine(): Comlink.Remote<EngineApi> {
  if (!remote) {
    worker = new Worker(new URL("../../engine/worker.ts", import.meta.url), {
      type: "module",
      name: "epcm-engine",
    });
    // A worker that cannot load (or dies) never answers: report it instead of waiting forever.
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      fail(event.message || "the engine's worker failed");
    });
    worker.addEventListener("messageerror", () => fail("a message from the engine could not be read"));
    remote = Comlink.wrap<EngineApi>(worker);
  }
  return remote;
}

/** Terminate the worker (cancelling whatever it runs); the next call starts a fresh one. */
export function restartEngine(): void {
  remote?.[Comlink.releaseProxy]();
  worker?.terminate();
  worker = undefined;
  remote = undefined;
}

/** Calls `listener` when the worker fails. Returns the unsubscribe function. */
export function onEngineFailure(listener: (message: string) => void): () => void {
  failureListeners.add(listener);
  return () => {
    failureListeners.delete(listener);
  };
}
