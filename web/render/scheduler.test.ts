import { afterEach, describe, expect, it, vi } from "vitest";
import { cancelDraw, flushDraws, isDrawPending, scheduleDraw } from "./scheduler.ts";

afterEach(() => {
  flushDraws();
  vi.useRealTimers();
});

describe("frame scheduler", () => {
  it("runs each key's draw once per frame, the latest request winning", () => {
    const calls: string[] = [];
    const key = {};
    scheduleDraw(key, () => {
      calls.push("first");
      return undefined;
    });
    scheduleDraw(key, () => {
      calls.push("second");
      return undefined;
    });
    scheduleDraw("other", () => {
      calls.push("other");
      return undefined;
    });
    expect(calls).toEqual([]);
    expect(isDrawPending(key)).toBe(true);
    flushDraws();
    expect(calls).toEqual(["second", "other"]);
    expect(isDrawPending(key)).toBe(false);
  });

  it("batches draws into the next frame", () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    scheduleDraw("a", () => {
      seen.push(1);
      return undefined;
    });
    scheduleDraw("b", () => {
      seen.push(2);
      return undefined;
    });
    vi.advanceTimersByTime(20);
    expect(seen).toEqual([1, 2]);
  });

  it("asks again for a draw that returns true (an animation)", () => {
    let frames = 0;
    scheduleDraw("anim", () => ++frames < 3);
    flushDraws();
    expect(frames).toBe(1);
    expect(isDrawPending("anim")).toBe(true);
    flushDraws();
    flushDraws();
    expect(frames).toBe(3);
    expect(isDrawPending("anim")).toBe(false);
  });

  it("drops a cancelled draw", () => {
    let ran = false;
    scheduleDraw("gone", () => {
      ran = true;
      return undefined;
    });
    cancelDraw("gone");
    flushDraws();
    expect(ran).toBe(false);
  });

  it("keeps painting other layers when one draw throws", () => {
    vi.useFakeTimers();
    let ran = false;
    scheduleDraw("bad", () => {
      throw new Error("boom");
    });
    scheduleDraw("good", () => {
      ran = true;
      return undefined;
    });
    const errors: unknown[] = [];
    const original = globalThis.queueMicrotask;
    globalThis.queueMicrotask = (fn) => {
      try {
        fn();
      } catch (e) {
        errors.push(e);
      }
    };
    try {
      flushDraws();
    } finally {
      globalThis.queueMicrotask = original;
    }
    expect(ran).toBe(true);
    expect(errors).toHaveLength(1);
  });
});
