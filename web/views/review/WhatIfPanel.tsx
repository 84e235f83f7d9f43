// The Reviewer tab's what-ifs (loaded as its own chunk): the version diff of what is loaded (the
// same scenario on two kernel versions, where the traces first diverge, with a button to that
// step) and the what-if matrix (every built-in flow under every mutation, which expectation
// catches it, and the mutations no flow catches, each a finding). The engine computes both in a
// spare worker (store/whatif.ts). Names used by tests: the "Version diff" and "What-if matrix"
// regions, the "First kernel"/"Second kernel" selects, the "Compare" and "Compute the what-if
// matrix" buttons, the table captioned "What-if matrix".
import { useId, useState } from "react";
import type { MachineOptions, WhatIfMatrix } from "../../engine/client.ts";
import { useExplorer } from "../../store/explorer.ts";
import { useWhatIf } from "../../store/whatif.ts";
import { useMachineOptions } from "../machine/use-machine-options.ts";
import "./whatif.css";

/** "steps[14]" out of an unmet expectation ("steps[14] (REMOVE_PAGES): ret: expected -1, got 0"). */
function where(caughtBy: string): string {
  const m = /^steps\[(\d+)\]/.exec(caughtBy);
  return m ? `step ${Number(m[1]) + 1}` : caughtBy.split(":")[0];
}

