// The only way the web app reaches the engine: a module Web Worker (engine/worker.ts) wrapped
// with comlink. One worker serves the whole page; it is created on first use.
import * as Comlink from "comlink";
import type { EngineApi } from "../engine/worker.ts";

export type { FlowInfo, SimulateResult } from "../engine/worker.ts";

let engine: Comlink.Remote<EngineApi> | undefined;
let failure: string | undefined;
const failureListeners = new Set<(message: string) => void>();

function fail(message: string): void {
  failure ??= message;
  for (const listener of failureListeners) listener(failure);
}

export function getEngine(): Comlink.Remote<EngineApi> {
  if (!engine) {
    const worker = new Worker(new URL("../engine/worker.ts", import.meta.url), {
      type: "module",
      name: "epcm-engine",
    });
    // A worker that cannot load (or dies) never answers: report it instead of waiting forever.
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      fail(event.message || "the engine's worker failed to load");
    });
    worker.addEventListener("messageerror", () => fail("a message from the engine could not be read"));
    engine = Comlink.wrap<EngineApi>(worker);
  }
  return engine;
}

/** Calls `listener` if the worker fails (now, if it already has). Returns the unsubscribe function. */
export function onEngineFailure(listener: (message: string) => void): () => void {
  failureListeners.add(listener);
  if (failure !== undefined) listener(failure);
  return () => {
    failureListeners.delete(listener);
  };
}
