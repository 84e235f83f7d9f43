// "Copy link": puts a URL that reopens exactly this view on the clipboard (a built-in flow as
// ?flow=&step=, a custom scenario compressed in the hash). Without a clipboard (an insecure
// origin, a refused permission) it shows the link in a selected text field to copy by hand.
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { shareUrl } from "../share/url.ts";
import { useExplorer } from "../store/explorer.ts";
import "./scenario.css";

type Shown = { kind: "copied" } | { kind: "manual"; url: string } | { kind: "error"; message: string } | null;

/** Links longer than this may be cut by chat apps and mail clients. */
const LONG_LINK = 8000;

export function CopyLinkButton() {
  const ready = useExplorer((s) => s.info !== null && s.source !== null && s.loading === null);
  const [shown, setShown] = useState<Shown>(null);
  const fieldRef = useRef<HTMLInputElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const fieldId = useId();

  // "Link copied" goes away by itself; a manual link stays until dismissed.
  useEffect(() => {
    if (shown?.kind !== "copied") return;
    const t = setTimeout(() => setShown(null), 2500);
    return () => clearTimeout(t);
  }, [shown]);

  useEffect(() => {
    if (shown?.kind === "manual") fieldRef.current?.select();
  }, [shown]);

  function close(): void {
    setShown(null);
    buttonRef.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>): void {
    if (e.key === "Escape") {
      e.stopPropagation();
      close();
    }
  }

  async function copy(): Promise<void> {
    const link = shareUrl();
    if (!link.ok) {
      setShown({ kind: "error", message: link.message });
      return;
    }
    try {
      if (!navigator.clipboard?.writeText) throw new Error("no clipboard");
      await navigator.clipboard.writeText(link.url);
      setShown({ kind: "copied" });
    } catch {
      setShown({ kind: "manual", url: link.url });
    }
  }

  return (
    <div className="copy-link">
      <button type="button" ref={buttonRef} onClick={() => void copy()} disabled={!ready}>
        Copy link
      </button>
      <span className="copy-link-status" role="status">
        {shown?.kind === "copied" && "Link copied"}
      </span>
      {shown?.kind === "error" && (
        <div className="copy-link-popover" role="alert">
          {shown.message}{" "}
          <button type="button" className="scn-link" onClick={close}>
            Close
          </button>
        </div>
      )}
      {shown?.kind === "manual" && (
        <div className="copy-link-popover">
          <label htmlFor={fieldId}>The clipboard is not available here: copy this link (Ctrl+C)</label>
          <input
            id={fieldId}
            ref={fieldRef}
            readOnly
            onKeyDown={onKeyDown}
            value={shown.url}
            onFocus={(e) => e.currentTarget.select()}
            aria-describedby={shown.url.length > LONG_LINK ? `${fieldId}-long` : undefined}
          />
          {shown.url.length > LONG_LINK && (
            <p id={`${fieldId}-long`} className="scn-hint">
              This link is {shown.url.length.toLocaleString("en-US")} characters long; some apps cut long
              links. "Export scenario" gives a file instead.
            </p>
          )}
          <button type="button" className="scn-link" onClick={close}>
            Close
          </button>
        </div>
      )}
    </div>
  );
}
