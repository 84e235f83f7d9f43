// @vitest-environment happy-dom
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { findFlow } from "../../engine/index.ts";
import { useExplorer } from "../store/explorer.ts";
import { usePanels } from "../store/panels.ts";
import { SAVED_PREFIX } from "../store/saved.ts";
import { useTour } from "../store/tour.ts";
import { encodeScenario } from "./link.ts";
import { linkFor, openLocation, shareUrl, startFromLocation } from "./url.ts";

vi.mock("../engine/client.ts", async () => (await import("./test-engine.ts")).testClient);

const augment = findFlow("augment")?.scenario as Record<string, unknown>;
const initial = useExplorer.getInitialState();

function hashFor(scenario: unknown, extra = ""): string {
  const e = encodeScenario(scenario);
  if (!e.ok) throw new Error(e.message);
  return `#s=${e.value}${extra}`;
}

async function open(url: string): Promise<void> {
  window.history.replaceState(null, "", url);
  await openLocation(window.location.search, window.location.hash);
}

const state = () => useExplorer.getState();

beforeAll(() => {
  window.history.replaceState(null, "", "/");
  startFromLocation();
});

beforeEach(async () => {
  // Let the start-up load settle, then reset the stores for each test.
  await vi.waitFor(() => expect(state().loading).toBeNull());
  useExplorer.setState(initial, true);
  useTour.getState().close();
  usePanels.getState().setTab("explain");
});

afterEach(() => {
  localStorage.clear();
});

