// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useExplorer } from "../store/explorer.ts";
import { EventsLog } from "./EventsLog.tsx";
import { flowSession } from "./fixtures.ts";

const initial = useExplorer.getState();
const seek = vi.fn(async () => {});

function at(step: number, event: number | null = null) {
  useExplorer.setState({ seek, pause: vi.fn(), info: flowSession("augment").info, step, event });
}

describe("EventsLog", () => {
  afterEach(() => {
    cleanup();
    seek.mockClear();
    useExplorer.setState(initial, true);
  });

  it("is a log named Events, empty before the first step", () => {
    at(0);
    render(<EventsLog />);
    const log = screen.getByRole("log", { name: "Events" });
    expect(log.textContent).toContain("No step has run yet");
  });

  it("lists the step's events in order, faults with vector and error code", () => {
    at(12);
    render(<EventsLog />);
    const log = screen.getByRole("log", { name: "Events" });
    const items = within(log).getAllByRole("listitem");
    expect(items).toHaveLength(flowSession("augment").info.steps[11].events.length);
    expect(items[0].textContent).toContain("vDSO");
    expect(log.textContent).toContain("#PF 0x8007");
    const epcmFault = items.find((li) => li.textContent?.includes("#PF 0x8007"));
    expect(epcmFault?.textContent).toContain("raised by EPCM");
    expect(log.textContent).toContain("EAUG");
    expect(log.textContent).toContain("encl.c: sgx_encl_eaug_page()");
  });

  it("marks the current event and the ones still to come", () => {
    at(12, 3);
    render(<EventsLog />);
    const items = within(screen.getByRole("log", { name: "Events" })).getAllByRole("listitem");
    expect(items[3].getAttribute("aria-current")).toBe("step");
    expect(items[2].className).not.toContain("is-future");
    expect(items[4].className).toContain("is-future");
  });

  it("seeks into the step at a clicked event", () => {
    at(12);
    render(<EventsLog />);
    const items = within(screen.getByRole("log", { name: "Events" })).getAllByRole("button");
    fireEvent.click(items[5]);
    expect(seek).toHaveBeenCalledWith(12, 5);
  });
});
