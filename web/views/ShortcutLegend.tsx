// The keyboard shortcut legend: a dialog listing every shortcut, opened with `?` or the
// "Keyboard shortcuts" button, closed with Escape, its Close button or `?` again.
import { useEffect, useRef } from "react";
import { SHORTCUTS, useLegend } from "./keyboard.ts";
import "./time.css";

export function ShortcutLegend() {
  const open = useLegend((s) => s.open);
  const setOpen = useLegend((s) => s.setOpen);
  const ref = useRef<HTMLDialogElement>(null);
  const returnFocus = useRef<Element | null>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      returnFocus.current = document.activeElement;
      if (typeof d.showModal === "function") d.showModal();
      else d.setAttribute("open", "");
    } else if (!open && d.open) {
      if (typeof d.close === "function") d.close();
      else d.removeAttribute("open");
    }
    if (!open && returnFocus.current instanceof HTMLElement) {
      returnFocus.current.focus();
      returnFocus.current = null;
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="shortcut-legend"
      aria-labelledby="shortcut-legend-title"
      onClose={() => setOpen(false)}
      onCancel={(e) => {
        e.preventDefault();
        setOpen(false);
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          setOpen(false);
        }
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (e.target === e.currentTarget) setOpen(false);
      }}
    >
      <div className="shortcut-legend-body">
        <h2 id="shortcut-legend-title">Keyboard shortcuts</h2>
        <table className="shortcut-table">
          <thead>
            <tr>
              <th scope="col">Keys</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <td>
                  {s.keys.map((k, i) => (
                    <span key={k}>
                      {i > 0 && " + "}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </td>
                <td>{s.label}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="shortcut-note">
          Shortcuts do not act while you type in a field, or with Ctrl, Alt or ⌘ held. Press <kbd>Esc</kbd> to
          close.
        </p>
        <div className="shortcut-actions">
          <button type="button" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      </div>
    </dialog>
  );
}
