import { Fragment } from "react";
import type { Trace } from "../engine/index.ts";
import { opSummary, outcomeParts } from "./summary.ts";

interface Props {
  trace: Trace;
}

/** The trace as a plain table: one row per step, as the engine reported it. */
export function TraceTable({ trace }: Props) {
  const multiEnclave = Object.keys(trace.enclaves).length > 1;
  return (
    <div className="table-wrap">
      <table className="trace" aria-label="Trace">
        <caption>{trace.title}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Operation</th>
            <th scope="col" className="outcome-col">
              Outcome
            </th>
            <th scope="col" className="num">
              EPCM entries changed
            </th>
          </tr>
        </thead>
        <tbody>
          {trace.steps.map((step) => (
            <tr key={step.index} className={step.unmet?.length ? "unmet" : undefined}>
              <td className="num">{step.index}</td>
              <td>
                <code>
                  {multiEnclave ? `${step.enclave}: ` : ""}
                  {opSummary(step.op)}
                </code>
                {step.note ? <div className="note">{step.note}</div> : null}
              </td>
              <td>
                <code className="outcome">
                  {outcomeParts(step).map((part, i) => (
                    // The parts are a fixed list computed from the step: their position is their identity.
                    // biome-ignore lint/suspicious/noArrayIndexKey: see above
                    <Fragment key={i}>
                      {i > 0 ? " · " : null}
                      <span>{part}</span>
                    </Fragment>
                  ))}
                </code>
                {step.unmet?.map((message) => (
                  <div key={message} className="unmet-message">
                    Expectation not met: {message}
                  </div>
                ))}
              </td>
              <td className="num">{step.epcm.length}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
