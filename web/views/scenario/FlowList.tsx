// The built-in flows, each with its one-line description; clicking one runs it.
import { useEffect, useId, useRef, useState } from "react";
import type { FlowInfo } from "../../engine/client.ts";
import { listFlows } from "../../store/engine-queries.ts";
import { useExplorer } from "../../store/explorer.ts";

export function FlowList() {
  const headingId = useId();
  const [flows, setFlows] = useState<FlowInfo[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const current = useExplorer((s) => (s.source?.kind === "flow" ? s.source.id : null));
  const loadFlow = useExplorer((s) => s.loadFlow);
  const listRef = useRef<HTMLUListElement>(null);

  // Keep the current flow in view inside the list (without scrolling the page itself).
  useEffect(() => {
    const list = listRef.current;
    if (!list || !flows || current === null) return;
    const item = list.querySelector<HTMLElement>(`li[data-flow="${CSS.escape(current)}"]`);
    if (!item) return;
    const top = item.offsetTop; // .flow-list is positioned: offsets are within it
    if (top < list.scrollTop || top + item.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - 8);
    }
  }, [current, flows]);

  useEffect(() => {
    let cancelled = false;
    listFlows()
      .then((list) => {
        if (!cancelled) setFlows(list);
      })
      .catch((e: unknown) => {
        if (!cancelled) setFailed(`The built-in flows cannot be listed: ${(e as Error).message}`);
      });
    return () => {
      cancelled = true;
    };
  }, []);

  return (
    <section className="scn-section" aria-labelledby={headingId}>
      <h2 id={headingId}>Built-in flows</h2>
      {failed && (
        <p className="scn-error" role="alert">
          {failed}
        </p>
      )}
      {!flows && !failed && <p className="scn-hint">Loading the list…</p>}
      {flows && (
        <ul className="flow-list" ref={listRef}>
          {flows.map((f) => {
            const isCurrent = f.id === current;
            return (
              <li key={f.id} data-flow={f.id} className={isCurrent ? "current" : undefined}>
                <button
                  type="button"
                  aria-current={isCurrent ? "true" : undefined}
                  aria-describedby={`${headingId}-${f.id}`}
                  onClick={() => void loadFlow(f.id)}
                >
                  {f.title}
                </button>
                {isCurrent && (
                  <span className="flow-shown" aria-hidden="true">
                    shown
                  </span>
                )}
                <p id={`${headingId}-${f.id}`}>
                  {f.description}{" "}
                  <span className="flow-link-id">
                    Link: <code>?flow={f.id}</code>
                  </span>
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
