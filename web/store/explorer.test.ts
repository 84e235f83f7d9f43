// The store against the real engine (run in-process): loading, stepping by steps and by events,
// clamping, selection details, and errors for a bad scenario.
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("../engine/client.ts", async () => (await import("../share/test-engine.ts")).testClient);

const { useExplorer } = await import("./explorer.ts");
const { testClient } = await import("../share/test-engine.ts");

describe("explorer store", () => {
  beforeEach(async () => {
    await useExplorer.getState().loadFlow("augment");
  });

  it("loads a flow at step 0 with its steps and a view of the empty EPC", () => {
    const s = useExplorer.getState();
    expect(s.info?.steps.length).toBe(16);
    expect(s.step).toBe(0);
    expect(s.view?.epc.flags.every((f) => f === 0)).toBe(true);
    expect(s.errors).toBeNull();
  });

  it("steps forward to the fault, where the new page is PENDING, and clamps at the ends", async () => {
    const st = useExplorer.getState();
    for (let i = 0; i < 12; i++) await st.stepForward();
    const s = useExplorer.getState();
    expect(s.step).toBe(12);
    expect(s.info?.steps[11].run?.exception_error_code).toBe("0x8007");
    const epc = s.view?.changed[0] ?? -1;
    expect((s.view?.epc.flags[epc] ?? 0) & 0x8).toBe(0x8);
    await st.toEnd();
    await st.stepForward();
    expect(useExplorer.getState().step).toBe(16);
    await st.toStart();
    await st.stepBack();
    expect(useExplorer.getState().step).toBe(0);
  });

  it("brings the engine's before/after of each position with its view, and more rows on request", async () => {
    const st = useExplorer.getState();
    await st.seek(12);
    let c = useExplorer.getState().changes;
    expect(c).toMatchObject({ step: 12, event: null, scope: "step", total: 1 });
    expect(c?.before.flags[0]).toBe(0); // free before the EAUG
    await st.seek(12, 0);
    expect(useExplorer.getState().changes).toMatchObject({ step: 12, event: 0, scope: "event", total: 0 });
    await useExplorer.getState().loadFlow("augment-via-eaccept-long");
    const k = (useExplorer.getState().info?.steps.findIndex((x) => x.repeated !== undefined) ?? -1) + 1;
    await useExplorer.getState().seek(k);
    c = useExplorer.getState().changes;
    expect(c?.epc.length).toBe(12);
    await useExplorer.getState().showMoreChanges();
    const more = useExplorer.getState().changes;
    expect(more?.epc.length).toBe(512);
    expect(more?.total).toBe(c?.total);
    expect([...(more?.epc.slice(0, 12) ?? [])]).toEqual([...(c?.epc ?? [])]);
  });

  it("shows a long seek's replay progress, and Cancel keeps what is shown and loads the run again to it", async () => {
    const st = useExplorer.getState();
    await st.seek(12);
    const shown = useExplorer.getState().view;
    const { testEngine } = await import("../share/test-engine.ts");
    const view = testEngine.view;
    // A seek that re-runs steps in the worker: it reports its progress and does not answer.
    testEngine.view = (async (_step: number, _event: number | null, onWorking?: (p: unknown) => void) => {
      onWorking?.({ stepsDone: 3, target: 5, entries: [2048, 65536] });
      return new Promise(() => {});
    }) as typeof testEngine.view;
    try {
      void st.seek(5);
      await vi.waitFor(() => expect(useExplorer.getState().seeking).not.toBeNull());
      expect(useExplorer.getState().seeking).toEqual({
        to: { step: 5, event: null },
        stepsDone: 3,
        target: 5,
        entries: [2048, 65536],
      });
      // Still showing step 12 meanwhile.
      expect(useExplorer.getState()).toMatchObject({ step: 12, view: shown });
      testEngine.view = view;
      testEngine.calls.length = 0;
      useExplorer.getState().cancelSeek();
      expect(useExplorer.getState().seeking).toBeNull();
      expect(useExplorer.getState().notice).toMatch(/Going to step 5 was cancelled.*up to step 12/);
      expect(testEngine.calls).toContain("load flow augment");
      await vi.waitFor(() => expect(useExplorer.getState()).toMatchObject({ step: 12, loading: null }));
      expect([...(useExplorer.getState().view?.epc.flags ?? [])]).toEqual([...(shown?.epc.flags ?? [])]);
      // A cancel with no long seek in flight does nothing.
      testEngine.calls.length = 0;
      useExplorer.getState().cancelSeek();
      expect(testEngine.calls).toEqual([]);
    } finally {
      testEngine.view = view;
    }
  });

  it("walks the events of a step and steps out", async () => {
    const st = useExplorer.getState();
    await st.seek(11);
    await st.eventForward();
    expect(useExplorer.getState()).toMatchObject({ step: 12, event: 0 });
    await st.eventForward();
    expect(useExplorer.getState().event).toBe(1);
    await st.eventBack();
    expect(useExplorer.getState().event).toBe(0);
    await st.stepOut();
    expect(useExplorer.getState()).toMatchObject({ step: 12, event: null });
  });

  it("fetches the inspector's detail for a selected page at the current step", async () => {
    const st = useExplorer.getState();
    await st.seek(16);
    await st.select({ kind: "page", enclave: "e0", offset: 0xc000 });
    expect(useExplorer.getState().detail?.words).toContainEqual([0, "0x1122334455667788"]);
  });

  it("reports a scenario that does not validate, naming the JSON path", async () => {
    await useExplorer
      .getState()
      .loadScenario({ format: "epcm-scenario/1", steps: [{ op: "munmap", offset: "x" }] }, "bad");
    const s = useExplorer.getState();
    expect(s.errors?.some((m) => m.startsWith("steps[0]"))).toBe(true);
  });

  it("after a worker failure it says so and replays the run to the same step and event", async () => {
    const st = useExplorer.getState();
    await st.seek(12, 2);
    const before = useExplorer.getState().view;
    testClient.failEngine("it did not answer for 5 s");
    expect(useExplorer.getState().notice).toMatch(/did not answer.*restarted.*step 12, event 3/);
    await vi.waitFor(() => expect(useExplorer.getState().loading).toBeNull());
    await vi.waitFor(() => expect(useExplorer.getState().view).not.toBe(before));
    const s = useExplorer.getState();
    expect([s.step, s.event]).toEqual([12, 2]);
    expect([...(s.view?.epc.flags ?? [])]).toEqual([...(before?.epc.flags ?? [])]);
    await st.stepForward();
    expect(useExplorer.getState().step).toBe(13);
  });

  it("stops replaying a scenario that keeps killing the worker, and keeps what is shown", async () => {
    await useExplorer.getState().seek(5);
    const shown = useExplorer.getState().view;
    for (let i = 0; i < 3; i++) testClient.failEngine("it threw an error (boom)");
    const s = useExplorer.getState();
    expect(s.notice).toMatch(/stopped replaying/);
    expect(s.view).toBe(shown);
    expect(s.loading).toBeNull();
  });
});
