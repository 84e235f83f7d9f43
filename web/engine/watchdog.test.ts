// The watchdog: a worker that throws, stops answering or errors is reported once, every call
// waiting on it ends with EngineFailure, and progress keeps a long run from counting as a hang.
import { describe, expect, it, vi } from "vitest";
import { EngineFailure, Watchdog } from "./watchdog.ts";

function setup(silenceMs = 1000) {
  vi.useFakeTimers();
  const failures: string[] = [];
  const dog = new Watchdog((m) => failures.push(m), { silenceMs });
  return { dog, failures };
}

/** A promise the test settles by hand. */
function pending<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("Watchdog", () => {
  it("passes answers through", async () => {
    const { dog, failures } = setup();
    await expect(dog.watch("view", Promise.resolve(42))).resolves.toBe(42);
    vi.advanceTimersByTime(5000);
    expect(failures).toEqual([]);
    vi.useRealTimers();
  });

  it("a silent call fails after the silence limit, once, and rejects the other waiting calls", async () => {
    const { dog, failures } = setup(1000);
    const a = dog.watch("view", pending<number>().promise);
    const b = dog.watch("pageDetail", pending<number>().promise);
    const aDone = expect(a).rejects.toBeInstanceOf(EngineFailure);
    const bDone = expect(b).rejects.toThrow(/stopped/);
    vi.advanceTimersByTime(999);
    expect(failures).toEqual([]);
    vi.advanceTimersByTime(1);
    await aDone;
    await bDone;
    expect(failures).toEqual(["it did not answer for 1 s"]);
    vi.useRealTimers();
  });

  it("progress re-arms the clock of a long call", async () => {
    const { dog, failures } = setup(1000);
    const run = pending<string>();
    const call = dog.watch("load", run.promise);
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(800);
      dog.alive();
    }
    run.resolve("done");
    await expect(call).resolves.toBe("done");
    expect(failures).toEqual([]);
    vi.useRealTimers();
  });

  it("a call that throws is a failure of the worker", async () => {
    const { dog, failures } = setup();
    await expect(dog.watch("view", Promise.reject(new Error("boom")))).rejects.toThrow("view failed: boom");
    expect(failures).toEqual(["it threw an error (boom)"]);
    vi.useRealTimers();
  });

  it("answers and failures of a replaced worker are ignored", async () => {
    const { dog, failures } = setup(1000);
    const old = pending<number>();
    const call = dog.watch("load", old.promise);
    const done = expect(call).rejects.toThrow(/restarted/);
    dog.replaced();
    await done;
    old.reject(new Error("terminated"));
    vi.advanceTimersByTime(5000);
    expect(failures).toEqual([]);
    // The new worker is watched afresh.
    dog.workerError("script failed to load");
    expect(failures).toEqual(["script failed to load"]);
    vi.useRealTimers();
  });
});
