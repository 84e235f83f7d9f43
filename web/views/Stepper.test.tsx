// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useExplorer } from "../store/explorer.ts";
import { flowSession } from "./fixtures.ts";
import { useLegend } from "./keyboard.ts";
import { Stepper } from "./Stepper.tsx";

const initial = useExplorer.getState();
const actions = {
  stepForward: vi.fn(async () => {}),
  stepBack: vi.fn(async () => {}),
  eventForward: vi.fn(async () => {}),
  eventBack: vi.fn(async () => {}),
  stepOut: vi.fn(async () => {}),
  toStart: vi.fn(async () => {}),
  toEnd: vi.fn(async () => {}),
  play: vi.fn(),
  pause: vi.fn(),
  setSpeed: vi.fn(),
};

function at(
  step: number,
  event: number | null = null,
  extra: Partial<ReturnType<typeof useExplorer.getState>> = {},
) {
  useExplorer.setState({
    ...actions,
    info: flowSession("augment").info,
    step,
    event,
    loading: null,
    ...extra,
  });
}

describe("Stepper", () => {
  beforeEach(() => {
    for (const f of Object.values(actions)) f.mockClear();
  });
  afterEach(() => {
    cleanup();
    useExplorer.setState(initial, true);
    useLegend.setState({ open: false });
  });

  it("shows the position and disables the buttons at the start", () => {
    at(0);
    render(<Stepper />);
    expect(screen.getByText("Step 0 of 16")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Go to start" }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Step back" }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Step forward" }) as HTMLButtonElement).disabled).toBe(false);
    expect((screen.getByRole("button", { name: "Go to end" }) as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByText("ioctl SGX_IOC_ENCLAVE_CREATE")).toBeTruthy(); // the next op
  });

  it("disables the forward buttons at the end", () => {
    at(16);
    render(<Stepper />);
    expect(screen.getByText("Step 16 of 16")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Step forward" }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Go to end" }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Step into" }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText("The scenario is complete.")).toBeTruthy();
  });

  it("calls the store's actions", () => {
    at(5);
    render(<Stepper />);
    fireEvent.click(screen.getByRole("button", { name: "Step forward" }));
    fireEvent.click(screen.getByRole("button", { name: "Step back" }));
    fireEvent.click(screen.getByRole("button", { name: "Go to start" }));
    fireEvent.click(screen.getByRole("button", { name: "Go to end" }));
    fireEvent.click(screen.getByRole("button", { name: "Step into" }));
    expect(actions.stepForward).toHaveBeenCalledTimes(1);
    expect(actions.stepBack).toHaveBeenCalledTimes(1);
    expect(actions.toStart).toHaveBeenCalledTimes(1);
    expect(actions.toEnd).toHaveBeenCalledTimes(1);
    expect(actions.eventForward).toHaveBeenCalledTimes(1);
  });

  it("plays and pauses; the button's name follows", () => {
    at(3);
    const { rerender } = render(<Stepper />);
    fireEvent.click(screen.getByRole("button", { name: "Play" }));
    expect(actions.play).toHaveBeenCalledTimes(1);
    at(3, null, { playing: true });
    rerender(<Stepper />);
    fireEvent.click(screen.getByRole("button", { name: "Pause" }));
    expect(actions.pause).toHaveBeenCalledTimes(1);
    // A manual step while playing pauses first.
    fireEvent.click(screen.getByRole("button", { name: "Step forward" }));
    expect(actions.pause).toHaveBeenCalledTimes(2);
  });

  it("sets the speed in steps per second", () => {
    at(0, null, { speed: 2 });
    render(<Stepper />);
    const speed = screen.getByLabelText("Speed") as HTMLSelectElement;
    expect(speed.value).toBe("2");
    fireEvent.change(speed, { target: { value: "8" } });
    expect(actions.setSpeed).toHaveBeenCalledWith(8);
  });

  it("inside a step, shows the event and the event controls", () => {
    at(12, 4);
    render(<Stepper />);
    expect(screen.getByText("Step 12 of 16")).toBeTruthy();
    expect(screen.getByText(/event 5 of 20/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Step into" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Next event" }));
    fireEvent.click(screen.getByRole("button", { name: "Previous event" }));
    fireEvent.click(screen.getByRole("button", { name: "Step out" }));
    expect(actions.eventForward).toHaveBeenCalledTimes(1);
    expect(actions.eventBack).toHaveBeenCalledTimes(1);
    expect(actions.stepOut).toHaveBeenCalledTimes(1);
  });

  it("opens the shortcut legend", () => {
    at(0);
    render(<Stepper />);
    fireEvent.click(screen.getByRole("button", { name: "Keyboard shortcuts" }));
    expect(useLegend.getState().open).toBe(true);
  });

  it("waits for a scenario", () => {
    useExplorer.setState({ info: null, loading: { stepsDone: 0, stepsTotal: 0 } });
    render(<Stepper />);
    expect(screen.getByText("Running the scenario…")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Play" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
