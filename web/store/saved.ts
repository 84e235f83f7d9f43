// The user's own scenarios, saved in the browser (localStorage) so they survive reloads.
// One key per scenario under a versioned prefix, so one damaged entry cannot take the others
// with it: an entry that cannot be read is moved aside (kept, under CORRUPT_PREFIX) and
// reported, and the rest still load. The scenario is kept as the text the user wrote, even
// when it does not validate yet: saved work is never rewritten.

import { create } from "zustand";

export const STORAGE_VERSION = 1;
export const SAVED_PREFIX = `epcm-explorer.v${STORAGE_VERSION}.scenario.`;
export const CORRUPT_PREFIX = `epcm-explorer.v${STORAGE_VERSION}.unreadable.`;
/** Longest scenario text saved (localStorage holds about 5 MB per site in most browsers). */
export const MAX_SAVED_CHARS = 4 * 1024 * 1024;
export const MAX_NAME_CHARS = 120;

export interface SavedScenario {
  id: string;
  name: string;
  /** The scenario JSON as the user wrote it. */
  text: string;
  /** Milliseconds since the epoch. */
  savedAt: number;
}

export interface SavedList {
  scenarios: SavedScenario[];
  /** Entries that could not be read (each set aside), and storage that is not available. */
  problems: string[];
}

/** The subset of Storage used here (tests pass a Map-backed one). */
export type StorageLike = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

function defaultStorage(): StorageLike | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    // Some browsers throw on access when site data is blocked.
    return null;
  }
}

function isSaved(v: unknown, id: string): v is SavedScenario {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    o.id === id &&
    typeof o.name === "string" &&
    o.name.trim() !== "" &&
    typeof o.text === "string" &&
    typeof o.savedAt === "number" &&
    Number.isFinite(o.savedAt)
  );
}

/** Reads every saved scenario (oldest first); moves unreadable entries aside and reports them. */
export function listSaved(storage: StorageLike | null = defaultStorage()): SavedList {
  if (!storage)
    return { scenarios: [], problems: ["Saving is not available: this browser blocks site storage."] };
  const scenarios: SavedScenario[] = [];
  const problems: string[] = [];
  const keys: string[] = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const k = storage.key(i);
      if (k?.startsWith(SAVED_PREFIX)) keys.push(k);
    }
  } catch (e) {
    return { scenarios: [], problems: [`Saved scenarios cannot be read: ${(e as Error).message}`] };
  }
  for (const key of keys) {
    const id = key.slice(SAVED_PREFIX.length);
    const raw = storage.getItem(key);
    if (raw === null) continue;
    let value: unknown;
    let why = "";
    try {
      value = JSON.parse(raw);
      if (!isSaved(value, id)) why = "it is not a saved scenario record";
    } catch {
      why = "it is not valid JSON";
    }
    if (why === "") {
      scenarios.push(value as SavedScenario);
      continue;
    }
    // Set it aside (never delete what the user may want back) and go on with the others.
    const aside = `${CORRUPT_PREFIX}${id}`;
    let where = `kept in this browser's storage under “${aside}”`;
    try {
      storage.setItem(aside, raw);
      storage.removeItem(key);
    } catch {
      where = `left under “${key}”`;
    }
    problems.push(`A saved scenario could not be read (${why}); it was set aside, ${where}.`);
  }
  scenarios.sort((a, b) => a.savedAt - b.savedAt || a.name.localeCompare(b.name));
  return { scenarios, problems };
}

function newId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export type SaveResult =
  | { ok: true; saved: SavedScenario; replaced: boolean }
  | { ok: false; message: string };

/** Saves `text` under `name`, replacing a scenario saved under the same name. */
export function saveScenario(
  name: string,
  text: string,
  storage: StorageLike | null = defaultStorage(),
  now = Date.now(),
): SaveResult {
  const trimmed = name.trim();
  if (trimmed === "") return { ok: false, message: "Give the scenario a name to save it under." };
  if (trimmed.length > MAX_NAME_CHARS)
    return { ok: false, message: `A name has at most ${MAX_NAME_CHARS} characters.` };
  if (text.length > MAX_SAVED_CHARS) {
    return {
      ok: false,
      message: `This scenario is too large to save in the browser (${text.length.toLocaleString("en-US")} characters); use "Export scenario" instead.`,
    };
  }
  if (!storage) return { ok: false, message: "Saving is not available: this browser blocks site storage." };
  const existing = listSaved(storage).scenarios.find((s) => s.name === trimmed);
  const saved: SavedScenario = { id: existing?.id ?? newId(), name: trimmed, text, savedAt: now };
  try {
    storage.setItem(`${SAVED_PREFIX}${saved.id}`, JSON.stringify(saved));
  } catch (e) {
    return {
      ok: false,
      message: `The browser refused to save it (${(e as Error).name === "QuotaExceededError" ? "its storage for this site is full" : (e as Error).message}). Nothing was changed.`,
    };
  }
  return { ok: true, saved, replaced: existing !== undefined };
}

/** Removes a saved scenario. */
export function deleteSaved(id: string, storage: StorageLike | null = defaultStorage()): void {
  storage?.removeItem(`${SAVED_PREFIX}${id}`);
}

/** Puts back a scenario exactly as it was (undo of a delete). */
export function restoreSaved(entry: SavedScenario, storage: StorageLike | null = defaultStorage()): boolean {
  try {
    storage?.setItem(`${SAVED_PREFIX}${entry.id}`, JSON.stringify(entry));
    return storage !== null;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The list as a small store, so the panel re-renders when it changes (also from another tab).

export interface SavedState extends SavedList {
  refresh(): void;
  save(name: string, text: string): SaveResult;
  remove(id: string): SavedScenario | undefined;
  restore(entry: SavedScenario): boolean;
}

export const useSaved = create<SavedState>((set, get) => ({
  scenarios: [],
  problems: [],
  refresh() {
    const list = listSaved();
    // Problems found earlier stay reported: their entries were moved aside and are not seen again.
    set({ scenarios: list.scenarios, problems: [...new Set([...get().problems, ...list.problems])] });
  },
  save(name, text) {
    const r = saveScenario(name, text);
    get().refresh();
    return r;
  },
  remove(id) {
    const entry = get().scenarios.find((s) => s.id === id);
    deleteSaved(id);
    get().refresh();
    return entry;
  },
  restore(entry) {
    const ok = restoreSaved(entry);
    get().refresh();
    return ok;
  },
}));

if (typeof window !== "undefined") {
  window.addEventListener("storage", (e) => {
    if (e.key === null || e.key.startsWith(SAVED_PREFIX)) useSaved.getState().refresh();
  });
}
