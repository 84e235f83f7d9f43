// Predict mode: before the next step runs, the learner guesses what user space gets back (an
// errno, an exception with its error code, an SGX code) and the EPCM entry of the page the step
// names; "Check" runs the step and marks each guess against what the engine reports, with the
// engine's reason. The form starts from the page as it is now, so only the changes need setting.

import { type FormEvent, useEffect, useId, useState } from "react";
import { E_R, E_W, E_X, hex, parsePerms } from "../../../engine/vocabulary/index.ts";
import type { StepOutcome, StepQuestion } from "../../engine/client.ts";
import { stepOutcome, stepQuestion } from "../../store/engine-queries.ts";
import { useExplorer } from "../../store/explorer.ts";
import { opSummary } from "../format/ops.ts";
import {
  ERRNOS,
  FAULTS,
  type Guess,
  grade,
  type Mark,
  type ResultKind,
  SGX_CODES,
  type TypeGuess,
} from "./grade.ts";
import "./predict.css";

const TYPES: TypeGuess[] = ["none", "REG", "TCS", "TRIM", "SECS", "VA"];

/** The detail a result needs (which errno, exception or SGX code): its field, name and choices. */
const DETAIL: Partial<
  Record<ResultKind, { field: "errno" | "fault" | "sgxCode"; label: string; options: string[] }>
> = {
  errno: { field: "errno", label: "errno", options: ERRNOS },
  fault: { field: "fault", label: "exception", options: FAULTS },
  sgx: { field: "sgxCode", label: "SGX error code", options: SGX_CODES },
};

function startingGuess(q: StepQuestion): Guess {
  const b = q.page?.before;
  const perms = b?.valid ? Math.max(0, parsePerms(b.perms)) : 0;
  return {
    result: "ok",
    errno: "EINVAL",
    fault: "#PF 0x8007",
    sgxCode: SGX_CODES[0],
    page: q.page
      ? {
          type: b?.valid ? (b.type ?? "none") : "none",
          r: (perms & E_R) !== 0,
          w: (perms & E_W) !== 0,
          x: (perms & E_X) !== 0,
          pending: b?.pending ?? false,
          modified: b?.modified ?? false,
          pr: b?.pr ?? false,
        }
      : null,
  };
}

interface Answered {
  step: number;
  marks: Mark[];
  reason: string;
}

