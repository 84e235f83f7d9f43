// The scenario editor proper: CodeMirror 6 with JSON highlighting, completion from the
// scenario's JSON Schema (schema-complete.ts) and inline marks at the JSON path of each message
// the engine's validator reports (json-scan.ts). Loaded lazily by ScenarioEditor.tsx (a dynamic
// import keeps CodeMirror out of the page's initial JavaScript); until it arrives a plain
// textarea stands in.
//
// Accessibility: the content element is a textbox named "Scenario JSON" (aria-label: an IDREF
// cannot reach out of the shadow root), aria-invalid while the engine reports problems; the
// completion list is CodeMirror's listbox of options.

import {
  autocompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { Compartment, EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { scenarioSchema as schema } from "../../engine/scenario-schema.ts";
import { marksFor } from "./json-scan.ts";
import { completeAt } from "./schema-complete.ts";

export interface CodeEditorOptions {
  /** The element the editor lives in (inside a shadow root of its own, see createCodeEditor). */
  host: HTMLElement;
  doc: string;
  /** The editor's accessible name ("Scenario JSON"). */
  label: string;
  onChange(text: string): void;
}

export interface CodeEditor {
  /**
   * Replaces the whole text (a flow was loaded); no onChange. A text the editor itself reported
   * (an echo arriving after further typing) is ignored.
   */
  setText(text: string): void;
  /** Marks the engine's messages in the text they were made for (ignored if the text moved on). */
  setErrors(text: string, messages: readonly string[] | null): void;
  /** Focuses the editor, with the cursor at `at` when given. */
  focus(at?: number): void;
  destroy(): void;
  readonly view: EditorView;
}

/** Completion from the schema: keys an object may still take, values a field accepts. */
function schemaCompletion(context: CompletionContext): CompletionResult | null {
  const text = context.state.doc.toString();
  const r = completeAt(schema, text, context.pos);
  if (!r) return null;
  const typedChar = context.pos > 0 ? text[context.pos - 1] : "";
  // While typing, open only inside a word, after a quote or after "|"; Ctrl+Space opens anywhere.
  if (!context.explicit && !/[\w"|$]/.test(typedChar) && r.from === context.pos) return null;
  // In the schema's order (ops as the contract lists them, required fields first...).
  const options: Completion[] = r.items.map((item, i) => ({
    boost: Math.max(-99, 99 - i),
    label: item.label,
    apply: item.apply,
    type: item.type,
    info: item.info,
  }));
  return { from: r.from, to: r.to, options, validFor: /^[\w$]*$/ };
}

const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: "var(--accent)" },
  { tag: tags.string, color: "var(--cm-string, var(--fg))" },
  { tag: [tags.number, tags.bool, tags.null], color: "var(--cm-number, var(--fg))", fontWeight: "600" },
  { tag: [tags.brace, tags.squareBracket, tags.separator, tags.punctuation], color: "var(--muted)" },
]);

const theme = EditorView.theme({
  "&": {
    height: "100%",
    color: "var(--fg)",
    backgroundColor: "var(--bg)",
    border: "1px solid var(--border)",
    borderRadius: "6px",
    fontSize: "0.82rem",
  },
  "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "2px" },
  ".cm-scroller": {
    overflow: "auto",
    fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
    lineHeight: "1.4",
  },
  ".cm-content": { caretColor: "var(--fg)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--fg)" },
  ".cm-gutters": {
    backgroundColor: "var(--panel)",
    color: "var(--muted)",
    borderRight: "1px solid var(--border)",
  },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent) 7%, transparent)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "color-mix(in srgb, var(--accent) 28%, transparent)",
  },
  ".cm-tooltip": {
    backgroundColor: "var(--panel)",
    color: "var(--fg)",
    border: "1px solid var(--border)",
  },
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": {
    backgroundColor: "var(--accent)",
    color: "var(--bg)",
  },
  // Tall enough for every list the schema offers (12 ops, 11 SECINFO names): a list that
  // scrolls would be a scrollable region without keyboard focus of its own (the textbox drives it).
  ".cm-tooltip.cm-tooltip-autocomplete > ul": { maxHeight: "none" },
  ".cm-completionInfo": { maxWidth: "22rem", whiteSpace: "normal" },
  ".cm-diagnostic-error": { borderLeftColor: "var(--error-fg)" },
  ".cm-lintRange-error": {
    backgroundImage: "none",
    textDecoration: "underline wavy var(--error-fg)",
    textDecorationSkipInk: "none",
  },
});

