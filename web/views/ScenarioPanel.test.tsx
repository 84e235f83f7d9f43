// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { findFlow } from "../../engine/index.ts";
import { useExplorer } from "../store/explorer.ts";
import { SAVED_PREFIX, useSaved } from "../store/saved.ts";
import { CopyLinkButton } from "./CopyLinkButton.tsx";
import { ScenarioPanel } from "./ScenarioPanel.tsx";
import { THEME_KEY, ThemeToggle } from "./ThemeToggle.tsx";

vi.mock("../engine/client.ts", async () => (await import("../share/test-engine.ts")).testClient);
// The code editor (CodeMirror, e2e/editor.spec.ts) does not load here: these tests drive the
// textarea that stands in for it, as it does while the editor's chunk loads or if it fails to.
vi.mock("./scenario/code-editor.ts", () => {
  throw new Error("the code editor is not loaded in unit tests");
});

const initial = useExplorer.getInitialState();
const state = () => useExplorer.getState();

function editor(): HTMLTextAreaElement {
  return screen.getByLabelText("Scenario JSON") as HTMLTextAreaElement;
}

function editorJson(): { title: string; steps: Array<Record<string, unknown>> } {
  return JSON.parse(editor().value);
}

async function loaded(id = "augment"): Promise<void> {
  await act(() => state().loadFlow(id));
  await waitFor(() => expect(editor().value).toContain(`"title": "${findFlow(id)?.title}"`));
}

beforeEach(() => {
  localStorage.clear();
  useExplorer.setState(initial, true);
  useSaved.setState({ scenarios: [], problems: [] });
});

afterEach(() => {
  cleanup();
});

