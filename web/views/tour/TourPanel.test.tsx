// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useExplorer } from "../../store/explorer.ts";
import { useTour } from "../../store/tour.ts";
import { findTour } from "../../tours/tours.ts";
import { flowSession } from "../fixtures.ts";
import { TourPanel } from "./TourPanel.tsx";

function tourNamed(id: string) {
  const t = findTour(id);
  if (!t) throw new Error(`no tour ${id}`);
  return t;
}

const initial = useExplorer.getState();
const seek = vi.fn(async () => {});
const loadFlow = vi.fn(async () => {});

function at(flow: string, step: number) {
  const s = flowSession(flow);
  useExplorer.setState({
    seek,
    loadFlow,
    source: { kind: "flow", id: flow },
    info: s.info,
    step,
    view: s.view(step, null),
  });
}

describe("TourPanel", () => {
  afterEach(() => {
    cleanup();
    seek.mockClear();
    loadFlow.mockClear();
    useExplorer.setState(initial, true);
    useTour.getState().close();
  });

  it("lists the tours and loads the tour's flow at its first stop", () => {
    useExplorer.setState({ seek, loadFlow });
    render(<TourPanel />);
    fireEvent.click(screen.getByRole("button", { name: /Adding a page on a fault/ }));
    expect(loadFlow).toHaveBeenCalledWith("augment", 6);
    expect(screen.getByText(/Stop 1 of 6/)).toBeTruthy();
  });

  it("Next and Back seek the stepper to the stops' steps when the flow is loaded", () => {
    at("augment", 6);
    useTour.getState().open(tourNamed("add-on-fault"));
    render(<TourPanel />);
    fireEvent.click(screen.getByRole("button", { name: "Next stop" }));
    expect(seek).toHaveBeenLastCalledWith(11);
    expect(screen.getByText(/Stop 2 of 6/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Previous stop" }));
    expect(seek).toHaveBeenLastCalledWith(6);
    expect(loadFlow).not.toHaveBeenCalled();
  });

  it("follows the stepper onto another stop, and offers the way back when it leaves the tour", () => {
    at("augment", 6);
    useTour.getState().open(tourNamed("add-on-fault"));
    const { rerender } = render(<TourPanel />);
    useExplorer.setState({ step: 12 });
    rerender(<TourPanel />);
    expect(screen.getByText(/Stop 3 of 6/)).toBeTruthy();
    expect(screen.getByRole("heading", { name: "A write to nowhere: EAUG" })).toBeTruthy();
    useExplorer.setState({ step: 2 });
    rerender(<TourPanel />);
    fireEvent.click(screen.getByRole("button", { name: "Return to stop 3" }));
    expect(seek).toHaveBeenLastCalledWith(12);
  });

  it("Play pauses when the stepper reaches the next stop", () => {
    const pause = vi.fn(() => useExplorer.setState({ playing: false }));
    at("augment", 6);
    useExplorer.setState({ playing: true, pause });
    useTour.getState().open(tourNamed("add-on-fault"));
    const { rerender } = render(<TourPanel />);
    expect(pause).not.toHaveBeenCalled();
    useExplorer.setState({ step: 7 });
    rerender(<TourPanel />);
    expect(pause).not.toHaveBeenCalled();
    useExplorer.setState({ step: 11 });
    rerender(<TourPanel />);
    expect(pause).toHaveBeenCalledTimes(1);
    expect(screen.getByText(/Stop 2 of 6/)).toBeTruthy();
  });

  it("opens a glossary term in the panel and closes it with Escape", () => {
    at("augment", 12);
    useTour.getState().open(tourNamed("add-on-fault"));
    render(<TourPanel />);
    const tour = findTour("add-on-fault");
    expect(tour?.stops[2].step).toBe(12);
    fireEvent.click(screen.getByRole("button", { name: "PENDING" }));
    const card = screen.getByRole("region", { name: "Glossary: PENDING" });
    expect(card.textContent).toContain("Source: SDM");
    expect(document.activeElement?.textContent).toBe("PENDING");
    fireEvent.keyDown(card, { key: "Escape" });
    expect(screen.queryByRole("region", { name: "Glossary: PENDING" })).toBeNull();
    expect(screen.getByRole("button", { name: "PENDING" })).toBeTruthy();
  });

  it("Leave the tour goes back to the picker", () => {
    at("augment", 6);
    useTour.getState().open(tourNamed("add-on-fault"));
    render(<TourPanel />);
    fireEvent.click(screen.getByRole("button", { name: "Leave the tour" }));
    expect(screen.getByRole("heading", { name: "Guided tours" })).toBeTruthy();
  });
});
