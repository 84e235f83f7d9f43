// The explorer's keyboard shortcuts: arrows step (Shift: events inside a step), Space plays and
// pauses, Home/End jump, `?` shows the legend. They never fire while the user types in a field,
// with Ctrl/Meta/Alt held, or where the focused control uses the key itself.
import { useEffect } from "react";
import { create } from "zustand";
import { useExplorer } from "../store/explorer.ts";

export type ShortcutAction =
  | "stepBack"
  | "stepForward"
  | "eventBack"
  | "eventForward"
  | "playPause"
  | "toStart"
  | "toEnd"
  | "legend";

/** Every shortcut, as the legend lists it. */
export const SHORTCUTS: Array<{ keys: string[]; label: string; action: ShortcutAction }> = [
  { keys: ["→"], label: "Step forward", action: "stepForward" },
  { keys: ["←"], label: "Step back", action: "stepBack" },
  { keys: ["Shift", "→"], label: "Next event (step into the op)", action: "eventForward" },
  { keys: ["Shift", "←"], label: "Previous event", action: "eventBack" },
  { keys: ["Space"], label: "Play / Pause", action: "playPause" },
  { keys: ["Home"], label: "Go to start", action: "toStart" },
  { keys: ["End"], label: "Go to end", action: "toEnd" },
  { keys: ["?"], label: "Show or hide this list", action: "legend" },
];

/** Whether the shortcut legend is open (a view option, not explorer state). */
export const useLegend = create<{ open: boolean; setOpen(open: boolean): void; toggle(): void }>(
  (set, get) => ({
    open: false,
    setOpen: (open) => set({ open }),
    toggle: () => set({ open: !get().open }),
  }),
);

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  repeat?: boolean;
  defaultPrevented?: boolean;
  target: EventTarget | null;
  /** The event's path; its first entry is the element inside a shadow root (the code editor's). */
  composedPath?(): EventTarget[];
}

function asElement(target: EventTarget | null): Element | null {
  return target && typeof (target as Element).closest === "function" ? (target as Element) : null;
}

/** True when the target is a field the user types in (input, textarea, select, contenteditable). */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = asElement(target);
  if (!el) return false;
  if (el.closest("input, textarea, select")) return true;
  if ((el as HTMLElement).isContentEditable) return true;
  const editable = el.closest("[contenteditable]");
  return editable !== null && editable.getAttribute("contenteditable") !== "false";
}

/** Controls that act on Space themselves (it clicks them): Space must not also play. */
const SPACE_OWNERS =
  'button, a[href], summary, [role="button"], [role="checkbox"], [role="switch"], [role="tab"], [role="menuitem"], [role="option"], [role="radio"]';
/** Widgets that move with the arrow keys themselves. */
const ARROW_OWNERS =
  '[role="slider"], [role="listbox"], [role="tablist"], [role="menu"], [role="radiogroup"], [role="grid"], [role="tree"], [role="spinbutton"]';

/** The action a key press asks for, or null when it is not a shortcut here. */
export function shortcutFor(e: KeyLike): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return null;
  // A listener on the window sees a shadow root's host as the target: look inside it.
  const target = e.composedPath?.()[0] ?? e.target;
  if (isTypingTarget(target)) return null;
  const el = asElement(target);
  const arrow = e.key === "ArrowLeft" || e.key === "ArrowRight";
  if (arrow && el?.closest(ARROW_OWNERS)) return null;
  switch (e.key) {
    case "ArrowRight":
      return e.shiftKey ? "eventForward" : "stepForward";
    case "ArrowLeft":
      return e.shiftKey ? "eventBack" : "stepBack";
    case " ":
    case "Spacebar":
      if (e.repeat || e.shiftKey || el?.closest(SPACE_OWNERS)) return null;
      return "playPause";
    case "Home":
      return e.shiftKey ? null : "toStart";
    case "End":
      return e.shiftKey ? null : "toEnd";
    case "?":
      return e.repeat ? null : "legend";
    default:
      return null;
  }
}

/** Runs a shortcut's action on the store. Manual moves pause playback. */
export function runShortcut(action: ShortcutAction): void {
  const s = useExplorer.getState();
  if (action === "legend") {
    useLegend.getState().toggle();
    return;
  }
  if (action === "playPause") {
    if (s.playing) s.pause();
    else s.play();
    return;
  }
  if (!s.info) return;
  if (s.playing) s.pause();
  const run: Record<Exclude<ShortcutAction, "legend" | "playPause">, () => Promise<void>> = {
    stepBack: s.stepBack,
    stepForward: s.stepForward,
    eventBack: s.eventBack,
    eventForward: s.eventForward,
    toStart: s.toStart,
    toEnd: s.toEnd,
  };
  void run[action]();
}

/** Handles a keydown; returns whether it was a shortcut (and so prevented the default). */
export function handleShortcutKey(e: KeyboardEvent): boolean {
  const action = shortcutFor(e);
  if (!action) return false;
  // While the legend is open, only `?` (and the dialog's own Escape) act.
  if (useLegend.getState().open && action !== "legend") return false;
  e.preventDefault();
  runShortcut(action);
  return true;
}

/** Mounted once by the app: listens for the shortcuts on the window. */
export function useKeyboardShortcuts(): void {
  useEffect(() => {
    window.addEventListener("keydown", handleShortcutKey);
    return () => window.removeEventListener("keydown", handleShortcutKey);
  }, []);
}
