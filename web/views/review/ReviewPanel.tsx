// Reviewer mode: for an ioctl step, the driver's checks in the order ioctl.c makes them, with
// the one that decided the outcome highlighted, and the kernel functions the call went through.
// All of it is the engine's record of the call (TraceStep.review, engine/kernel/checks.ts).
import { lazy, Suspense } from "react";
import type { TraceStep } from "../../engine/client.ts";
import { useExplorer } from "../../store/explorer.ts";
import { opSummary } from "../format/ops.ts";
import "./review.css";

/** The version diff and the what-if matrix, loaded as their own chunk. */
const WhatIfPanel = lazy(() => import("./WhatIfPanel.tsx"));

const STATUS_TEXT = {
  passed: "passed",
  failed: "refused the call",
  "not reached": "not reached",
  "not applicable": "not needed here",
} as const;

const STATUS_MARK = { passed: "✓", failed: "✗", "not reached": "–", "not applicable": "·" } as const;

function isIoctl(s: TraceStep): boolean {
  return s.op.op === "ioctl";
}

function Outcome({ step }: { step: TraceStep }) {
  const arg = step.arg ? Object.entries(step.arg).map(([k, v]) => `${k} = ${v}`) : [];
  return (
    <p className="review-outcome">
      {step.ret === 0 ? (
        <>
          Returned <code>0</code>
        </>
      ) : (
        <>
          Returned <code>-1</code>, errno <code className="review-errno">{step.errno}</code>
        </>
      )}
      {arg.length > 0 && (
        <>
          ; the kernel wrote back <code>{arg.join(", ")}</code>
        </>
      )}
      .
    </p>
  );
}

/** Buttons to the nearest ioctl steps before and after `step`. */
function IoctlNavigation({ steps, step }: { steps: TraceStep[]; step: number }) {
  const seek = useExplorer((s) => s.seek);
  let prev = -1;
  for (let i = step - 2; i >= 0; i--)
    if (isIoctl(steps[i])) {
      prev = i + 1;
      break;
    }
  const next = steps.findIndex((s, i) => i >= step && isIoctl(s)) + 1;
  return (
    <div className="review-nav">
      <button type="button" disabled={prev < 1} onClick={() => void seek(prev)}>
        Previous ioctl step
      </button>
      <button type="button" disabled={next < 1} onClick={() => void seek(next)}>
        Next ioctl step
      </button>
    </div>
  );
}

export function ReviewPanel() {
  const info = useExplorer((s) => s.info);
  const step = useExplorer((s) => s.step);
  if (!info) return <p className="review-empty">Nothing is loaded yet.</p>;
  const current = step >= 1 ? info.steps[step - 1] : undefined;
  const review = current?.review;

  return (
    <section className="review" aria-labelledby="review-heading">
      <h2 id="review-heading" className="review-heading">
        Reviewer{current ? `: step ${step}` : ""}
      </h2>
      {!current || !isIoctl(current) ? (
        <p className="review-empty">
          {current ? (
            <>
              Step {step} is <code>{opSummary(current.op)}</code>, not an ioctl. Reviewer mode shows the
              driver's checks for ioctl steps.
            </>
          ) : (
            "No step has run yet. Reviewer mode shows the driver's checks for ioctl steps."
          )}
        </p>
      ) : (
        <>
          <p className="review-op">
            <code>{opSummary(current.op)}</code>
          </p>
          <Outcome step={current} />
          {review ? (
            <>
              <h3 className="review-sub">Call path</h3>
              <ol className="review-path" aria-label="Kernel call path">
                {review.path.map((fn) => (
                  <li key={fn}>
                    <code>{fn}</code>
                  </li>
                ))}
              </ol>
              {review.checks.length === 0 ? (
                <p className="review-empty">
                  The driver makes no check here that this scenario can fail (the fd is always
                  /dev/sgx_provision).
                </p>
              ) : (
                <>
                  <h3 className="review-sub">
                    Checks, in the driver's order
                    {review.decided === null ? ": all passed" : ""}
                  </h3>
                  <ol className="review-checks" aria-label="Driver checks">
                    {review.checks.map((c) => (
                      <li
                        key={c.id}
                        className={`review-check is-${c.status.replace(" ", "-")}`}
                        aria-current={c.status === "failed" ? "true" : undefined}
                      >
                        <span className="review-mark" aria-hidden="true">
                          {STATUS_MARK[c.status]}
                        </span>
                        <span className="review-test">
                          {c.test}
                          {c.per_page && <span className="review-per-page"> (each page)</span>}
                        </span>
                        <span className="review-where">
                          <code>{c.fn}()</code> else <code>{c.errno}</code>
                        </span>
                        {/* "passed" is said by the mark; kept for screen readers only. */}
                        <span className={c.status === "passed" ? "review-status sr-only" : "review-status"}>
                          {STATUS_TEXT[c.status]}
                        </span>
                      </li>
                    ))}
                  </ol>
                </>
              )}
              {review.omitted && review.omitted.length > 0 && (
                <>
                  <h3 className="review-sub">Checks not modelled</h3>
                  <ul className="review-omitted" aria-label="Checks not modelled">
                    {review.omitted.map((c) => (
                      <li key={c.test}>
                        {c.test}: <code>{c.fn}()</code> else <code>{c.errno}</code>. {c.why}.
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          ) : (
            <p className="review-empty">
              {current.errno === "ENOTTY" ? (
                <>
                  <code>sgx_ioctl()</code> does not know this command: it returns <code>-ENOIOCTLCMD</code>,
                  which user space sees as <code>ENOTTY</code>.
                </>
              ) : (
                <>
                  The call never reached the driver's ioctl handler (<code>{current.errno}</code>: the
                  enclave's fd is closed).
                </>
              )}
            </p>
          )}
        </>
      )}
      <IoctlNavigation steps={info.steps} step={step} />
      <Suspense fallback={<p className="review-empty">Loading the what-ifs…</p>}>
        <WhatIfPanel />
      </Suspense>
    </section>
  );
}
