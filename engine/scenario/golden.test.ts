// Golden outputs: the --format text log of every built-in flow is checked in, so a behaviour
// change shows up in review as a readable diff. Regenerate with UPDATE_GOLDEN=1 npx vitest run golden.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { flows, simulate } from "../index.ts";
import { formatTraceText } from "./text.ts";

const dir = new URL("./golden/", import.meta.url);

describe("golden text logs of the built-in flows", () => {
  for (const flow of flows) {
    it(flow.id, () => {
      const r = simulate(flow.scenario);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const text = formatTraceText(r.trace);
      const file = new URL(`${flow.id}.txt`, dir);
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
      expect(existsSync(file), `missing ${flow.id}.txt: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(readFileSync(file, "utf8"));
    });
  }
});
