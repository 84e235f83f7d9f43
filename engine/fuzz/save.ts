// Writing a shrunk failure as a regression fixture: engine/fuzz/regressions/<short-hash>.json,
// which regressions.test.ts replays. Only the fuzz CLI, or a test run with FUZZ_SAVE=1, writes.

import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Raw } from "./check.ts";

export const REGRESSIONS_DIR = fileURLToPath(new URL("./regressions/", import.meta.url));

/** Save a fixture; returns its path. The name is a hash of its steps, so a rerun overwrites it. */
export function saveRegression(fixture: Raw, dir: string = REGRESSIONS_DIR): string {
  const json = `${JSON.stringify(fixture, null, 2)}\n`;
  const hash = createHash("sha256")
    .update(JSON.stringify({ machine: fixture.machine, steps: fixture.steps }))
    .digest("hex")
    .slice(0, 10);
  mkdirSync(dir, { recursive: true });
  const path = `${dir}${dir.endsWith("/") ? "" : "/"}${hash}.json`;
  writeFileSync(path, json);
  return path;
}
