// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { findFlow } from "../../engine/index.ts";
import { useExplore } from "./explore.ts";
import { useExplorer } from "./explorer.ts";

vi.mock("../engine/client.ts", async () => (await import("../share/test-engine.ts")).testClient);

const initial = useExplorer.getState();
const initialExplore = useExplore.getState();

afterEach(() => {
  useExplorer.setState(initial, true);
  useExplore.setState(initialExplore, true);
});

const RACE = 11;

describe("the explore store", () => {
  it("explores the race of what is loaded, with the pickers' kernel", async () => {
    useExplorer.setState({
      source: { kind: "flow", id: "eaug-fault-race", machine: { kernel: "v6.6+edmm-races" } },
    });
    await useExplore.getState().explore(RACE);
    const c = useExplore.getState().current;
    expect(c?.since).toBeNull();
    expect(c?.errors).toBeNull();
    expect(c?.report?.outcomes.map((o) => o.count)).toEqual([16]);
  });

  it("a bound that cuts the search offers a larger one", async () => {
    useExplorer.setState({ source: { kind: "flow", id: "eaug-fault-race" } });
    await useExplore.getState().explore(RACE, 10);
    expect(useExplore.getState().current?.report?.cut).toBe(true);
    expect(useExplore.getState().current?.further).toBe(100);
  });

  it("another scenario or kernel takes the outcomes away", async () => {
    useExplorer.setState({ source: { kind: "flow", id: "eaug-fault-race" } });
    await useExplore.getState().explore(RACE);
    expect(useExplore.getState().current?.report).not.toBeNull();
    useExplorer.setState({ source: { kind: "flow", id: "eaug-fault-race", machine: { kernel: "v6.6" } } });
    expect(useExplore.getState().current).toBeNull();
  });

  it("Load this order keeps the outcomes for the scenario it loads, a custom one keeping its name", async () => {
    const scenario = findFlow("eaug-fault-race")?.scenario;
    const loadScenario = vi.fn((s: unknown, name: string) => {
      useExplorer.setState({ source: { kind: "custom", scenario: s, name } });
      return Promise.resolve();
    });
    useExplorer.setState({ source: { kind: "custom", scenario, name: "mine" }, loadScenario });
    await useExplore.getState().explore(RACE);
    await useExplore.getState().loadOrder(RACE, [1, 1, 1, 0]);
    expect(loadScenario).toHaveBeenCalledWith(expect.anything(), "mine", RACE + 1, undefined);
    const loaded = useExplorer.getState().source;
    expect(
      loaded?.kind === "custom" &&
        (loaded.scenario as { steps: Array<{ order?: number[] }> }).steps[RACE].order,
    ).toEqual([1, 1, 1, 0]);
    expect(useExplore.getState().current?.source).toBe(loaded);
    expect(useExplore.getState().current?.report?.outcomes).toHaveLength(3);
  });

  it("an order for a step that is no race is refused with a message, nothing loaded", async () => {
    const loadScenario = vi.fn(() => Promise.resolve());
    useExplorer.setState({ source: { kind: "flow", id: "eaug-fault-race" }, loadScenario });
    await useExplore.getState().explore(RACE);
    await useExplore.getState().loadOrder(3, [0, 1]);
    expect(loadScenario).not.toHaveBeenCalled();
    expect(useExplore.getState().current?.errors).toEqual([
      "steps[3] is not a race step of this scenario: its order cannot be set.",
    ]);
  });
});
