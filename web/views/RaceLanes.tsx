// A race step (docs/scenario-format.md, Races: explicit interleavings) as lanes: one column per
// listed step (its CPU and op), one row per lock boundary passed, in the order the engine
// scheduled them, and a last row with what each listed step got back. Everything comes from the
// trace step's `race` and `schedule`; nothing is computed here. A kernel bug the race left behind
// without crashing (the trace step's `bugs`, e.g. a PTE to a freed page) is shown under the lanes.
import type { TraceStep } from "../engine/client.ts";
import { opFields, opSummary, outcomeSummary } from "./format/ops.ts";
import "./race.css";

export function RaceLanes({ step }: { step: TraceStep }) {
  const lanes = step.race ?? [];
  const schedule = step.schedule ?? [];
  if (lanes.length === 0) return null;
  return (
    // Scrolls sideways when the lanes are wide: focusable, so the keyboard can scroll it too.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <section className="race-lanes" aria-label="Race lanes" tabIndex={0}>
      <table>
        <caption>Race: the lock boundaries each step passed, in the order they ran</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            {lanes.map((l) => (
              <th scope="col" key={l.index}>
                CPU {l.cpu ?? 0}: <code>{[opSummary(l.op), ...opFields(l.op, true)].join(" ")}</code>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {schedule.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the schedule is an ordered list; its position is its identity
            <tr key={i}>
              <th scope="row">{i + 1}</th>
              {lanes.map((l) => (
                <td key={l.index} className={l.index === s.step ? "race-passed" : undefined}>
                  {l.index === s.step ? <code>{s.boundary}</code> : ""}
                </td>
              ))}
            </tr>
          ))}
          <tr className="race-outcome">
            <th scope="row">got</th>
            {lanes.map((l) => (
              <td key={l.index}>{outcomeSummary(l)}</td>
            ))}
          </tr>
        </tbody>
      </table>
      {(step.bugs ?? []).map((b) => (
        <p key={b} className="race-bug" role="note">
          <strong>Kernel bug:</strong> {b.replace(/^BUG: /, "")}
        </p>
      ))}
    </section>
  );
}
