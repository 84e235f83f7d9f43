// "Copy link": puts a URL that reopens exactly this view on the clipboard (a built-in flow as
// ?flow=&step=, a custom scenario compressed in the hash). Without a clipboard (an insecure
// origin, a refused permission) it shows the link in a selected text field to copy by hand.
import { useId, useRef } from "react";
import { shareUrl } from "../share/url.ts";
import { useExplorer } from "../store/explorer.ts";
import { useCopyFeedback } from "./use-copy-feedback.ts";
import "./scenario.css";

/** Links longer than this may be cut by chat apps and mail clients. */
const LONG_LINK = 8000;

export function CopyLinkButton() {
  const ready = useExplorer((s) => s.info !== null && s.source !== null && s.loading === null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const { shown, setShown, fieldRef, close, onKeyDown, copy } = useCopyFeedback<HTMLInputElement>(buttonRef);
  const fieldId = useId();

  function copyLink(): void {
    const link = shareUrl();
    if (!link.ok) setShown({ kind: "error", message: link.message });
    else void copy("link", link.url, "Link copied");
  }

  return (
    <div className="copy-link">
      <button type="button" ref={buttonRef} onClick={copyLink} disabled={!ready}>
        Copy link
      </button>
      <span className="copy-link-status" role="status">
        {shown?.kind === "done" && shown.message}
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
            value={shown.text}
            onFocus={(e) => e.currentTarget.select()}
            aria-describedby={shown.text.length > LONG_LINK ? `${fieldId}-long` : undefined}
          />
          {shown.text.length > LONG_LINK && (
            <p id={`${fieldId}-long`} className="scn-hint">
              This link is {shown.text.length.toLocaleString("en-US")} characters long; some apps cut long
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
