import { useEffect, useId, useState } from "react";
import type { Trace } from "../engine/index.ts";
import { type FlowInfo, getEngine, onEngineFailure } from "./engine-client.ts";
import { DEFAULT_FLOW, flowFromSearch } from "./summary.ts";
import { TraceTable } from "./TraceTable.tsx";

type Run =
  | { state: "running"; flowId: string }
  | { state: "done"; flowId: string; trace: Trace; unmet: string[] }
  | { state: "failed"; flowId: string; errors: string[] };

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function statusText(run: Run, flows: FlowInfo[] | null, engineError: string | null): string {
  if (engineError !== null) return "The engine is not available.";
  if (!flows) return "Starting the engine…";
  switch (run.state) {
    case "running":
      return `Simulating “${run.flowId}”…`;
    case "failed":
      return `“${run.flowId}” could not be simulated.`;
    case "done": {
      const steps = `${run.trace.steps.length} steps`;
      const expectations =
        run.unmet.length === 0
          ? "all expectations met"
          : `${run.unmet.length} expectation${run.unmet.length === 1 ? "" : "s"} not met`;
      return `“${run.flowId}”: ${steps}, ${expectations}.`;
    }
  }
}

export function App() {
  const selectId = useId();
  const [flows, setFlows] = useState<FlowInfo[] | null>(null);
  const [flowId, setFlowId] = useState(() => flowFromSearch(window.location.search));
  const [run, setRun] = useState<Run>({ state: "running", flowId });
  const [notice, setNotice] = useState<string | null>(null);
  const [engineError, setEngineError] = useState<string | null>(null);

  // The list of built-in flows, once.
  useEffect(() => {
    let cancelled = false;
    getEngine()
      .listFlows()
      .then((list) => {
        if (!cancelled) setFlows(list);
      })
      .catch((error: unknown) => {
        if (!cancelled) setEngineError(`The engine did not start: ${errorMessage(error)}`);
      });
    const unsubscribe = onEngineFailure((message) => {
      if (!cancelled) setEngineError(`The engine stopped: ${message}`);
    });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, []);

  // An unknown ?flow= falls back to the default flow, saying so.
  useEffect(() => {
    if (!flows || flows.length === 0 || flows.some((f) => f.id === flowId)) return;
    const fallback = flows.some((f) => f.id === DEFAULT_FLOW) ? DEFAULT_FLOW : flows[0].id;
    setNotice(`There is no built-in flow named “${flowId}”; showing “${fallback}” instead.`);
    setFlowId(fallback);
  }, [flows, flowId]);

  // Simulate the selected flow whenever it changes (after the flow list is known).
  useEffect(() => {
    if (!flows?.some((f) => f.id === flowId)) return;
    let cancelled = false;
    setRun({ state: "running", flowId });
    getEngine()
      .runFlow(flowId)
      .then((result) => {
        if (cancelled) return;
        setRun(
          result.ok
            ? { state: "done", flowId, trace: result.trace, unmet: result.unmet }
            : { state: "failed", flowId, errors: result.errors },
        );
      })
      .catch((error: unknown) => {
        if (!cancelled)
          setRun({ state: "failed", flowId, errors: [`The engine failed: ${errorMessage(error)}`] });
      });
    return () => {
      cancelled = true;
    };
  }, [flows, flowId]);

  function selectFlow(id: string) {
    setNotice(null);
    setFlowId(id);
    const url = new URL(window.location.href);
    url.searchParams.set("flow", id);
    window.history.replaceState(null, "", url);
  }

  const flow = flows?.find((f) => f.id === flowId);
  const errors =
    engineError !== null
      ? [engineError]
      : flows?.length === 0
        ? ["The engine has no built-in flows."]
        : run.state === "failed"
          ? run.errors
          : null;

  return (
    <div className="app">
      <header className="app-header">
        <h1>EPCM Explorer</h1>
        <p className="tagline">
          Intel SGX's EPC and EPCM, step by step through the Linux driver's SGX2 flows.
        </p>
      </header>
      <main>
        <div className="controls">
          <label htmlFor={selectId}>Flow</label>
          <select
            id={selectId}
            value={flow ? flowId : ""}
            disabled={!flows}
            onChange={(event) => selectFlow(event.target.value)}
          >
            {flows ? null : <option value="">Loading…</option>}
            {flows?.map((f) => (
              <option key={f.id} value={f.id}>
                {f.title}
              </option>
            ))}
          </select>
        </div>
        {flow ? <p className="description">{flow.description}</p> : null}
        <p className="status" role="status" aria-live="polite">
          {statusText(run, flows, engineError)}
        </p>
        {notice ? <p className="notice">{notice}</p> : null}
        {errors ? (
          <div className="errors" role="alert">
            <p>The simulation could not run:</p>
            <ul>
              {errors.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {run.state === "done" && run.unmet.length > 0 ? (
          <div className="unmet-list">
            <p>Expectations not met:</p>
            <ul>
              {run.unmet.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {run.state === "done" ? <TraceTable trace={run.trace} /> : null}
      </main>
    </div>
  );
}
