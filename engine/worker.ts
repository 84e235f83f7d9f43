// The engine's Web Worker: the browser runs every simulation here, off the main thread, and the
// UI only renders the trace it gets back. Exposed through comlink; see web/engine-client.ts.
import * as Comlink from "comlink";
import { findFlow, flows, simulate } from "./index.ts";

export interface FlowInfo {
  id: string;
  title: string;
  description: string;
}

export type SimulateResult = ReturnType<typeof simulate>;

const api = {
  /** The built-in flows, without their scenarios. */
  listFlows(): FlowInfo[] {
    return flows.map(({ id, title, description }) => ({ id, title, description }));
  },

  /** Simulate a built-in flow by id. */
  runFlow(id: string): SimulateResult {
    const flow = findFlow(id);
    if (!flow) {
      const known = flows.map((f) => f.id).join(", ");
      return { ok: false, errors: [`No built-in flow named "${id}" (known flows: ${known}).`] };
    }
    return simulate(flow.scenario);
  },

  /** Simulate a scenario given as a JSON object or a JSON string. */
  runScenario(json: unknown): SimulateResult {
    return simulate(json);
  },
};

export type EngineApi = typeof api;

Comlink.expose(api);