/** The DOM selection inside the editor as document positions, or null when it is collapsed or elsewhere. */
function domSelection(view: EditorView): { from: number; to: number } | null {
  const root = view.root as Document & { getSelection?: () => Selection | null };
  const sel = typeof root.getSelection === "function" ? root.getSelection() : document.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const r = sel.getRangeAt(0);
  if (!view.contentDOM.contains(r.startContainer) || !view.contentDOM.contains(r.endContainer)) return null;
  const a = view.posAtDOM(r.startContainer, r.startOffset);
  const b = view.posAtDOM(r.endContainer, r.endOffset);
  return a === b ? null : { from: Math.min(a, b), to: Math.max(a, b) };
}

/**
 * Text typed or inserted over a selection replaces it through the editor, not through the
 * browser's own editing: Chromium, deleting a selection across lines, keeps the look of what
 * it merged with inline style attributes, which the Content-Security-Policy refuses. The
 * selection is the DOM's when it has one (a selection the editor has not read yet, as a script
 * or an assistive tool makes it), else the editor's.
 */
const replaceSelectionOnInput = EditorView.domEventHandlers({
  beforeinput(event, view) {
    if (event.inputType !== "insertText" && event.inputType !== "insertReplacementText") return false;
    const text = event.data ?? event.dataTransfer?.getData("text/plain");
    if (typeof text !== "string") return false;
    const dom = domSelection(view);
    if (!dom && view.state.selection.ranges.every((r) => r.empty)) return false;
    event.preventDefault();
    const spec = dom
      ? { changes: { ...dom, insert: text }, selection: { anchor: dom.from + text.length } }
      : view.state.replaceSelection(text);
    view.dispatch(spec, { userEvent: "input.type", scrollIntoView: true });
    return true;
  },
});

export function createCodeEditor(options: CodeEditorOptions): CodeEditor {
  const attributes = new Compartment();
  let silent = false;
  // The texts this editor reported since the last outside change. React hands each back through
  // setText a render later, when the user may have typed on: those echoes must not undo typing.
  const reported: string[] = [];
  const contentAttributes = (invalid: boolean) =>
    EditorView.contentAttributes.of({
      "aria-label": options.label,
      // Focusable by its own attribute too, so that checkers see the scrolling editor reachable
      // by keyboard (contenteditable alone is not counted); it adds no tab stop.
      tabindex: "0",
      "aria-multiline": "true",
      spellcheck: "false",
      autocapitalize: "off",
      autocorrect: "off",
      ...(invalid ? { "aria-invalid": "true" } : {}),
    });
  // CodeMirror injects its styles; in a document it would add a <style> element, which the
  // site's Content-Security-Policy (style-src 'self') refuses. In a shadow root it adopts a
  // constructed style sheet, which the policy allows. Theme colours still come from the page's
  // CSS variables, which inherit into the shadow root.
  const root = options.host.shadowRoot ?? options.host.attachShadow({ mode: "open" });
  const view = new EditorView({
    root,
    parent: root,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        json(),
        syntaxHighlighting(highlight),
        autocompletion({ override: [schemaCompletion], icons: false }),
        keymap.of([
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...historyKeymap,
          ...completionKeymap,
          ...lintKeymap,
          indentWithTab,
        ]),
        EditorState.tabSize.of(2),
        theme,
        attributes.of(contentAttributes(false)),
        replaceSelectionOnInput,
        EditorView.updateListener.of((u) => {
          if (!u.docChanged || silent) return;
          const text = u.state.doc.toString();
          reported.push(text);
          if (reported.length > 64) reported.shift();
          options.onChange(text);
        }),
      ],
    }),
  });
  // The whole text for readers outside React (browser tests, extensions): CodeMirror draws only
  // the lines in view, so the DOM does not hold it.
  Object.defineProperty(view.dom, "editorText", { get: () => view.state.doc.toString() });
  Object.defineProperty(view.dom, "editorCursor", { get: () => view.state.selection.main.head });
  let shownFor: string | null = null;
  return {
    view,
    setText(text) {
      if (text === view.state.doc.toString() || reported.includes(text)) return;
      reported.length = 0;
      silent = true;
      try {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      } finally {
        silent = false;
      }
    },
    setErrors(text, messages) {
      const current = view.state.doc.toString();
      if (text !== current) return;
      const key = messages ? `${messages.join("\n")}` : "";
      if (shownFor === key) return;
      shownFor = key;
      const diagnostics: Diagnostic[] = (messages ? marksFor(current, messages) : []).map((m) => ({
        from: m.from,
        to: m.to,
        severity: "error",
        message: m.message,
      }));
      view.dispatch(setDiagnostics(view.state, diagnostics), {
        effects: attributes.reconfigure(contentAttributes(diagnostics.length > 0 || !!messages?.length)),
      });
    },
    focus(at) {
      if (at !== undefined) view.dispatch({ selection: { anchor: Math.min(at, view.state.doc.length) } });
      view.focus();
    },
    destroy() {
      view.destroy();
    },
  };
}