export function PredictPanel() {
  const info = useExplorer((s) => s.info);
  const step = useExplorer((s) => s.step);
  const seek = useExplorer((s) => s.seek);
  const id = useId();
  const total = info?.steps.length ?? 0;
  const next = step + 1;
  const [question, setQuestion] = useState<StepQuestion | null>(null);
  const [guess, setGuess] = useState<Guess | null>(null);
  const [answered, setAnswered] = useState<Answered | null>(null);
  const [score, setScore] = useState({ right: 0, asked: 0 });
  const [problem, setProblem] = useState<string | null>(null);

  // A new position: the question for the step after it (the page as it is now).
  useEffect(() => {
    setQuestion(null);
    setGuess(null);
    if (!info || next > total) return;
    let live = true;
    stepQuestion(next)
      .then((q) => {
        if (!live) return;
        setQuestion(q);
        setGuess(startingGuess(q));
      })
      .catch((e: Error) => live && setProblem(`The engine could not prepare the question: ${e.message}`));
    return () => {
      live = false;
    };
  }, [info, next, total]);

  if (!info) return <p className="predict-empty">Nothing is loaded yet.</p>;

  async function check(e: FormEvent): Promise<void> {
    e.preventDefault();
    if (!guess || !question) return;
    let outcome: StepOutcome;
    try {
      outcome = await stepOutcome(question.step);
    } catch (err) {
      setProblem(`The engine could not run the step: ${(err as Error).message}`);
      return;
    }
    const marks = grade(guess, outcome);
    const right = marks.every((m) => m.right);
    setScore((s) => ({ right: s.right + (right ? 1 : 0), asked: s.asked + 1 }));
    setAnswered({ step: question.step, marks, reason: outcome.reason });
    await seek(question.step);
  }

  const set = (patch: Partial<Guess>) => guess && setGuess({ ...guess, ...patch });
  const setPage = (patch: Partial<NonNullable<Guess["page"]>>) =>
    guess?.page && setGuess({ ...guess, page: { ...guess.page, ...patch } });
  const showAnswer = answered !== null && answered.step === step;
  const upcoming = next <= total ? info.steps[next - 1] : undefined;
  const where = question?.page ? `${question.page.enclave}+${hex(question.page.offset)}` : "";

  return (
    <section className="predict" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="predict-heading">
        Predict the next step
      </h2>
      <p className="predict-score" role="status">
        {score.asked === 0 ? "No answers yet." : `${score.right} of ${score.asked} right.`}
      </p>
      {problem && (
        <p className="predict-problem" role="alert">
          {problem}
        </p>
      )}

      {showAnswer && (
        <section className="predict-feedback" aria-label="Feedback">
          <h3>
            Step {answered.step}: {answered.marks.every((m) => m.right) ? "all right" : "not quite"}
          </h3>
          <ul className="predict-marks">
            {answered.marks.map((m) => (
              <li key={m.item} className={m.right ? "is-right" : "is-wrong"}>
                <span aria-hidden="true">{m.right ? "✓" : "✗"}</span> <strong>{m.item}</strong>:{" "}
                {m.right ? (
                  m.actual
                ) : (
                  <>
                    you said {m.guessed}; the right answer is <strong>{m.actual}</strong>
                  </>
                )}
              </li>
            ))}
          </ul>
          <p className="predict-reason">{answered.reason}</p>
        </section>
      )}

      {!upcoming ? (
        <p className="predict-empty">This was the last step. Go to the start (Home) to try again.</p>
      ) : !question || !guess ? (
        <p className="predict-empty">Preparing the question…</p>
      ) : (
        <form className="predict-form" onSubmit={(e) => void check(e)}>
          <p className="predict-question">
            Step {next} of {total}: <code>{opSummary(upcoming.op)}</code>
          </p>
          <fieldset>
            <legend>What does user space get back?</legend>
            {(
              [
                ["ok", "Success"],
                ["errno", "The call fails with"],
                ["fault", "The enclave faults: the vDSO reports"],
                ["sgx", "The enclave's SGX instruction (an ENCLU leaf) returns the status code"],
              ] as Array<[ResultKind, string]>
            ).map(([kind, label]) => {
              const detail = DETAIL[kind];
              return (
                <div className="predict-choice" key={kind}>
                  <label>
                    <input
                      type="radio"
                      name={`${id}-result`}
                      checked={guess.result === kind}
                      onChange={() => set({ result: kind })}
                    />{" "}
                    {label}
                  </label>
                  {detail && (
                    <select
                      aria-label={detail.label}
                      value={guess[detail.field]}
                      disabled={guess.result !== kind}
                      onChange={(e) => set({ [detail.field]: e.target.value })}
                    >
                      {detail.options.map((x) => (
                        <option key={x}>{x}</option>
                      ))}
                    </select>
                  )}
                </div>
              );
            })}
          </fieldset>
          {guess.page && (
            <fieldset>
              <legend>
                The EPCM entry of <code>{where}</code> after the step
              </legend>
              <label className="predict-type">
                Page type{" "}
                <select
                  value={guess.page.type}
                  onChange={(e) => setPage({ type: e.target.value as TypeGuess })}
                >
                  {TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t === "none" ? "no EPC page" : t}
                    </option>
                  ))}
                </select>
              </label>
              <div className="predict-bits">
                {(
                  [
                    ["r", "R"],
                    ["w", "W"],
                    ["x", "X"],
                    ["pending", "PENDING"],
                    ["modified", "MODIFIED"],
                    ["pr", "PR"],
                  ] as const
                ).map(([key, label]) => (
                  <label key={key}>
                    <input
                      type="checkbox"
                      checked={guess.page?.[key] ?? false}
                      onChange={(e) => setPage({ [key]: e.target.checked })}
                    />{" "}
                    {label}
                  </label>
                ))}
              </div>
              <p className="predict-hint">Set as the page is now; change what you think the step changes.</p>
            </fieldset>
          )}
          <button type="submit" className="predict-check">
            Check and run step {next}
          </button>
        </form>
      )}
    </section>
  );
}
