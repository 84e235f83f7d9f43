// "Explore interleavings" under a race step's lanes (loaded as its own chunk, views/Narration.tsx):
// the engine tries every order of the race (bounded) in a spare worker and groups them by
// outcome (store/explore.ts); each distinct outcome shows how many interleavings end so, the
// order that reproduces it, and "Load this order", which loads the scenario with that order at
// this step. Outcomes with a kernel oops, a signal or an unmet expectation say so in words.
// Names used by tests: the "Interleavings" region, the "Explore interleavings" and "Cancel"
// buttons ("Explore further" when the bound cut the search), the "Distinct outcomes" list,
// "Load this order (outcome N)" buttons.
import { useEffect, useId, useState } from "react";
import type { ExploreReport, TraceStep } from "../../engine/client.ts";
import { explorationAt, useExplore } from "../../store/explore.ts";
import { useExplorer } from "../../store/explorer.ts";
import { orderText, outcomeMarks } from "./marks.ts";
import "./explore.css";

/** An exploration answered sooner than this shows no progress row (no flicker). */
const QUIET_MS = 250;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** Milliseconds since `since`, ticking while it is set. */
function useElapsed(since: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), QUIET_MS);
    return () => clearInterval(t);
  }, [since]);
  return since === null ? 0 : Math.max(0, now - since);
}

function Summary({ report }: { report: ExploreReport }) {
  if (report.interleavings === 0)
    return (
      <p className="explore-summary">
        No interleaving ran to the end of this race in {plural(report.runs, "run")}: the scenario stops before
        it (an error or a kernel oops earlier){report.cut ? ", or the bound cut the search first" : ""}.
      </p>
    );
  return (
    <p className="explore-summary">
      <strong>{plural(report.interleavings, "interleaving")}</strong> tried in {plural(report.runs, "run")} of
      the scenario (bound {plural(report.bound, "run")}):{" "}
      {report.cut ? (
        <strong className="explore-cut">the bound cut the search; more interleavings exist.</strong>
      ) : (
        "every interleaving was tried."
      )}{" "}
      {plural(report.outcomes.length, "distinct outcome")}.
    </p>
  );
}

function Outcomes({ report, step, busy }: { report: ExploreReport; step: TraceStep; busy: boolean }) {
  const loadOrder = useExplore((s) => s.loadOrder);
  const loading = useExplorer((s) => s.loading !== null);
  const shown = orderText((step.op.order as number[] | undefined) ?? []);
  return (
    <ol className="explore-outcomes" aria-label="Distinct outcomes">
      {report.outcomes.map((o, i) => {
        const marks = outcomeMarks(o.facts);
        const order = orderText(o.order);
        return (
          <li key={o.outcome} className={marks.length > 0 ? "explore-outcome is-marked" : "explore-outcome"}>
            <p className="explore-head">
              <span>
                <strong>Outcome {i + 1}:</strong> {plural(o.count, "interleaving")} of{" "}
                {report.interleavings.toLocaleString("en-US")} end so
              </span>
              {marks.map((m) => (
                <span key={m.label} className={`explore-mark explore-mark-${m.kind}`}>
                  <span aria-hidden="true">{m.kind === "oops" || m.kind === "bug" ? "✖ " : "⚠ "}</span>
                  {m.label}
                </span>
              ))}
              {order === shown && <span className="explore-shown">shown now</span>}
            </p>
            <ul className="explore-parts">
              {o.parts.map((p) => (
                <li key={p}>
                  <code>{p}</code>
                </li>
              ))}
            </ul>
            <p className="explore-order">
              Order <code>{order}</code>{" "}
              <button
                type="button"
                aria-label={`Load this order (outcome ${i + 1})`}
                disabled={loading || busy}
                onClick={() => void loadOrder(step.index, o.order)}
              >
                Load this order
              </button>
            </p>
          </li>
        );
      })}
    </ol>
  );
}

export default function ExploreInterleavings({ step }: { step: TraceStep }) {
  const headingId = useId();
  const source = useExplorer((s) => s.source);
  const current = useExplore((s) => explorationAt(s, source, step.index));
  const explore = useExplore((s) => s.explore);
  const cancel = useExplore((s) => s.cancel);
  const since = current?.since ?? null;
  const elapsed = useElapsed(since);
  const busy = since !== null;

  return (
    <section className="explore" aria-labelledby={headingId}>
      <h3 id={headingId} className="explore-heading">
        Interleavings
      </h3>
      <div className="explore-controls">
        <button type="button" disabled={busy || source === null} onClick={() => void explore(step.index)}>
          Explore interleavings
        </button>
        {!busy && current?.further && (
          <button type="button" onClick={() => void explore(step.index, current.further ?? undefined)}>
            Explore further (bound {plural(current.further, "run")})
          </button>
        )}
        {busy && elapsed >= QUIET_MS && (
          <>
            <progress aria-label="Exploring interleavings" />
            <span>Exploring… {Math.floor(elapsed / 1000)} s</span>
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          </>
        )}
      </div>
      {!current && (
        <p className="explore-note">
          Every order of this race's lock boundaries, run on the engine and grouped by what it ends with.
        </p>
      )}
      {current?.errors && (
        <ul className="explore-errors" role="alert">
          {current.errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      <div aria-live="polite">
        {current?.report && (
          <>
            <Summary report={current.report} />
            <Outcomes report={current.report} step={step} busy={busy} />
          </>
        )}
      </div>
    </section>
  );
}