describe("opening a link", () => {
  it("opens a built-in flow at a step", async () => {
    await open("/?flow=augment&step=5");
    expect(state().source).toEqual({ kind: "flow", id: "augment" });
    expect(state().step).toBe(5);
    expect(state().event).toBeNull();
    expect(state().notice).toBeNull();
  });

  it("opens inside a step at an event, with the enclave named", async () => {
    await open("/?flow=two-enclaves&step=3&event=2&enclave=e1");
    expect(state().step).toBe(3);
    expect(state().event).toBe(1);
    expect(state().info?.enclaveNames[state().enclave]).toBe("e1");
    expect(state().notice).toBeNull();
  });

  it("opens a custom scenario from the hash", async () => {
    const custom = { ...augment, title: "my own augment" };
    await open(`/${hashFor(custom, "&step=7")}`);
    const s = state();
    expect(s.source?.kind).toBe("custom");
    expect(s.source?.kind === "custom" && s.source.scenario).toEqual(custom);
    expect(s.source?.kind === "custom" && s.source.name).toBe("my own augment");
    expect(s.step).toBe(7);
    expect(s.notice).toBeNull();
  });

  it("opens a flow named the selftest's way (as its card's title reads) at the link's step", async () => {
    await open("/?flow=epcm_permissions&step=16");
    expect(state().source).toEqual({ kind: "flow", id: "epcm-permissions" });
    expect(state().step).toBe(16);
    expect(state().notice).toBeNull();
  });

  it("falls back to augment on an unknown flow, naming it", async () => {
    await open("/?flow=nope&step=4");
    expect(state().notice).toMatch(
      /There is no built-in flow named “nope” \(known flows: augment, .*\)\. Showing the built-in flow “augment” instead\./,
    );
    expect(state().source).toEqual({ kind: "flow", id: "augment" });
    expect(state().step).toBe(0);
  });

  it("falls back on a garbled link and leaves saved scenarios alone", async () => {
    const key = `${SAVED_PREFIX}abc`;
    const saved = JSON.stringify({ id: "abc", name: "mine", text: "{}", savedAt: 1 });
    localStorage.setItem(key, saved);
    await open("/#s=1.garbage");
    expect(state().notice).toMatch(/This link's scenario is damaged: its compressed data cannot be unpacked/);
    expect(state().source).toEqual({ kind: "flow", id: "augment" });
    expect(localStorage.getItem(key)).toBe(saved);
  });

  it("names a newer link format", async () => {
    await open("/#s=2.AAAA");
    expect(state().notice).toMatch(
      /^This link was made by a newer version of EPCM Explorer \(link format 2\); this version reads format 1\. Showing/,
    );
  });

  it("reports a linked scenario that does not validate, with the engine's JSON paths", async () => {
    await open(
      `/${hashFor({ format: "epcm-scenario/1", steps: [{ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_CREATE", arg: { size: "8k" } }] })}`,
    );
    expect(state().notice).toMatch(
      /This link's scenario is not valid: steps\[0\]\.arg\.size: expected a number/,
    );
    expect(state().source).toEqual({ kind: "flow", id: "augment" });
  });

  it("says so when the step is past the end, and shows the last step", async () => {
    await open("/?flow=augment&step=999");
    const total = state().info?.steps.length ?? 0;
    expect(state().step).toBe(total);
    expect(state().notice).toBe(
      `This link asks for step 999, but the scenario has ${total} steps; showing the last one.`,
    );
  });

  it("reports a bad step number but still opens the flow", async () => {
    await open("/?flow=augment&step=five");
    expect(state().source).toEqual({ kind: "flow", id: "augment" });
    expect(state().step).toBe(0);
    expect(state().notice).toMatch(/step “five” is not a step number/);
  });
});

describe("tour links", () => {
  it("a tour alone opens its flow at the stop's step, in the Tour tab", async () => {
    await open("/?tour=permissions&stop=3");
    expect(state().source).toEqual({ kind: "flow", id: "epcm-permissions" });
    expect(state().step).toBe(15);
    expect(useTour.getState()).toMatchObject({ tourId: "permissions", stop: 2 });
    expect(usePanels.getState().tab).toBe("tour");
    expect(state().notice).toBeNull();
    // The address bar then says where the explorer is, and which tour stop.
    await vi.waitFor(() =>
      expect(window.location.search).toBe("?flow=epcm-permissions&step=15&tour=permissions&stop=3"),
    );
  });

  it("without a stop it starts at stop 1; past the last stop it says so and opens the last", async () => {
    await open("/?tour=remove");
    expect(state().step).toBe(6);
    expect(useTour.getState().stop).toBe(0);
    await open("/?tour=remove&stop=99");
    expect(useTour.getState().stop).toBe(6);
    expect(state().step).toBe(28);
    expect(state().notice).toMatch(/The tour “remove” has 7 stops, not 99; starting at its last stop\./);
  });

  it("an unknown tour is named, and the default flow opens without a tour", async () => {
    await open("/?tour=nope&stop=2");
    expect(state().notice).toMatch(
      /There is no tour named “nope” \(tours: basics, add-on-fault, .*\)\. Showing the built-in flow “augment” instead\./,
    );
    expect(state().source).toEqual({ kind: "flow", id: "augment" });
    expect(useTour.getState().tourId).toBeNull();
  });

  it("a tour over another flow than the link's is not opened, and the flow is", async () => {
    await open("/?flow=augment&step=3&tour=remove&stop=2");
    expect(state().source).toEqual({ kind: "flow", id: "augment" });
    expect(state().step).toBe(3);
    expect(useTour.getState().tourId).toBeNull();
    expect(state().notice).toMatch(/The tour “remove” walks the flow “tcs-create”, not this link's scenario/);
  });

  it("leaving the tour drops it from the address bar", async () => {
    await open("/?tour=new-thread&stop=2");
    await vi.waitFor(() => expect(window.location.search).toContain("&tour=new-thread&stop=2"));
    useTour.getState().close();
    await vi.waitFor(() => expect(window.location.search).toBe("?flow=tcs-create&step=15"));
  });
});

describe("keeping the URL in step", () => {
  it("writes the flow and step as the user steps", async () => {
    await open("/?flow=augment&step=2");
    await state().stepForward();
    await vi.waitFor(() => expect(window.location.search).toBe("?flow=augment&step=3"));
    await state().eventForward();
    await vi.waitFor(() => expect(window.location.search).toBe("?flow=augment&step=4&event=1"));
    await state().toStart();
    await vi.waitFor(() => expect(window.location.search).toBe("?flow=augment"));
    expect(window.location.hash).toBe("");
  });

  it("writes a custom scenario into the hash, and the link reopens it", async () => {
    const custom = { ...augment, title: "linked" };
    await state().loadScenario(custom, "linked", 4);
    await vi.waitFor(() => expect(window.location.hash).toMatch(/^#s=1\.[A-Za-z0-9_-]+&step=4$/));
    expect(window.location.search).toBe("");
    const url = shareUrl();
    expect(url.ok).toBe(true);
    if (!url.ok) return;
    expect(url.url).toBe(`${window.location.origin}/${window.location.hash}`);

    useExplorer.setState(initial, true);
    const link = new URL(url.url);
    await open(`/${link.hash}`);
    expect(state().source?.kind === "custom" && state().source).toMatchObject({ scenario: custom });
    expect(state().step).toBe(4);
  });

  it("has no link while nothing is loaded", () => {
    expect(linkFor(state()).ok).toBe(false);
  });
});

describe("kernel and mutation links", () => {
  it("runs the flow with the link's kernel and mutations, and writes them back", async () => {
    await open("/?flow=augment&step=5&kernel=v6.6&mutate=no-ipi");
    expect(state().source).toEqual({
      kind: "flow",
      id: "augment",
      machine: { kernel: "v6.6", mutate: ["no-ipi"] },
    });
    expect(state().info?.machine.kernel).toBe("v6.6");
    expect(state().info?.machine.mutate).toEqual(["no-ipi"]);
    expect(state().step).toBe(5);
    expect(state().notice).toBeNull();
    const link = linkFor(state(), "");
    expect(link.ok && link.search).toBe("?flow=augment&step=5&kernel=v6.6&mutate=no-ipi");
  });

  it("names an unknown kernel or mutation and opens the rest as asked", async () => {
    await open("/?flow=augment&step=5&kernel=v9.9&mutate=no-ipi,no-sleep");
    expect(state().source).toEqual({ kind: "flow", id: "augment" });
    expect(state().step).toBe(5);
    expect(state().notice).toMatch(
      /kernel “v9\.9”, which EPCM Explorer does not model \(versions: v6\.0, v6\.1/,
    );
    expect(state().notice).toMatch(/mutation “no-sleep”, which EPCM Explorer does not know/);
    await open("/?flow=augment&kernel=v6.1&mutate=no-ipi,no-ipi");
    expect(state().source).toEqual({ kind: "flow", id: "augment", machine: { kernel: "v6.1" } });
    expect(state().notice).toMatch(/lists the mutation “no-ipi” twice/);
  });

  it("an old link runs the scenario as written", async () => {
    await open("/?flow=augment&step=12");
    expect(state().source).toEqual({ kind: "flow", id: "augment" });
    expect(state().info?.machine.kernel).toBeUndefined();
    const link = linkFor(state(), "");
    expect(link.ok && link.search).toBe("?flow=augment&step=12");
  });
});
