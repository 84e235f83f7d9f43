import { describe, expect, it } from "vitest";
import { SAVED_PREFIX } from "../store/saved.ts";
import { isFirstVisit, WELCOME_KEY } from "./Welcome.tsx";

function storage(entries: Record<string, string>): Storage {
  const map = new Map(Object.entries(entries));
  return {
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
    clear: () => map.clear(),
  };
}

const bare = { search: "", hash: "" };

describe("isFirstVisit", () => {
  it("is a first visit with no link state, nothing saved and no dismissal", () => {
    expect(isFirstVisit(bare, storage({}))).toBe(true);
    expect(isFirstVisit({ search: "?", hash: "#" }, storage({ unrelated: "1" }))).toBe(true);
  });

  it("is not one when the link carries state, something is saved, or it was dismissed", () => {
    expect(isFirstVisit({ search: "?flow=augment", hash: "" }, storage({}))).toBe(false);
    expect(isFirstVisit({ search: "", hash: "#s=1.abc" }, storage({}))).toBe(false);
    expect(isFirstVisit(bare, storage({ [`${SAVED_PREFIX}x`]: "{}" }))).toBe(false);
    expect(isFirstVisit(bare, storage({ [WELCOME_KEY]: "1" }))).toBe(false);
    expect(isFirstVisit(bare, null)).toBe(false);
  });
});
