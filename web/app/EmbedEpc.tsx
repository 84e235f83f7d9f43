// Embed mode's EPC view: a one-line strip (the EPC's counts and a button) while the step changes
// nothing the enclave view does not already show, and the full EPC grid when it does (the SECS,
// a VA page, another enclave's page, a page leaving the EPC), or when the viewer opens it.
import { useMemo, useState } from "react";
import type { StateView } from "../engine/client.ts";
import { epcCounts } from "../render/pages.ts";
import { useExplorer } from "../store/explorer.ts";

/**
 * How many EPC pages this step (or event) changed that the enclave view of `enclave` does not
 * show as one of its pages: read from the engine's `changed` list, nothing worked out here.
 */
export function epcOnlyChanges(view: StateView, enclave: number): number {
  const { encl, offset } = view.epc;
  let n = 0;
  for (const e of view.changed) if (!(encl[e] === enclave && offset[e] >= 0)) n++;
  return n;
}

/** Whether the embed shows the whole EPC grid: the viewer's choice, else what the step changed. */
export function useEpcShown(): [boolean, (open: boolean) => void] {
  const auto = useExplorer((s) => (s.view ? epcOnlyChanges(s.view, s.enclave) > 0 : false));
  const linked = useExplorer((s) => s.selection?.kind === "epc");
  const [choice, setChoice] = useState<boolean | null>(null);
  return [choice ?? (linked || auto), setChoice];
}

export function EmbedEpcStrip({ open, onToggle }: { open: boolean; onToggle: (open: boolean) => void }) {
  const view = useExplorer((s) => s.view);
  const counts = useMemo(() => (view ? epcCounts(view) : null), [view]);
  if (!counts) return null;
  return (
    <p className="embed-epc-strip">
      <span>
        EPC: {counts.used.toLocaleString()} of {counts.total.toLocaleString()} pages used (SECS {counts.secs},
        VA {counts.va})
      </span>
      <button
        type="button"
        className="stepper-text-button"
        aria-expanded={open}
        onClick={() => onToggle(!open)}
      >
        {open ? "Hide EPC view" : "Show EPC view"}
      </button>
    </p>
  );
}
