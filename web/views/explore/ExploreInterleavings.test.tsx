// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { findFlow } from "../../../engine/index.ts";
import { useExplore } from "../../store/explore.ts";
import { type Source, useExplorer } from "../../store/explorer.ts";
import { flowSession } from "../fixtures.ts";
import ExploreInterleavings from "./ExploreInterleavings.tsx";

vi.mock("../../engine/client.ts", async () => (await import("../../share/test-engine.ts")).testClient);

const initial = useExplorer.getState();
const initialExplore = useExplore.getState();

afterEach(() => {
  cleanup();
  useExplorer.setState(initial, true);
  useExplore.setState(initialExplore, true);
});

function raceStep(id: string) {
  const info = flowSession(id).info;
  const st = info.steps.find((s) => s.race);
  if (!st) throw new Error(`${id} has no race`);
  return { info, st };
}

describe("ExploreInterleavings", () => {
  it("lists the distinct outcomes of the EAUG fault race with counts, orders and marks", async () => {
    const { info, st } = raceStep("eaug-fault-race");
    useExplorer.setState({ source: { kind: "flow", id: "eaug-fault-race" }, info, step: st.index + 1 });
    render(<ExploreInterleavings step={st} />);
    fireEvent.click(screen.getByRole("button", { name: "Explore interleavings" }));
    const list = await screen.findByRole("list", { name: "Distinct outcomes" });
    expect(document.querySelector(".explore-summary")?.textContent).toMatch(
      /^16 interleavings tried in 51 runs of the scenario \(bound 2,000 runs\): every interleaving was tried\. 3 distinct outcomes\.$/,
    );
    const items = within(list)
      .getAllByRole("listitem")
      .filter((li) => li.parentElement === list);
    expect(items).toHaveLength(3);
    // The flow's own order [0, 1, 0, 1] gives thread 1 SIGBUS: the outcome found first with [0, 1, 0, 0, 1, 1].
    const counts = items.map((li) => li.querySelector(".explore-head")?.textContent);
    expect(counts[0]).toMatch(/^Outcome 1: 4 interleavings of 16 end so$/);
    expect(counts[1]).toMatch(/^Outcome 2: 6 interleavings of 16 end so⚠ SIGBUS to user space$/);
    expect(within(items[1]).getByText("[0, 1, 0, 0, 1, 1]")).toBeTruthy();
    expect(items[1].className).toContain("is-marked");
    expect(items[0].className).not.toContain("is-marked");
    expect(screen.getAllByRole("button", { name: /^Load this order \(outcome \d\)$/ })).toHaveLength(3);
    expect(screen.queryByRole("button", { name: /Explore further/ })).toBeNull();
  }, 30_000);

  it("Load this order loads the flow's scenario with that order at the race, landing on it", async () => {
    const { info, st } = raceStep("eaug-fault-race");
    const loadScenario = vi.fn((scenario: unknown, name: string) => {
      useExplorer.setState({ source: { kind: "custom", scenario, name } });
      return Promise.resolve();
    });
    const source: Source = { kind: "flow", id: "eaug-fault-race", machine: { kernel: "v6.0" } };
    useExplorer.setState({ source, info, step: st.index + 1, loadScenario });
    render(<ExploreInterleavings step={st} />);
    fireEvent.click(screen.getByRole("button", { name: "Explore interleavings" }));
    fireEvent.click(await screen.findByRole("button", { name: "Load this order (outcome 1)" }));
    await vi.waitFor(() => expect(loadScenario).toHaveBeenCalledTimes(1));
    const [scenario, name, step, machine] = loadScenario.mock.calls[0] as unknown as [
      { steps: Array<Record<string, unknown>> },
      string,
      number,
      unknown,
    ];
    // The flow's scenario, only the race's order changed.
    const flow = findFlow("eaug-fault-race")?.scenario as { steps: Array<Record<string, unknown>> };
    expect(scenario.steps[st.index].order).toEqual([0, 0, 0, 1]);
    expect({ ...scenario.steps[st.index], order: flow.steps[st.index].order }).toEqual(flow.steps[st.index]);
    expect(scenario.steps.filter((_, i) => i !== st.index)).toEqual(
      flow.steps.filter((_, i) => i !== st.index),
    );
    expect(name).toMatch(/^Two threads fault on one unbacked page/);
    expect(step).toBe(st.index + 1);
    expect(machine).toEqual({ kernel: "v6.0" });
    // The outcomes stay shown for the scenario now loaded.
    expect(await screen.findByRole("list", { name: "Distinct outcomes" })).toBeTruthy();
  }, 30_000);

  it("a step that is no race (a stale index) is reported, not thrown", async () => {
    const { info, st } = raceStep("eaug-fault-race");
    useExplorer.setState({ source: { kind: "flow", id: "eaug-fault-race" }, info });
    render(<ExploreInterleavings step={{ ...st, index: 0 }} />);
    fireEvent.click(screen.getByRole("button", { name: "Explore interleavings" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      'steps[0] (op "ioctl") is not a race: only a race\'s interleavings can be explored.',
    );
  });
});
