// Which tour is open and which of its stops the learner is on. View state only: the flow and
// step themselves live in the explorer store, which the panel drives with loadFlow/seek.
import { create } from "zustand";
import type { Tour } from "../tours/tours.ts";

export interface TourState {
  tourId: string | null;
  /** The open tour's flow (the link names the tour only while the explorer shows it). */
  tourFlow: string | null;
  stop: number;
  /** Opens a tour (found in tours.ts by the caller: the tours' text loads with the Tour tab). */
  open: (tour: Pick<Tour, "id" | "flow">) => void;
  setStop: (stop: number) => void;
  close: () => void;
}

export const useTour = create<TourState>((set) => ({
  tourId: null,
  tourFlow: null,
  stop: 0,
  open: (tour) => set({ tourId: tour.id, tourFlow: tour.flow, stop: 0 }),
  setStop: (stop) => set({ stop }),
  close: () => set({ tourId: null, tourFlow: null, stop: 0 }),
}));

/** Where the explorer is, relative to the tour: on a stop, or elsewhere. */
export function stopAt(tour: Tour, flowId: string | null, step: number): number {
  if (flowId !== tour.flow) return -1;
  return tour.stops.findIndex((s) => s.step === step);
}
