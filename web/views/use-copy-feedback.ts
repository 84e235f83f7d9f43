// Text for the user to take away: to the clipboard, or, where there is none (an insecure origin, a
// refused permission), into a selected field to copy by hand. What "Copy link" and "Export"
// share: the message state, its timeout, Escape and the focus going back to the button.
import { type KeyboardEvent, type RefObject, useEffect, useRef, useState } from "react";

export type CopyShown =
  | { kind: "done"; message: string }
  | { kind: "manual"; what: string; text: string }
  | { kind: "error"; message: string }
  | null;

export function useCopyFeedback<F extends HTMLInputElement | HTMLTextAreaElement>(
  buttonRef: RefObject<HTMLButtonElement | null>,
  onClose?: () => void,
) {
  const [shown, setShown] = useState<CopyShown>(null);
  const fieldRef = useRef<F>(null);

  // A "done" message goes away by itself; a manual field stays until dismissed.
  useEffect(() => {
    if (shown?.kind !== "done") return;
    const t = setTimeout(() => setShown(null), 2500);
    return () => clearTimeout(t);
  }, [shown]);

  useEffect(() => {
    if (shown?.kind === "manual") fieldRef.current?.select();
  }, [shown]);

  function close(): void {
    setShown(null);
    onClose?.();
    buttonRef.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent): void {
    if (e.key === "Escape") {
      e.stopPropagation();
      close();
    }
  }

  /** Copies `text`; says `done` when the clipboard took it, else shows it to copy by hand. */
  async function copy(what: string, text: string, done: string): Promise<void> {
    try {
      if (!navigator.clipboard?.writeText) throw new Error("no clipboard");
      await navigator.clipboard.writeText(text);
      setShown({ kind: "done", message: done });
    } catch {
      setShown({ kind: "manual", what, text });
    }
  }

  return { shown, setShown, fieldRef, close, onKeyDown, copy };
}
