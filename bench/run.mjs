// npm run bench: bundle the benchmark with the engine (as Vite bundles it for the browser: no
// per-module loader overhead), run each case in a fresh process so its peak memory is its own,
// and print one table.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const out = new URL("../node_modules/.cache/epcm-bench/engine.bench.mjs", import.meta.url).pathname;
mkdirSync(new URL("../node_modules/.cache/epcm-bench/", import.meta.url), { recursive: true });
await build({
  entryPoints: [new URL("./engine.bench.ts", import.meta.url).pathname],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: out,
  logLevel: "warning",
});

// The CLI, bundled the same way, behind a wrapper that reports the process's own peak RSS.
const cli = new URL("../node_modules/.cache/epcm-bench/cli.mjs", import.meta.url).pathname;
await build({
  entryPoints: [new URL("../engine/cli.ts", import.meta.url).pathname],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: cli,
  logLevel: "warning",
});
const wrapper = new URL("../node_modules/.cache/epcm-bench/cli-peak.mjs", import.meta.url).pathname;
writeFileSync(
  wrapper,
  `process.on("exit", () => process.stderr.write("MAXRSS " + process.resourceUsage().maxRSS + "\\n"));\nawait import(${JSON.stringify(cli)});\n`,
);

const cases = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ["eaug17", "eaug19", "eaug21", "reclaim", "memory", "cli21", "epc128", "epcmax"];
const rows = [];
for (const c of cases) {
  const text = execFileSync(process.execPath, ["--expose-gc", "--max-old-space-size=4096", out, c], {
    encoding: "utf8",
    env: { ...process.env, EPCM_BENCH_CLI: wrapper },
    maxBuffer: 64 * 2 ** 20,
  });
  rows.push(...JSON.parse(text.trim().split("\n").pop()));
}
// Linearity: cost per page at 2^21 against 2^17.
const ns = (what) => Number(rows.find((r) => r.what.startsWith(what))?.note.match(/(\d+) ns\/page/)?.[1]);
if (ns("EACCEPT-driven EAUG, 2^17") && ns("EACCEPT-driven EAUG, 2^21"))
  rows.push({
    what: "linearity (ns/page, 2^21 vs 2^17)",
    value: `${(ns("EACCEPT-driven EAUG, 2^21") / ns("EACCEPT-driven EAUG, 2^17")).toFixed(2)}x`,
    note: "1.0 = perfectly linear",
  });
const w1 = Math.max(...rows.map((r) => r.what.length));
const w2 = Math.max(...rows.map((r) => r.value.length));
console.log(`| ${"what".padEnd(w1)} | ${"value".padEnd(w2)} | note |`);
console.log(`|${"-".repeat(w1 + 2)}|${"-".repeat(w2 + 2)}|------|`);
for (const r of rows) console.log(`| ${r.what.padEnd(w1)} | ${r.value.padEnd(w2)} | ${r.note} |`);
