// Replays every scenario in engine/fuzz/regressions/ (failures the fuzz found, shrunk, plus
// hand-made ones) with every check of check.ts: nothing throws, every invariant holds after
// every step, the reference model agrees, and the trace is deterministic.

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkScenario, type Raw } from "./check.ts";
import { REGRESSIONS_DIR } from "./save.ts";

const files = readdirSync(REGRESSIONS_DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();

describe("fuzz regressions", () => {
  it("the folder holds at least one scenario", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(file, () => {
      const raw = JSON.parse(readFileSync(`${REGRESSIONS_DIR}${file}`, "utf8")) as Raw;
      const f = checkScenario(raw);
      expect(f, f && `${f.property} after steps[${f.step}]:\n${f.message}`).toBeUndefined();
    });
  }
});
