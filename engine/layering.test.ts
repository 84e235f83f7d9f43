// The layering rules of engine/CONTEXT.md are enforced by the linter (biome.json: one
// noRestrictedImports override per folder, noImportCycles everywhere), so `npm test` fails on an
// upward import, a web view reaching into the engine, or an import cycle. This test plants such
// imports in a scratch tree linted with the repository's own configuration and checks that each
// one is reported, and that the imports the layering allows are not.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const BIOME = join(ROOT, "node_modules", ".bin", "biome");

/** Planted files: path → the import it makes (each target exists in the scratch tree). */
const PLANTED: Record<string, string> = {
  // Targets.
  "engine/vocabulary/epcm.ts": "",
  "engine/arch/epc.ts": "",
  "engine/kernel/kernel.ts": "",
  "engine/scenario/types.ts": "",
  "engine/session/session.ts": "",
  "engine/export/selftest.ts": "",
  "engine/worker.ts": "",
  "web/engine/client.ts": "../../engine/worker.ts",
  // Upward or sideways: must be reported.
  "engine/arch/up.ts": "../kernel/kernel.ts",
  "engine/arch/leaves/up.ts": "../../kernel/kernel.ts",
  "engine/kernel/up.ts": "../scenario/types.ts",
  "engine/scenario/up.ts": "../session/session.ts",
  "engine/session/up.ts": "../export/selftest.ts",
  "engine/vocabulary/up.ts": "../arch/epc.ts",
  "engine/flows/up.ts": "../kernel/kernel.ts",
  "web/views/internal.ts": "../../engine/session/session.ts",
  "web/views/public-face.ts": "../../engine/worker.ts",
  "web/views/scenario/internal.ts": "../../../engine/kernel/kernel.ts",
  "web/engine/internal.ts": "../../engine/session/session.ts",
  // Downward, or through the allowed doors: must not be reported.
  "engine/kernel/down.ts": "../arch/epc.ts",
  "engine/arch/leaves/down.ts": "../../vocabulary/epcm.ts",
  "engine/session/down.ts": "../scenario/types.ts",
  "engine/export/down.ts": "../session/session.ts",
  "web/views/vocabulary.ts": "../../engine/vocabulary/epcm.ts",
  "web/views/client.ts": "../engine/client.ts",
  "web/views/scenario/client.ts": "../../engine/client.ts",
  // Tests may reach anything (they drive whole runs).
  "engine/arch/up.test.ts": "../kernel/kernel.ts",
  // A cycle.
  "engine/kernel/cycle-a.ts": "./cycle-b.ts",
  "engine/kernel/cycle-b.ts": "./cycle-a.ts",
};

let scratch = "";
let status: number | null = null;
const reported = new Map<string, string[]>();

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "layering-"));
  const config = JSON.parse(readFileSync(join(ROOT, "biome.json"), "utf8"));
  delete config.$schema;
  config.vcs = { enabled: false };
  writeFileSync(join(scratch, "biome.json"), JSON.stringify(config));
  for (const [path, target] of Object.entries(PLANTED)) {
    mkdirSync(dirname(join(scratch, path)), { recursive: true });
    const body = target ? `import { value } from "${target}";\n\nexport const copy = value;\n` : "";
    writeFileSync(join(scratch, path), `${body}export const value = 1;\n`);
  }
  const run = spawnSync(BIOME, ["lint", "--reporter=json", "--max-diagnostics=200", "."], {
    cwd: scratch,
    encoding: "utf8",
  });
  status = run.status;
  const out = JSON.parse(run.stdout) as {
    diagnostics: Array<{ category: string; location: { path: string | { file: string } } }>;
  };
  for (const d of out.diagnostics) {
    const p = d.location.path;
    const file = (typeof p === "string" ? p : p.file).replaceAll("\\", "/");
    reported.set(file, [...(reported.get(file) ?? []), d.category]);
  }
}, 60_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const RESTRICTED = "lint/style/noRestrictedImports";
const CYCLE = "lint/suspicious/noImportCycles";

describe("layering (biome.json)", () => {
  it("fails the lint step when a rule is broken", () => {
    expect(status).not.toBe(0);
  });

  it.each([
    "engine/arch/up.ts",
    "engine/arch/leaves/up.ts",
    "engine/kernel/up.ts",
    "engine/scenario/up.ts",
    "engine/session/up.ts",
    "engine/vocabulary/up.ts",
    "engine/flows/up.ts",
    "web/views/internal.ts",
    "web/views/public-face.ts",
    "web/views/scenario/internal.ts",
    "web/engine/internal.ts",
  ])("reports the upward or side import in %s", (file) => {
    expect(reported.get(file)).toContain(RESTRICTED);
  });

  it.each([
    "engine/kernel/down.ts",
    "engine/arch/leaves/down.ts",
    "engine/session/down.ts",
    "engine/export/down.ts",
    "web/views/vocabulary.ts",
    "web/views/client.ts",
    "web/views/scenario/client.ts",
    "web/engine/client.ts",
    "engine/arch/up.test.ts",
  ])("allows the import in %s", (file) => {
    expect(reported.get(file) ?? []).not.toContain(RESTRICTED);
  });

  it("reports an import cycle", () => {
    expect(reported.get("engine/kernel/cycle-a.ts")).toContain(CYCLE);
    expect(reported.get("engine/kernel/down.ts") ?? []).not.toContain(CYCLE);
  });
});
