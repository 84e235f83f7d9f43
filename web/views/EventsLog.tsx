// The events log: the current step's events in order (each ENCLS/ENCLU leaf, fault, kernel
// decision), with faults shown as "#PF 0x8007". Clicking an event steps into the op there.
import { useEffect, useRef } from "react";
import type { TraceEvent } from "../engine/client.ts";
import { useBasisView } from "../store/basis-view.ts";
import { useExplorer } from "../store/explorer.ts";
import { BasisMark } from "./basis/BasisMark.tsx";
import { InferredFilter } from "./basis/InferredFilter.tsx";
import { KIND_LABELS, laneOf } from "./format/events.ts";
import { eventFaultLabel } from "./format/faults.ts";
import { opSummary } from "./format/ops.ts";
import "./time.css";

function changedCount(e: TraceEvent): number {
  return (e.epcm?.length ?? 0) + (e.epcm_more ?? 0);
}

export function EventsLog() {
  const info = useExplorer((s) => s.info);
  const step = useExplorer((s) => s.step);
  const event = useExplorer((s) => s.event);
  const inferred = useBasisView((s) => s.inferred);
  const list = useRef<HTMLDivElement>(null);

  const st = info && step >= 1 ? info.steps[step - 1] : undefined;
  const events = st?.events ?? [];

  // Keep the current event in view inside the log (without scrolling the page).
  useEffect(() => {
    const box = list.current;
    if (!box || event === null) return;
    const item = box.querySelector<HTMLElement>(`[data-event="${event}"]`);
    if (!item) return;
    // The log is the items' offset parent (position: relative), so offsetTop is inside it.
    const top = item.offsetTop;
    if (top < box.scrollTop) box.scrollTop = top;
    else if (top + item.offsetHeight > box.scrollTop + box.clientHeight)
      box.scrollTop = top + item.offsetHeight - box.clientHeight;
  }, [event]);

  const seekTo = (i: number) => {
    const s = useExplorer.getState();
    if (s.playing) s.pause();
    void s.seek(step, i);
  };

  return (
    <section className="events" aria-labelledby="events-title">
      <h2 id="events-title" className="events-title">
        Events
        {st && (
          <span className="events-sub">
            {" "}
            · step {step}: <code>{opSummary(st.op)}</code>
          </span>
        )}
      </h2>
      <InferredFilter />
      <div ref={list} className="events-log" role="log" aria-label="Events" tabIndex={-1}>
        {!info ? (
          <p className="time-muted events-empty">No scenario loaded.</p>
        ) : step === 0 ? (
          <p className="time-muted events-empty">No step has run yet. Step forward to see its events.</p>
        ) : events.length === 0 ? (
          <p className="time-muted events-empty">This step recorded no events.</p>
        ) : inferred === "only" && !events.some((e) => e.basis === "model") ? (
          <p className="time-muted events-empty">No event of this step is the model's inference.</p>
        ) : (
          <ol className="events-list">
            {events
              .map((e, i) => ({ e, i, id: `${step}.${i}` }))
              .filter(({ e }) => inferred !== "only" || e.basis === "model")
              .map(({ e, i, id }) => {
                const fault = eventFaultLabel(e);
                const state =
                  event === null ? "" : i === event ? " is-current" : i > event ? " is-future" : "";
                return (
                  <li
                    key={id}
                    data-event={i}
                    className={`events-item${state}${inferred !== "all" && e.basis === "model" ? " is-inferred" : ""}`}
                    aria-current={i === event ? "step" : undefined}
                  >
                    <button
                      type="button"
                      className="events-button"
                      onClick={() => seekTo(i)}
                      title="Step into the op at this event"
                    >
                      <span className="events-index" aria-hidden="true">
                        {i + 1}
                      </span>
                      <span className="events-body">
                        <span className="events-line">
                          <span className={`kind-badge kind-${e.kind} lane-${laneOf(e.kind)}`}>
                            {KIND_LABELS[e.kind]}
                          </span>{" "}
                          {e.cpu ? <span className="events-cpu">CPU {e.cpu}</span> : null}
                          {e.cpu ? " " : null}
                          {fault && <code className="events-fault">{fault}</code>}
                          {!fault && e.leaf && (
                            <code className="events-leaf">
                              {e.leaf}
                              {e.result && e.result !== "ok" ? ` → ${e.result}` : ""}
                            </code>
                          )}{" "}
                          <span className="events-text">{e.text}</span>
                          <BasisMark basis={e.basis} basisRef={e.basis_ref} />
                        </span>
                        <small className="events-source">
                          {e.source}
                          {e.raised_by ? ` · raised by ${e.raised_by}` : ""}
                          {changedCount(e) > 0
                            ? ` · ${changedCount(e)} EPCM entr${changedCount(e) === 1 ? "y" : "ies"} changed`
                            : ""}
                        </small>
                      </span>
                    </button>
                  </li>
                );
              })}
          </ol>
        )}
      </div>
    </section>
  );
}
