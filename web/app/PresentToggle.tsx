// The header's "Presentation mode" switch: larger type, the scenario panel and the EPC usage
// chart set aside (present.css). The mode is a class on <html>, so the whole page follows it.
import { useEffect } from "react";
import { usePresentMode } from "../store/present.ts";
import "./present.css";

export function PresentToggle() {
  const on = usePresentMode((s) => s.on);
  const setOn = usePresentMode((s) => s.setOn);
  useEffect(() => {
    document.documentElement.classList.toggle("present", on);
  }, [on]);
  return (
    <div className="present-toggle">
      <button type="button" aria-pressed={on} onClick={() => setOn(!on)} title="Larger type, fewer panels">
        Presentation mode
      </button>
    </div>
  );
}
