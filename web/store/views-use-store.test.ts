// Views reach the engine only through the store (web/CONTEXT.md, Rules): the linter reports a
// view that calls the worker client (biome.json, the web/views overrides), while types from the
// client and the store's own calls stay allowed. Planted in a scratch tree linted with the
// repository's configuration (as engine/layering.test.ts does for the layers).

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const BIOME = join(ROOT, "node_modules", ".bin", "biome");

const CLIENT = "export function engine() {}\nexport type StateView = number;\n";

/** Planted files: path → contents. */
const PLANTED: Record<string, string> = {
  "web/engine/client.ts": CLIENT,
  "web/views/calls.ts": 'import { engine } from "../engine/client.ts";\n\nexport const e = engine;\n',
  "web/views/scenario/calls.ts":
    'import { engine } from "../../engine/client.ts";\n\nexport const e = engine;\n',
  "web/views/types.ts":
    'import type { StateView } from "../engine/client.ts";\n\nexport const v: StateView | null = null;\n',
  "web/views/predict/types.ts":
    'import type { StateView } from "../../engine/client.ts";\n\nexport const v: StateView | null = null;\n',
  "web/store/calls.ts": 'import { engine } from "../engine/client.ts";\n\nexport const e = engine;\n',
};

let scratch = "";
const reported = new Map<string, string[]>();

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "views-store-"));
  const config = JSON.parse(readFileSync(join(ROOT, "biome.json"), "utf8"));
  delete config.$schema;
  config.vcs = { enabled: false };
  writeFileSync(join(scratch, "biome.json"), JSON.stringify(config));
  for (const [path, body] of Object.entries(PLANTED)) {
    mkdirSync(dirname(join(scratch, path)), { recursive: true });
    writeFileSync(join(scratch, path), body);
  }
  const run = spawnSync(BIOME, ["lint", "--reporter=json", "--max-diagnostics=200", "."], {
    cwd: scratch,
    encoding: "utf8",
  });
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

describe("views use the store (biome.json)", () => {
  it.each(["web/views/calls.ts", "web/views/scenario/calls.ts"])("reports the engine call in %s", (file) => {
    expect(reported.get(file)).toContain(RESTRICTED);
  });

  it.each(["web/views/types.ts", "web/views/predict/types.ts", "web/store/calls.ts"])("allows %s", (file) => {
    expect(reported.get(file) ?? []).not.toContain(RESTRICTED);
  });
});
