// The left column: the built-in flows, the scenario editor (JSON validated live by the engine),
// the "Add a step" form, import/export, and the user's saved scenarios. The editor's text is this
// panel's own state; what is loaded and shown lives in the explorer store.
import { lazy, Suspense, useEffect, useId, useMemo, useRef, useState } from "react";
import { flowScenario, validateScenario } from "../store/engine-queries.ts";
import { useExplorer } from "../store/explorer.ts";
import type { SavedScenario } from "../store/saved.ts";
import { type AppendResult, AppendStepForm } from "./scenario/AppendStepForm.tsx";
import { FlowList } from "./scenario/FlowList.tsx";
import { ImportExport } from "./scenario/ImportExport.tsx";
import { MyScenarios } from "./scenario/MyScenarios.tsx";
import { ScenarioEditor } from "./scenario/ScenarioEditor.tsx";
import {
  appendToScenario,
  buildStep,
  EMPTY_SCENARIO,
  messagesForStep,
  type StepFields,
} from "./scenario/step-form.ts";
import "./scenario.css";

/** The kernel and what-if pickers, loaded as their own chunk. */
const MachinePicker = lazy(() =>
  import("./machine/MachinePicker.tsx").then((m) => ({ default: m.MachinePicker })),
);

function titleOf(scenario: unknown, fallback: string): string {
  const t = (scenario as { title?: unknown } | null)?.title;
  return typeof t === "string" && t.trim() !== "" ? t.trim() : fallback;
}

/** Texts longer than this are not parsed on the main thread just to read their title. */
const PARSE_FOR_TITLE_MAX_CHARS = 256 * 1024;

/**
 * The scenario's title (for saved names and file names). A pasted text of megabytes must not
 * stall the page on every render, so a long text's title is read from its first 64 KiB.
 */
function titleOfText(text: string, fallback: string): string {
  try {
    if (text.length <= PARSE_FOR_TITLE_MAX_CHARS) return titleOf(JSON.parse(text), fallback);
    const m = /^\s*\{[\s\S]*?"title"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(text.slice(0, 65536));
    return m ? titleOf({ title: JSON.parse(m[1]) }, fallback) : fallback;
  } catch {
    return fallback;
  }
}

function pretty(scenario: unknown): string {
  return `${JSON.stringify(scenario, null, 2)}\n`;
}

export function ScenarioPanel() {
  const headingId = useId();
  const source = useExplorer((s) => s.source);
  const loading = useExplorer((s) => s.loading !== null);
  const loadScenario = useExplorer((s) => s.loadScenario);
  const loadFlow = useExplorer((s) => s.loadFlow);

  const [text, setText] = useState("");
  /** The text of what is loaded (null while unknown): the editor is "edited" when it differs. */
  const [loadedText, setLoadedText] = useState<string | null>(null);
  const [runErrors, setRunErrors] = useState<string[] | null>(null);
  /** A scenario this panel loaded itself, with the text it came from (kept as the user wrote it). */
  const ours = useRef<{ scenario: unknown; text: string } | null>(null);

  // Show what is loaded: a built-in flow's scenario, or a custom one (a link, another view...).
  useEffect(() => {
    if (!source) return;
    setRunErrors(null);
    if (source.kind === "custom") {
      if (ours.current?.scenario === source.scenario) return;
      const t = pretty(source.scenario);
      setText(t);
      setLoadedText(t);
      return;
    }
    let cancelled = false;
    flowScenario(source.id)
      .then((scenario) => {
        if (cancelled || !scenario) return;
        const t = pretty(scenario);
        setText(t);
        setLoadedText(t);
      })
      .catch(() => {
        // The flow list or the status bar reports an engine that does not answer.
      });
    return () => {
      cancelled = true;
    };
  }, [source]);

  function edit(t: string): void {
    setText(t);
    setRunErrors(null);
  }

  /** Loads a scenario that came from text the user has (editor, file, saved entry). */
  function runText(t: string, scenario: unknown, name: string): void {
    ours.current = { scenario, text: t };
    setText(t);
    setLoadedText(t);
    setRunErrors(null);
    void loadScenario(scenario, name);
  }

  async function run(): Promise<void> {
    // An unchanged built-in flow runs as itself (its link stays ?flow=<id>).
    if (source?.kind === "flow" && loadedText !== null && text === loadedText) {
      setRunErrors(null);
      return void loadFlow(source.id, undefined, source.machine);
    }
    const errors = await validateScenario(text);
    if (errors.length > 0) return setRunErrors(errors);
    const scenario: unknown = JSON.parse(text);
    runText(text, scenario, titleOf(scenario, "my scenario"));
  }

  async function append(fields: StepFields): Promise<AppendResult> {
    const base = text.trim() === "" ? pretty(EMPTY_SCENARIO) : text;
    const r = appendToScenario(base, buildStep(fields));
    if (!r.ok) return { ok: false, messages: [r.message] };
    const errors = await validateScenario(r.scenario);
    const mine = messagesForStep(errors, r.index);
    if (mine.length > 0) return { ok: false, messages: mine };
    edit(pretty(r.scenario));
    return { ok: true, message: `Added as step ${r.index + 1} (steps[${r.index}]). Press Run to see it.` };
  }

  async function loadSaved(entry: SavedScenario): Promise<void> {
    const errors = await validateScenario(entry.text);
    if (errors.length > 0) {
      // Into the editor, where its problems show; nothing runs until it is fixed.
      edit(entry.text);
      return;
    }
    runText(entry.text, JSON.parse(entry.text), entry.name);
  }

  const edited = loadedText !== null && text !== loadedText;
  const textTitle = useMemo(() => titleOfText(text, ""), [text]);
  const exportName =
    source?.kind === "flow" && !edited
      ? source.id
      : textTitle || (source?.kind === "flow" ? source.id : "scenario");

  return (
    <div className="scenario-panel">
      <FlowList />
      <Suspense fallback={null}>
        <MachinePicker />
      </Suspense>
      <section className="scn-section" aria-labelledby={headingId}>
        <h2 id={headingId}>Scenario</h2>
        <ScenarioEditor
          text={text}
          onChange={edit}
          edited={edited}
          onRun={() => void run()}
          running={loading}
          runErrors={runErrors}
        />
        <ImportExport
          text={text}
          exportName={exportName}
          onImported={(t, scenario, fileName) => runText(t, scenario, titleOf(scenario, fileName))}
        />
        <AppendStepForm onAppend={append} />
      </section>
      <MyScenarios
        text={text}
        suggestedName={textTitle || "my scenario"}
        onLoad={(entry) => void loadSaved(entry)}
      />
    </div>
  );
}
