// Which tab of the right-hand panel is open. Kept apart from the explorer store: it is view
// state only, and tours, predict mode, reviewer mode and the API history each switch to their tab.
import { create } from "zustand";

export type PanelTab = "explain" | "tour" | "predict" | "review" | "history";

export const PANEL_TABS: ReadonlyArray<{ id: PanelTab; label: string }> = [
  { id: "explain", label: "What happened" },
  { id: "tour", label: "Tour" },
  { id: "predict", label: "Predict" },
  { id: "review", label: "Reviewer" },
  { id: "history", label: "API history" },
];

interface PanelsState {
  tab: PanelTab;
  setTab: (tab: PanelTab) => void;
}

export const usePanels = create<PanelsState>((set) => ({
  tab: "explain",
  setTab: (tab) => set({ tab }),
}));