describe("ScenarioPanel", () => {
  it("lists the built-in flows with their descriptions, marks the current one and loads on click", async () => {
    render(<ScenarioPanel />);
    await loaded();
    const list = screen.getByRole("heading", { name: "Built-in flows" }).parentElement as HTMLElement;
    const current = within(list).getByRole("button", { name: "augment: EAUG on a page fault" });
    expect(current.getAttribute("aria-current")).toBe("true");
    expect(within(list).getByText(findFlow("augment")?.description ?? "")).toBeTruthy();
    const other = findFlow("epcm-permissions");
    fireEvent.click(within(list).getByRole("button", { name: other?.title }));
    await waitFor(() => expect(state().source).toEqual({ kind: "flow", id: "epcm-permissions" }));
    await waitFor(() => expect(editor().value).toContain(`"title": "${other?.title}"`));
  });

  it("validates the editor live with the engine's JSON-path messages", async () => {
    render(<ScenarioPanel />);
    await loaded();
    expect(screen.queryByRole("alert")).toBeNull();
    fireEvent.change(editor(), {
      target: { value: '{"format": "epcm-scenario/1", "steps": [{"op": "mmap", "offset": "8k"}]}' },
    });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain('steps[0].offset: expected a number or a hex string, got "8k"');
    fireEvent.change(editor(), { target: { value: "{ nope" } });
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("not valid JSON"));
  });

  it("runs the edited scenario as a custom one", async () => {
    render(<ScenarioPanel />);
    await loaded();
    const json = editorJson();
    json.title = "edited";
    json.steps = json.steps.slice(0, 3);
    const text = JSON.stringify(json, null, 1);
    fireEvent.change(editor(), { target: { value: text } });
    await screen.findByText(/press Run to see it/);
    fireEvent.click(screen.getByRole("button", { name: "Run" }));
    await waitFor(() => expect(state().source?.kind).toBe("custom"));
    await waitFor(() => expect(state().info?.steps.length).toBe(3));
    expect(state().source?.kind === "custom" && state().source).toMatchObject({ name: "edited" });
    // What the user wrote stays as written.
    expect(editor().value).toBe(text);
  });

  it("appends a step from the form, and explains a bad field", async () => {
    render(<ScenarioPanel />);
    await loaded();
    const before = editorJson().steps.length;
    fireEvent.change(screen.getByLabelText("Operation"), { target: { value: "ioctl" } });
    fireEvent.change(screen.getByLabelText("cmd"), { target: { value: "SGX_IOC_ENCLAVE_MODIFY_TYPES" } });
    fireEvent.change(screen.getByLabelText("offset"), { target: { value: "0x5000" } });
    fireEvent.click(screen.getByRole("button", { name: "Append step" }));
    await waitFor(() => expect(editorJson().steps.length).toBe(before + 1));
    expect(editorJson().steps[before]).toEqual({
      op: "ioctl",
      cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES",
      arg: { offset: "0x5000", length: "0x1000", page_type: "TRIM" },
    });
    expect(screen.getByText(/Added as step/)).toBeTruthy();

    fireEvent.change(screen.getByLabelText("Operation"), { target: { value: "EENTER" } });
    fireEvent.change(screen.getByLabelText("call"), { target: { value: "EACCEPT" } });
    fireEvent.change(screen.getByLabelText("addr"), { target: { value: "0xzz" } });
    fireEvent.click(screen.getByRole("button", { name: "Append step" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("The step was not added");
    expect(alert.textContent).toContain('addr: expected a number or a hex string, got "0xzz"');
    expect(editorJson().steps.length).toBe(before + 1);
  });

  it("saves to My scenarios, survives a new mount, loads, deletes and undoes", async () => {
    const { unmount } = render(<ScenarioPanel />);
    await loaded();
    fireEvent.change(screen.getByLabelText("Scenario name"), { target: { value: "kept" } });
    fireEvent.click(screen.getByRole("button", { name: "Save scenario" }));
    await screen.findByText("Saved “kept”.");
    unmount();
    useSaved.setState({ scenarios: [], problems: [] });

    render(<ScenarioPanel />);
    const list = await screen.findByRole("list", { name: "Saved scenarios" });
    expect(within(list).getByText("kept", { selector: ".saved-name" })).toBeTruthy();
    fireEvent.click(within(list).getByRole("button", { name: "Load kept" }));
    await waitFor(() => expect(state().source).toMatchObject({ kind: "custom", name: "kept" }));

    fireEvent.click(within(list).getByRole("button", { name: "Delete kept" }));
    await waitFor(() => expect(screen.queryByRole("list", { name: "Saved scenarios" })).toBeNull());
    fireEvent.click(screen.getByRole("button", { name: "Undo" }));
    await screen.findByRole("list", { name: "Saved scenarios" });
  });

  it("reports a corrupted saved entry and still lists the rest", async () => {
    localStorage.setItem(`${SAVED_PREFIX}bad`, "{ broken");
    localStorage.setItem(
      `${SAVED_PREFIX}good`,
      JSON.stringify({ id: "good", name: "fine", text: "{}", savedAt: 1 }),
    );
    render(<ScenarioPanel />);
    const list = await screen.findByRole("list", { name: "Saved scenarios" });
    expect(within(list).getByText("fine", { selector: ".saved-name" })).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toMatch(
      /could not be read \(it is not valid JSON\); it was set aside/,
    );
  });

  it("refuses a bad import file without losing anything", async () => {
    localStorage.setItem(
      `${SAVED_PREFIX}x`,
      JSON.stringify({ id: "x", name: "mine", text: "{}", savedAt: 1 }),
    );
    render(<ScenarioPanel />);
    await loaded();
    const before = editor().value;
    const file = new File(['{"format": "epcm-trace/1"}'], "trace.json", { type: "application/json" });
    fireEvent.change(screen.getByLabelText("Import scenario"), { target: { files: [file] } });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("“trace.json” is not a scenario EPCM Explorer can run");
    expect(alert.textContent).toContain("this is a trace, not a scenario");
    expect(editor().value).toBe(before);
    expect(state().source).toEqual({ kind: "flow", id: "augment" });
    expect(localStorage.getItem(`${SAVED_PREFIX}x`)).not.toBeNull();
  });

  it("imports a good file and runs it", async () => {
    render(<ScenarioPanel />);
    await loaded();
    const text = JSON.stringify({ ...findFlow("augment")?.scenario, title: "from a file" });
    fireEvent.change(screen.getByLabelText("Import scenario"), {
      target: { files: [new File([text], "mine.json", { type: "application/json" })] },
    });
    await waitFor(() => expect(state().source).toMatchObject({ kind: "custom", name: "from a file" }));
    expect(editor().value).toBe(text);
    expect(screen.getByText("Imported “mine.json”.")).toBeTruthy();
  });
});

describe("ThemeToggle", () => {
  it("sets data-theme, remembers it, and removes it for system", () => {
    render(<ThemeToggle />);
    const select = screen.getByLabelText("Theme") as HTMLSelectElement;
    expect(select.value).toBe("system");
    fireEvent.change(select, { target: { value: "dark" } });
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem(THEME_KEY)).toBe("dark");
    expect(state().theme).toBe("dark");
    fireEvent.change(select, { target: { value: "system" } });
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
  });
});

describe("CopyLinkButton", () => {
  it("copies the share link and confirms", async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await act(() => state().loadFlow("augment", 5));
    render(<CopyLinkButton />);
    fireEvent.click(screen.getByRole("button", { name: "Copy link" }));
    await screen.findByText("Link copied");
    expect(writeText).toHaveBeenCalledWith(
      `${window.location.origin}${window.location.pathname}?flow=augment&step=5`,
    );
  });

  it("shows a selectable field when the clipboard is unavailable", async () => {
    Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
    await act(() => state().loadFlow("augment", 2));
    render(<CopyLinkButton />);
    fireEvent.click(screen.getByRole("button", { name: "Copy link" }));
    const field = (await screen.findByLabelText(/copy this link/)) as HTMLInputElement;
    expect(field.value).toMatch(/\?flow=augment&step=2$/);
  });
});
