// @vitest-environment happy-dom
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { findFlow } from "../../engine/index.ts";
import { useExplorer } from "../store/explorer.ts";
import { SAVED_PREFIX } from "../store/saved.ts";
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
  // Let the start-up load settle, then reset the store for each test.
  await vi.waitFor(() => expect(state().loading).toBeNull());
  useExplorer.setState(initial, true);
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
