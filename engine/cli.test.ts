// The CLI's contract: exit 0 when every expectation held, 1 naming each unmet one, 2 for an
// invalid scenario (with its JSON path) or bad usage; never a stack trace.

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findFlow } from "./index.ts";

const cli = new URL("./cli.ts", import.meta.url).pathname;

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ["--import", "tsx", cli, ...args], { input, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "epcm-cli-"));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}

const augment = findFlow("augment")?.scenario as Record<string, unknown>;

// Each test spawns node with the TypeScript loader: allow for a busy machine.
describe("npm run sim", { timeout: 60_000 }, () => {
  it("prints the trace JSON and exits 0 when every expectation holds", () => {
    const r = run([file("augment.json", augment), "--trace-format", "1"]);
    expect(r.code).toBe(0);
    const trace = JSON.parse(r.out);
    expect(trace.format).toBe("epcm-trace/1");
    expect(trace.steps[11].run.exception_error_code).toBe("0x8007");
    expect(trace.final.epcm.some((e: { count?: number }) => e.count !== undefined)).toBe(false);
  });

  it("writes epcm-trace/2 with range records by default, and rejects other versions", () => {
    const r = run(["--flow", "augment-via-eaccept-long"]);
    expect(r.code).toBe(0);
    const trace = JSON.parse(r.out);
    expect(trace.format).toBe("epcm-trace/2");
    expect(trace.final.pages.some((p: { count?: number }) => (p.count ?? 0) >= 2)).toBe(true);
    const bad = run(["--flow", "augment", "--trace-format=3"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--trace-format must be 1 or 2, got "3"');
  });

  it("a step that misuses a CPU stops the run: exit 2, the message names the step", () => {
    const steps = [...(augment.steps as unknown[]), { op: "EEXIT", cpu: 2 }];
    const r = run([file("misuse.json", { ...augment, steps })]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`steps[${steps.length - 1}]: EEXIT needs a thread inside the enclave on CPU 2`);
    expect(r.out).toBe("");
  });

  it("writes final.threads for a scenario with a thread that stayed", () => {
    const steps = [
      ...(augment.steps as unknown[]).slice(0, 10),
      { op: "EENTER", cpu: 1, tcs: "0x1000", call: "nop", stay: true },
    ];
    const r = run([file("stay.json", { ...augment, steps })]);
    expect(r.code).toBe(0);
    const trace = JSON.parse(r.out);
    expect(trace.final.threads).toMatchObject([{ enclave: "e0", tcs: "0x1000", cpu: 1 }]);
    expect(trace.steps[10].thread).toEqual({ enclave: "e0", tcs: "0x1000", cpu: 1, state: "inside" });
  });

  it("--flow takes a flow's id in either spelling (the selftest's underscores too)", () => {
    const dashes = run(["--flow", "epcm-permissions", "--format", "text"]);
    const underscores = run(["--flow", "epcm_permissions", "--format", "text"]);
    expect(underscores.code).toBe(0);
    expect(underscores.out).toBe(dashes.out);
    const unknown = run(["--flow", "epcm_permission"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no built-in flow "epcm_permission"');
  });

  it("reads standard input with -", () => {
    const r = run(["-", "--format", "text"], JSON.stringify(augment));
    expect(r.code).toBe(0);
    expect(r.out).toContain("#PF 0x8007 at offset 0xc000");
    expect(r.out).toContain("Final EPCM:");
  });

  it("exits 1 and names each unmet expectation", () => {
    const steps = [...(augment.steps as Record<string, unknown>[])];
    steps[11] = { ...steps[11], expect: { run: { exception_error_code: "0x8005" } } };
    const r = run([file("wrong.json", { ...augment, steps })]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'steps[11] (EENTER write): run.exception_error_code: expected "0x8005", got "0x8007"',
    );
  });

  it("exits 2 with the JSON path of an invalid field, and no stack trace", () => {
    const r = run([
      file("bad.json", { format: "epcm-scenario/1", steps: [{ op: "munmap", offset: "0x0", length: "8k" }] }),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("steps[0].length");
    expect(r.err).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it("exits 2 for truncated JSON, a missing file and a bad option", () => {
    expect(run([file("trunc.json", '{"format": "epcm-scenario/1", "steps": [')]).code).toBe(2);
    const missing = run([join(dir, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("cannot read");
    expect(run(["--format", "xml", "-"], "{}").code).toBe(2);
  });
});

describe("npm run sim --matrix and --diff", { timeout: 60_000 }, () => {
  it("--matrix prints which flow catches which mutation and names the uncaught ones", () => {
    const r = run(["--matrix"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^flow +no-ipi +no-etrack +no-accept-probe +no-type-check +no-ioctl-busy$/m);
    expect(r.out).toMatch(/^remove-added-page-no-eaccept +\. +\. +CAUGHT/m);
    expect(r.out).toContain("no-ioctl-busy: caught by 1 flow(s): remove-pages-ioctl-busy");
  });

  it("--diff reports the first divergence, on a file or a flow", () => {
    const r = run(["--flow", "epcm-permissions", "--diff", "v6.0", "v6.1"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^v6.0 vs v6.1: first divergence at step 1 \(ioctl\)\n {2}reviewer checks: /);
    const same = run([file("aug-diff.json", augment), "--diff", "v6.1", "v6.6"]);
    expect(same.out).toMatch(/v6.1 and v6.6: the traces agree on all \d+ step\(s\)/);
  });

  it("--diff refuses an unknown version", () => {
    const r = run(["--flow", "augment", "--diff", "v6.0", "v7"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('got "v7"');
  });
});

describe("npm run sim --explore", { timeout: 60_000 }, () => {
  it("prints each race's interleavings by outcome, with a reproducing order; an invalid race exits 2", () => {
    const r = run(["--flow", "eaug-fault-race", "--explore"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "steps[11] race of 2 steps: 16 interleavings tried in 51 runs (bound 2000 runs, not cut: every interleaving was tried); 3 distinct outcome(s)",
    );
    expect(r.out).toContain('    "order": [0, 1, 0, 0, 1, 1]');
    const bad = {
      format: "epcm-scenario/1",
      steps: [
        {
          op: "race",
          steps: [
            { op: "access", offset: 0, kind: "read" },
            { op: "access", offset: 0, kind: "read" },
          ],
        },
      ],
    };
    const b = run([file("bad-race.json", bad), "--explore"]);
    expect(b.code).toBe(2);
    expect(b.err).toContain("steps[0].steps[1].cpu: CPU 0 (the default) already runs steps[0].steps[0]");
  });
});
