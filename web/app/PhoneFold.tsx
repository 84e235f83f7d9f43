// On a phone (narrow screens, phone.css) the explorer shows the stepper and grids first and the
// scenario panel last, folded behind a button; on wider screens the panel is always open and the
// button is not there. The panel stays mounted while folded (the editor keeps its text).
// Names used by tests: button "Scenarios and editor" (aria-expanded).
import { type ReactNode, useEffect, useId, useState } from "react";
import "./phone.css";

/** The width (CSS px) at and below which phone.css lays the explorer out in one column. */
export const PHONE_QUERY = "(max-width: 760px)";

function useNarrow(): boolean {
  const query = typeof window.matchMedia === "function" ? window.matchMedia(PHONE_QUERY) : null;
  const [narrow, setNarrow] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const change = () => setNarrow(query.matches);
    change();
    query.addEventListener("change", change);
    return () => query.removeEventListener("change", change);
  }, [query]);
  return narrow;
}

export function PhoneFold({ label, children }: { label: string; children: ReactNode }) {
  const narrow = useNarrow();
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <>
      {narrow && (
        <button
          type="button"
          className="phone-fold"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen(!open)}
        >
          {label}
        </button>
      )}
      <div id={id} className="phone-fold-body" hidden={narrow && !open}>
        {children}
      </div>
    </>
  );
}
