// How the explorer shows the model's inferences (statements with basis "model"): like any other,
// highlighted, or alone. View state only.
import { create } from "zustand";

export type InferredMode = "all" | "highlight" | "only";

export interface BasisViewState {
  inferred: InferredMode;
  setInferred: (mode: InferredMode) => void;
}

export const useBasisView = create<BasisViewState>((set) => ({
  inferred: "all",
  setInferred: (inferred) => set({ inferred }),
}));
