// @vitest-environment happy-dom
import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { useExplorer } from "../store/explorer.ts";
import { flowSession } from "./fixtures.ts";
import { Narration } from "./Narration.tsx";
import { OopsStatus } from "./OopsStatus.tsx";

const initial = useExplorer.getState();

function at(flow: string, step: number) {
  const s = flowSession(flow);
  useExplorer.setState({ info: s.info, step, event: null, view: s.view(step, null), changes: null });
}

describe("a kernel oops in the status area and the narration", () => {
  afterEach(() => {
    cleanup();
    useExplorer.setState(initial, true);
  });

  it("names the function, the step and the steps not run, from the trace's stopped", () => {
    at("secs-eaug-race", 13);
    expect(useExplorer.getState().info?.stopped).toEqual({ step: 12, reason: "oops", not_run: 1 });
    const status = render(<OopsStatus />);
    expect(status.container.textContent).toBe(
      "Kernel oops in sgx_encl_eaug_page() at step 13: the run ended there, 1 step not run.",
    );
    const narration = render(<Narration />);
    expect(narration.container.querySelector(".narration-oops")?.textContent).toBe(
      "Kernel oops in sgx_encl_eaug_page(): BUG: kernel NULL pointer dereference, address: 0000000000000000The run ended here: 1 later step was not run.",
    );
  });

  it("shows nothing on the step before, nor for the fixed kernel", () => {
    at("secs-eaug-race", 12);
    expect(render(<Narration />).container.querySelector(".narration-oops")).toBeNull();
    cleanup();
    at("secs-eaug-race-fixed", 13);
    expect(useExplorer.getState().info?.stopped).toBeUndefined();
    expect(render(<OopsStatus />).container.textContent).toBe("");
  });
});
