// @vitest-environment happy-dom
// Every built-in flow, every step: the time views render what the engine reports without failing.
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { flows } from "../../engine/index.ts";
import { useExplorer } from "../store/explorer.ts";
import { EventsLog } from "./EventsLog.tsx";
import { flowSession } from "./fixtures.ts";
import { Narration } from "./Narration.tsx";
import { Stepper } from "./Stepper.tsx";
import { Timeline } from "./Timeline.tsx";

const initial = useExplorer.getState();

function Views() {
  return (
    <>
      <Stepper />
      <Timeline />
      <Narration />
      <EventsLog />
    </>
  );
}

describe("every built-in flow", () => {
  afterEach(() => {
    cleanup();
    useExplorer.setState(initial, true);
  });

  it.each(flows.map((f) => f.id))("%s renders at every step and inside the fault steps", (id) => {
    const s = flowSession(id);
    const total = s.info.steps.length;
    useExplorer.setState({
      info: s.info,
      step: 0,
      event: null,
      view: s.view(0),
      seek: vi.fn(async () => {}),
    });
    const { rerender } = render(<Views />);
    for (let k = 0; k <= total; k++) {
      useExplorer.setState({ step: k, event: null, view: s.view(k) });
      rerender(<Views />);
      expect(screen.getByText(`Step ${k} of ${total}`)).toBeTruthy();
      const log = screen.getByRole("log", { name: "Events" });
      const st = k >= 1 ? s.info.steps[k - 1] : undefined;
      if (st) {
        expect(log.querySelectorAll("li")).toHaveLength(st.events.length);
        for (const e of st.events)
          if (e.kind === "fault" && e.vector === 14) expect(log.textContent).toContain(`#PF ${e.error_code}`);
        // Inside a step that reported an exception: walk its events.
        if (st.run && st.run.exception_vector !== 0) {
          for (let i = 0; i < st.events.length; i++) {
            useExplorer.setState({ step: k, event: i, view: s.view(k, i) });
            rerender(<Views />);
            expect(screen.getByText(new RegExp(`event ${i + 1} of ${st.events.length}`))).toBeTruthy();
          }
        }
      }
    }
  });
});
