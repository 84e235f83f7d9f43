// Which tour is open and which of its stops the learner is on. View state only: the flow and
// step themselves live in the explorer store, which the panel drives with loadFlow/seek.
import { create } from "zustand";
import { findTour, type Tour } from "../tours/tours.ts";

export interface TourState {
  tourId: string | null;
  stop: number;
  open: (id: string) => void;
  setStop: (stop: number) => void;
  close: () => void;
}

export const useTour = create<TourState>((set) => ({
  tourId: null,
  stop: 0,
  open: (id) => set({ tourId: findTour(id) ? id : null, stop: 0 }),
  setStop: (stop) => set({ stop }),
  close: () => set({ tourId: null, stop: 0 }),
}));

/** Where the explorer is, relative to the tour: on a stop, or elsewhere. */
export function stopAt(tour: Tour, flowId: string | null, step: number): number {
  if (flowId !== tour.flow) return -1;
  return tour.stops.findIndex((s) => s.step === step);
}