function VersionDiff({ options }: { options: MachineOptions }) {
  const headingId = useId();
  const versions = options.kernels.map((k) => k.id);
  const [a, setA] = useState(versions[0]);
  const [b, setB] = useState(versions[versions.length - 1]);
  const diff = useWhatIf((s) => s.diff);
  const busy = useWhatIf((s) => s.diffBusy);
  const runDiff = useWhatIf((s) => s.runDiff);
  const cancelDiff = useWhatIf((s) => s.cancelDiff);
  const seek = useExplorer((s) => s.seek);
  const loaded = useExplorer((s) => s.info !== null);
  const shownKernel = useExplorer((s) => s.info?.machine.kernel ?? versions[0]);
  const choice = useExplorer((s) => s.source?.machine);
  const setMachine = useExplorer((s) => s.setMachine);
  const select = (label: string, value: string, set: (v: string) => void) => (
    <label>
      {label}{" "}
      <select value={value} onChange={(e) => set(e.target.value)}>
        {versions.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <section className="whatif-section" aria-labelledby={headingId}>
      <h3 id={headingId} className="review-sub">
        Version diff
      </h3>
      <p className="whatif-note">This scenario on two kernel versions: where the traces first diverge.</p>
      <div className="whatif-controls">
        {select("First kernel", a, setA)}
        {select("Second kernel", b, setB)}
        <button type="button" disabled={!loaded || busy} onClick={() => void runDiff(a, b)}>
          Compare
        </button>
        {busy && (
          <button type="button" onClick={cancelDiff}>
            Cancel
          </button>
        )}
      </div>
      <div aria-live="polite">
        {busy && <p className="whatif-note">Running both versions…</p>}
        {diff && !diff.ok && (
          <ul className="whatif-errors">
            {diff.errors.map((e) => (
              <li key={e}>
                <code>{e}</code>
              </li>
            ))}
          </ul>
        )}
        {diff?.ok && diff.diff.step === undefined && (
          <p className="whatif-result">
            {diff.diff.a} and {diff.diff.b} agree on all {diff.diff.steps[0]} steps: this scenario shows no
            difference between them.
          </p>
        )}
        {diff?.ok && diff.diff.step !== undefined && (
          <div className="whatif-result">
            <p>
              {diff.diff.a} and {diff.diff.b} first diverge at <strong>step {diff.diff.step + 1}</strong> (
              <code>{diff.diff.op}</code>); {diff.diff.a} runs {diff.diff.steps[0]} steps, {diff.diff.b} runs{" "}
              {diff.diff.steps[1]}.
            </p>
            <ul className="whatif-differences" aria-label="Differences">
              {diff.diff.differences.map((d) => (
                <li key={d}>
                  <code>{d}</code>
                </li>
              ))}
            </ul>
            <div className="whatif-controls">
              <button type="button" onClick={() => void seek((diff.diff.step ?? 0) + 1)}>
                Go to step {diff.diff.step + 1}
              </button>
              <span className="whatif-note">(on {shownKernel}, the run shown)</span>
              {[diff.diff.a, diff.diff.b]
                .filter((v) => v !== shownKernel)
                .map((v) => (
                  <button
                    key={v}
                    type="button"
                    onClick={() => void setMachine({ ...choice, kernel: v }, (diff.diff.step ?? 0) + 1)}
                  >
                    Show it on {v}
                  </button>
                ))}
            </div>
          </div>
        )}
      </div>
    </section>
  );
}

function MatrixTable({ matrix }: { matrix: WhatIfMatrix }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll it by keyboard
    <section className="whatif-scroll" aria-label="What-if matrix table" tabIndex={0}>
      <table className="whatif-matrix">
        <caption>What-if matrix: which flow's expectations catch each mutation</caption>
        <thead>
          <tr>
            <th scope="col">Flow</th>
            {matrix.mutations.map((m) => (
              <th key={m} scope="col" className={matrix.uncaught.includes(m) ? "is-finding" : undefined}>
                <code>{m}</code>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.rows.map((r) => (
            <tr key={r.flow}>
              <th scope="row">
                <code>{r.flow}</code>
              </th>
              {r.cells.map((c) => (
                <td key={c.mutation} className={c.caughtBy ? "is-caught" : undefined}>
                  {c.caughtBy ? `caught at ${where(c.caughtBy)}` : "not caught"}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Caught by</th>
            {matrix.mutations.map((m) => {
              const n = matrix.rows.filter((r) => r.cells.some((c) => c.mutation === m && c.caughtBy)).length;
              const finding = matrix.uncaughtBySelftests.includes(m);
              return (
                <td key={m} className={finding ? "is-finding" : undefined}>
                  {n > 0 && `${n} flow${n === 1 ? "" : "s"}`}
                  {n > 0 && finding && ", "}
                  {finding && <strong>no selftest catches this</strong>}
                </td>
              );
            })}
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

function Matrix() {
  const headingId = useId();
  const matrix = useWhatIf((s) => s.matrix);
  const progress = useWhatIf((s) => s.matrixProgress);
  const error = useWhatIf((s) => s.matrixError);
  const runMatrix = useWhatIf((s) => s.runMatrix);
  const cancelMatrix = useWhatIf((s) => s.cancelMatrix);
  return (
    <section className="whatif-section" aria-labelledby={headingId}>
      <h3 id={headingId} className="review-sub">
        What-if matrix
      </h3>
      <p className="whatif-note">
        Every built-in flow under every mutation (on v6.0): a mutation no flow's expectations notice is a gap
        in the tests.
      </p>
      <div className="whatif-controls">
        <button type="button" disabled={progress !== null} onClick={() => void runMatrix()}>
          {matrix ? "Compute the what-if matrix again" : "Compute the what-if matrix"}
        </button>
        {progress && (
          <>
            <progress
              max={Math.max(progress.total, 1)}
              value={progress.done}
              aria-label="What-if matrix progress"
            />
            <span>
              {progress.done} of {progress.total || "…"} flows
            </span>
            <button type="button" onClick={cancelMatrix}>
              Cancel
            </button>
          </>
        )}
      </div>
      {error && (
        <p className="whatif-errors" role="alert">
          The matrix could not be computed: {error}
        </p>
      )}
      {matrix && (
        <>
          <ul className="whatif-findings" aria-label="Mutations">
            {matrix.mutations.map((m) => {
              const by = matrix.rows.filter((r) => r.cells.some((c) => c.mutation === m && c.caughtBy));
              const first = by[0]?.cells.find((c) => c.mutation === m)?.caughtBy;
              return (
                <li key={m} className={matrix.uncaughtBySelftests.includes(m) ? "is-finding" : undefined}>
                  <code>{m}</code>:{" "}
                  {by.length === 0 ? (
                    "no flow catches this"
                  ) : (
                    <>
                      caught by {by.length} flow{by.length === 1 ? "" : "s"}, e.g. <code>{by[0].flow}</code>:{" "}
                      <code>{first}</code>
                    </>
                  )}
                  {matrix.uncaughtBySelftests.includes(m) && (
                    <>
                      ; <strong>no kernel selftest catches this (a finding)</strong>
                    </>
                  )}
                </li>
              );
            })}
          </ul>
          <MatrixTable matrix={matrix} />
        </>
      )}
    </section>
  );
}

export default function WhatIfPanel() {
  const { options } = useMachineOptions();
  return (
    <div className="whatif">
      {options && <VersionDiff options={options} />}
      <Matrix />
    </div>
  );
}
