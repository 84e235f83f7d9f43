import { describe, expect, it } from "vitest";
import {
  CORRUPT_PREFIX,
  deleteSaved,
  listSaved,
  restoreSaved,
  SAVED_PREFIX,
  type StorageLike,
  saveScenario,
} from "./saved.ts";

/** A Map-backed Storage; `full` makes setItem throw as a full localStorage does. */
function memoryStorage(
  initial: Record<string, string> = {},
): StorageLike & { map: Map<string, string>; full: boolean } {
  const map = new Map(Object.entries(initial));
  return {
    map,
    full: false,
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem(k, v) {
      if (this.full) {
        const e = new Error("quota");
        e.name = "QuotaExceededError";
        throw e;
      }
      map.set(k, String(v));
    },
    removeItem: (k) => {
      map.delete(k);
    },
  };
}

const TEXT = '{ "format": "epcm-scenario/1", "steps": [] }';

describe("saved scenarios", () => {
  it("saves, lists (oldest first) and survives a new reader", () => {
    const storage = memoryStorage({ unrelated: "keep me" });
    expect(saveScenario("second", TEXT, storage, 2000).ok).toBe(true);
    expect(saveScenario("first", "{ not json yet", storage, 1000).ok).toBe(true);
    const list = listSaved(storage);
    expect(list.problems).toEqual([]);
    expect(list.scenarios.map((s) => s.name)).toEqual(["first", "second"]);
    // Work in progress is kept exactly as written, even when it is not JSON yet.
    expect(list.scenarios[0].text).toBe("{ not json yet");
    expect(storage.map.get("unrelated")).toBe("keep me");
    for (const key of storage.map.keys())
      if (key !== "unrelated") expect(key.startsWith(SAVED_PREFIX)).toBe(true);
  });

  it("replaces a scenario saved under the same name", () => {
    const storage = memoryStorage();
    const a = saveScenario("mine", TEXT, storage, 1);
    const b = saveScenario("  mine ", `${TEXT} `, storage, 2);
    expect(a.ok && !a.replaced).toBe(true);
    expect(b.ok && b.replaced).toBe(true);
    const list = listSaved(storage);
    expect(list.scenarios).toHaveLength(1);
    expect(list.scenarios[0].text).toBe(`${TEXT} `);
  });

  it("sets a corrupted entry aside and still loads the rest", () => {
    const storage = memoryStorage();
    saveScenario("good", TEXT, storage, 1);
    storage.map.set(`${SAVED_PREFIX}broken`, "{ this is not json");
    storage.map.set(`${SAVED_PREFIX}wrong-shape`, JSON.stringify({ id: "other", name: 3 }));
    const list = listSaved(storage);
    expect(list.scenarios.map((s) => s.name)).toEqual(["good"]);
    expect(list.problems).toHaveLength(2);
    expect(list.problems[0]).toMatch(/could not be read \(it is not valid JSON\); it was set aside/);
    expect(list.problems[1]).toMatch(/not a saved scenario record/);
    // Moved, not deleted: the raw text is still there under the set-aside prefix.
    expect(storage.map.get(`${CORRUPT_PREFIX}broken`)).toBe("{ this is not json");
    expect(storage.map.has(`${SAVED_PREFIX}broken`)).toBe(false);
    // A second read is clean.
    expect(listSaved(storage).problems).toEqual([]);
  });

  it("reports a full storage without changing anything", () => {
    const storage = memoryStorage();
    saveScenario("kept", TEXT, storage, 1);
    storage.full = true;
    const r = saveScenario("new", TEXT, storage, 2);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/storage for this site is full.*Nothing was changed/);
    expect(listSaved(storage).scenarios.map((s) => s.name)).toEqual(["kept"]);
  });

  it("refuses an empty name and works without storage", () => {
    expect(saveScenario("   ", TEXT, memoryStorage()).ok).toBe(false);
    expect(saveScenario("x", TEXT, null).ok).toBe(false);
    expect(listSaved(null).problems[0]).toMatch(/not available/);
  });

  it("deletes and restores (undo)", () => {
    const storage = memoryStorage();
    const r = saveScenario("gone", TEXT, storage, 5);
    if (!r.ok) throw new Error("save failed");
    deleteSaved(r.saved.id, storage);
    expect(listSaved(storage).scenarios).toEqual([]);
    expect(restoreSaved(r.saved, storage)).toBe(true);
    expect(listSaved(storage).scenarios).toEqual([r.saved]);
  });
});
