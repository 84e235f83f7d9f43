// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useExplorer } from "../store/explorer.ts";
import { flowSession } from "./fixtures.ts";
import { handleShortcutKey, isTypingTarget, type KeyLike, shortcutFor, useLegend } from "./keyboard.ts";

function key(k: string, init: Partial<KeyLike> = {}): KeyLike {
  return {
    key: k,
    shiftKey: false,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    target: document.body,
    ...init,
  };
}

function press(k: string, target: Element = document.body, init: KeyboardEventInit = {}): KeyboardEvent {
  const e = new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(e);
  return e;
}

describe("shortcutFor", () => {
  it("maps the keys to actions", () => {
    expect(shortcutFor(key("ArrowRight"))).toBe("stepForward");
    expect(shortcutFor(key("ArrowLeft"))).toBe("stepBack");
    expect(shortcutFor(key("ArrowRight", { shiftKey: true }))).toBe("eventForward");
    expect(shortcutFor(key("ArrowLeft", { shiftKey: true }))).toBe("eventBack");
    expect(shortcutFor(key(" "))).toBe("playPause");
    expect(shortcutFor(key("Home"))).toBe("toStart");
    expect(shortcutFor(key("End"))).toBe("toEnd");
    expect(shortcutFor(key("?", { shiftKey: true }))).toBe("legend");
    expect(shortcutFor(key("a"))).toBeNull();
  });

  it("never acts with Ctrl, Meta or Alt held", () => {
    for (const mod of ["ctrlKey", "metaKey", "altKey"] as const) {
      expect(shortcutFor(key("ArrowRight", { [mod]: true }))).toBeNull();
      expect(shortcutFor(key("Home", { [mod]: true }))).toBeNull();
    }
  });

  it("never acts while typing in a field", () => {
    document.body.innerHTML = `
      <input id="i" type="text"><textarea id="t"></textarea><select id="s"><option>a</option></select>
      <div id="c" contenteditable="true"><span id="cs">x</span></div><div id="n" contenteditable="false"></div>`;
    for (const id of ["i", "t", "s", "c", "cs"]) {
      const target = document.getElementById(id);
      expect(isTypingTarget(target)).toBe(true);
      for (const k of ["ArrowRight", "ArrowLeft", " ", "Home", "End", "?"])
        expect(shortcutFor(key(k, { target }))).toBeNull();
    }
    expect(isTypingTarget(document.getElementById("n"))).toBe(false);
    expect(isTypingTarget(document.body)).toBe(false);
  });

  it("sees through a shadow root: typing in an editor inside one is not a shortcut", () => {
    document.body.innerHTML = `<div id="host"></div>`;
    const host = document.getElementById("host") as HTMLElement;
    const root = host.attachShadow({ mode: "open" });
    root.innerHTML = `<div contenteditable="true" id="content">text</div>`;
    const content = root.getElementById("content") as HTMLElement;
    // A listener on the window sees the host as the target; the path starts inside the editor.
    const inEditor = (k: string) => key(k, { target: host, composedPath: () => [content, root, host] });
    for (const k of [" ", "?", "ArrowRight", "End"]) expect(shortcutFor(inEditor(k)), k).toBeNull();
    // The same keys on the host itself (outside the editor) are shortcuts.
    expect(shortcutFor(key("?", { target: host }))).toBe("legend");
  });

  it("leaves Space to a focused button and arrows to widgets that use them", () => {
    document.body.innerHTML = `<button id="b">x</button><div role="slider" id="r" tabindex="0"></div>`;
    const button = document.getElementById("b");
    expect(shortcutFor(key(" ", { target: button }))).toBeNull();
    expect(shortcutFor(key("ArrowRight", { target: button }))).toBe("stepForward");
    expect(shortcutFor(key("ArrowRight", { target: document.getElementById("r") }))).toBeNull();
  });

  it("ignores events a component already handled, and held-down Space", () => {
    expect(shortcutFor(key("ArrowRight", { defaultPrevented: true }))).toBeNull();
    expect(shortcutFor(key(" ", { repeat: true }))).toBeNull();
    expect(shortcutFor(key("ArrowRight", { repeat: true }))).toBe("stepForward");
  });
});

describe("handleShortcutKey", () => {
  const actions = {
    stepForward: vi.fn(async () => {}),
    stepBack: vi.fn(async () => {}),
    eventForward: vi.fn(async () => {}),
    eventBack: vi.fn(async () => {}),
    toStart: vi.fn(async () => {}),
    toEnd: vi.fn(async () => {}),
    play: vi.fn(),
    pause: vi.fn(),
  };
  const initial = useExplorer.getState();

  beforeEach(() => {
    for (const f of Object.values(actions)) f.mockClear();
    useExplorer.setState({ ...actions, info: flowSession("augment").info, playing: false });
    useLegend.setState({ open: false });
    window.addEventListener("keydown", handleShortcutKey);
  });

  afterEach(() => {
    window.removeEventListener("keydown", handleShortcutKey);
    useExplorer.setState(initial, true);
    document.body.innerHTML = "";
  });

  it("runs the store's actions and prevents the browser's default", () => {
    const e = press("ArrowRight");
    expect(actions.stepForward).toHaveBeenCalledTimes(1);
    expect(e.defaultPrevented).toBe(true);
    press("ArrowLeft");
    press("ArrowRight", document.body, { shiftKey: true });
    press("ArrowLeft", document.body, { shiftKey: true });
    press("Home");
    press("End");
    expect(actions.stepBack).toHaveBeenCalledTimes(1);
    expect(actions.eventForward).toHaveBeenCalledTimes(1);
    expect(actions.eventBack).toHaveBeenCalledTimes(1);
    expect(actions.toStart).toHaveBeenCalledTimes(1);
    expect(actions.toEnd).toHaveBeenCalledTimes(1);
  });

  it("plays and pauses with Space; a manual step pauses", () => {
    press(" ");
    expect(actions.play).toHaveBeenCalledTimes(1);
    useExplorer.setState({ playing: true });
    press(" ");
    expect(actions.pause).toHaveBeenCalledTimes(1);
    press("ArrowRight");
    expect(actions.pause).toHaveBeenCalledTimes(2);
    expect(actions.stepForward).toHaveBeenCalledTimes(1);
  });

  it("does not step while typing in a text field", () => {
    document.body.innerHTML = `<input id="i" type="text">`;
    const input = document.getElementById("i") as HTMLInputElement;
    const e = press("ArrowRight", input);
    press(" ", input);
    press("End", input);
    expect(actions.stepForward).not.toHaveBeenCalled();
    expect(actions.play).not.toHaveBeenCalled();
    expect(actions.toEnd).not.toHaveBeenCalled();
    expect(e.defaultPrevented).toBe(false);
  });

  it("toggles the legend with ?, and only ? acts while it is open", () => {
    press("?", document.body, { shiftKey: true });
    expect(useLegend.getState().open).toBe(true);
    press("ArrowRight");
    expect(actions.stepForward).not.toHaveBeenCalled();
    press("?", document.body, { shiftKey: true });
    expect(useLegend.getState().open).toBe(false);
  });

  it("does nothing without a loaded run", () => {
    useExplorer.setState({ info: null });
    press("ArrowRight");
    expect(actions.stepForward).not.toHaveBeenCalled();
  });
});
