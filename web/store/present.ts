// Presentation mode (for a projector or a talk): larger type and fewer panels (app/present.css).
// View state only; a link carries it as `&present=1` (share/presentation.ts).
import { create } from "zustand";

interface PresentState {
  on: boolean;
  setOn: (on: boolean) => void;
}

export const usePresentMode = create<PresentState>((set) => ({
  on: false,
  setOn: (on) => set({ on }),
}));
