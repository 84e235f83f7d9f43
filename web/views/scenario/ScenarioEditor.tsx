// The scenario editor: the current scenario's JSON, validated live by the engine (its messages
// name the JSON path of each problem and are marked in the text), with "Run" to load what is
// written. The editor is CodeMirror (code-editor.ts), loaded on demand so that it stays out of
// the page's initial JavaScript; until it arrives (or if it cannot load) a textarea stands in.
// Both are named "Scenario JSON".
import { useEffect, useId, useRef, useState } from "react";
import { validateScenario } from "../../store/engine-queries.ts";
import type { CodeEditor } from "./code-editor.ts";
import "./code-editor.css";

/** Pause in typing before the engine validates the text. */
export const VALIDATE_DELAY_MS = 300;

export type Validity =
  | { state: "empty" }
  | { state: "valid"; steps: number }
  | { state: "invalid"; errors: string[] };

interface Props {
  text: string;
  onChange(text: string): void;
  /** True when the text differs from what is loaded. */
  edited: boolean;
  onRun(): void;
  running: boolean;
  /** Errors from the last Run (shown until the text changes). */
  runErrors: string[] | null;
}

function stepCount(text: string): number {
  try {
    const steps = (JSON.parse(text) as { steps?: unknown }).steps;
    return Array.isArray(steps) ? steps.length : 0;
  } catch {
    return 0;
  }
}

export function ScenarioEditor({ text, onChange, edited, onRun, running, runErrors }: Props) {
  const id = useId();
  // The last result stays shown while a newer text is being checked (no flicker while typing).
  const [validity, setValidity] = useState<Validity>({ state: "empty" });
  const [checking, setChecking] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    const mine = ++seq.current;
    if (text.trim() === "") {
      setChecking(false);
      setValidity({ state: "empty" });
      return;
    }
    setChecking(true);
    const t = setTimeout(() => {
      validateScenario(text)
        .then((errors) => {
          if (mine !== seq.current) return;
          setChecking(false);
          setValidity(
            errors.length === 0 ? { state: "valid", steps: stepCount(text) } : { state: "invalid", errors },
          );
        })
        .catch((e: unknown) => {
          if (mine !== seq.current) return;
          setChecking(false);
          setValidity({
            state: "invalid",
            errors: [`The engine could not check it: ${(e as Error).message}`],
          });
        });
    }, VALIDATE_DELAY_MS);
    return () => clearTimeout(t);
  }, [text]);

  const errors = runErrors ?? (validity.state === "invalid" ? validity.errors : null);

  // CodeMirror, once loaded, replaces the textarea in `host`.
  const host = useRef<HTMLDivElement>(null);
  const standIn = useRef<HTMLTextAreaElement>(null);
  const focusAt = useRef<number | null>(null);
  const code = useRef<CodeEditor | null>(null);
  const [codeReady, setCodeReady] = useState(false);
  const latest = useRef({ text, onChange });
  latest.current = { text, onChange };
  useEffect(() => {
    let cancelled = false;
    import("./code-editor.ts")
      .then(({ createCodeEditor }) => {
        if (cancelled || !host.current) return;
        // Someone already typing in the stand-in keeps their place in the editor.
        const area = standIn.current;
        const typing = area !== null && document.activeElement === area;
        code.current = createCodeEditor({
          host: host.current,
          doc: latest.current.text,
          label: "Scenario JSON",
          onChange: (t) => latest.current.onChange(t),
        });
        setCodeReady(true);
        if (typing) focusAt.current = area.selectionStart;
      })
      .catch(() => {
        // The textarea stays: the scenario can still be edited, without completion.
      });
    return () => {
      cancelled = true;
      code.current?.destroy();
      code.current = null;
    };
  }, []);
  useEffect(() => {
    if (codeReady) code.current?.setText(text);
  }, [text, codeReady]);
  // Once shown (the host is hidden until then), the editor takes over the stand-in's focus.
  useEffect(() => {
    if (!codeReady || focusAt.current === null) return;
    code.current?.focus(focusAt.current);
    focusAt.current = null;
  }, [codeReady]);
  // Marks belong to the text that was checked: only once the check of this text is back.
  const marked = checking && !runErrors ? null : errors;
  useEffect(() => {
    if (codeReady && (!checking || runErrors)) code.current?.setErrors(text, marked);
  }, [codeReady, text, marked, checking, runErrors]);

  return (
    <div className="scn-editor">
      {/* CodeMirror's textbox carries the same name itself (aria-label). */}
      <label htmlFor={codeReady ? undefined : `${id}-json`}>Scenario JSON</label>
      <div className="scn-code" data-ready={codeReady || undefined}>
        <div ref={host} className="scn-code-host" hidden={!codeReady} />
        {!codeReady && (
          <textarea
            ref={standIn}
            id={`${id}-json`}
            value={text}
            spellCheck={false}
            autoComplete="off"
            autoCapitalize="off"
            rows={14}
            aria-describedby={`${id}-check`}
            aria-invalid={errors ? true : undefined}
            onChange={(e) => onChange(e.target.value)}
          />
        )}
      </div>
      <div className="scn-actions">
        <button type="button" className="scn-primary" onClick={onRun} disabled={running}>
          Run
        </button>
        <span id={`${id}-check`} className="scn-check" role="status">
          {checking && "Checking…"}
          {!checking && validity.state === "empty" && "Empty: write a scenario, or pick a built-in flow."}
          {!checking &&
            validity.state === "valid" &&
            `Valid scenario, ${validity.steps} step${validity.steps === 1 ? "" : "s"}${edited ? ": press Run to see it" : ""}.`}
          {!checking && validity.state === "invalid" && !runErrors && "Not valid (see below)."}
        </span>
      </div>
      {errors && (
        <div className="scn-error" role="alert">
          <strong>{runErrors ? "This scenario cannot run:" : "Problems in the scenario:"}</strong>
          <ul>
            {errors.map((m) => (
              <li key={m}>
                <code>{m}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
