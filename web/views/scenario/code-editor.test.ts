// @vitest-environment happy-dom
// The code editor's contract with ScenarioEditor.tsx: the text it reports, and outside texts
// (a flow loaded) replacing it, without a late echo of its own text undoing newer typing.
import { afterEach, describe, expect, it } from "vitest";
import { type CodeEditor, createCodeEditor } from "./code-editor.ts";

let editor: CodeEditor | undefined;
afterEach(() => {
  editor?.destroy();
  document.body.innerHTML = "";
});

function mount(doc: string, reported: string[]): CodeEditor {
  const host = document.createElement("div");
  document.body.append(host);
  editor = createCodeEditor({ host, doc, label: "Scenario JSON", onChange: (t) => reported.push(t) });
  return editor;
}

const type = (e: CodeEditor, at: number, insert: string) =>
  e.view.dispatch({ changes: { from: at, insert }, userEvent: "input.type" });

describe("createCodeEditor", () => {
  it("reports each change, and takes an outside text without reporting it", () => {
    const reported: string[] = [];
    const e = mount("{}", reported);
    type(e, 1, '"a"');
    expect(reported).toEqual(['{"a"}']);
    e.setText('{"format": "epcm-scenario/1"}');
    expect(e.view.state.doc.toString()).toBe('{"format": "epcm-scenario/1"}');
    expect(reported).toHaveLength(1);
  });

  it("ignores a late echo of its own earlier text, so typing is never undone", () => {
    const reported: string[] = [];
    const e = mount("{}", reported);
    type(e, 1, "1");
    type(e, 2, "2");
    // React hands back the first text after the second was typed: it must not win.
    e.setText(reported[0]);
    expect(e.view.state.doc.toString()).toBe("{12}");
    e.setText(reported[1]);
    expect(e.view.state.doc.toString()).toBe("{12}");
    // A real outside change still replaces the text, and older echoes are forgotten then.
    e.setText("{}");
    expect(e.view.state.doc.toString()).toBe("{}");
    e.setText(reported[0]);
    expect(e.view.state.doc.toString()).toBe("{1}");
  });

  it("names its textbox and marks the engine's messages only on the text they were made for", () => {
    const e = mount('{"format": 1}', []);
    const content = e.view.contentDOM;
    expect(content.getAttribute("aria-label")).toBe("Scenario JSON");
    e.setErrors('{"format": 2}', ["format: stale"]);
    expect(content.getAttribute("aria-invalid")).toBeNull();
    e.setErrors('{"format": 1}', ['format: expected "epcm-scenario/1", got 1']);
    expect(content.getAttribute("aria-invalid")).toBe("true");
    e.setErrors('{"format": 1}', null);
    expect(content.getAttribute("aria-invalid")).toBeNull();
  });
});
