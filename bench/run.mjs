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
  `process.on("exit", () => { const u = process.resourceUsage(); process.stderr.write("MAXRSS " + u.maxRSS + "\\nCPU " + (u.userCPUTime + u.systemCPUTime) + "\\n"); });\nawait import(${JSON.stringify(cli)});\n`,
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
const find = (what) => rows.find((r) => r.what.startsWith(what));
// Linearity: cost per page at 2^21 against 2^17.
const ns = (what) => Number(find(what)?.note.match(/(\d+) ns\/page/)?.[1]);
const e17 = "engine in process, 2^17";
const e21 = "engine in process, 2^21";
if (ns(e17) && ns(e21))
  rows.push({
    what: "linearity (ns/page, 2^21 vs 2^17)",
    value: `${(ns(e21) / ns(e17)).toFixed(2)}x`,
    note: "1.0 = perfectly linear",
  });
// The EPC-size target: a small enclave on 2^27 pages within twice its time on 128 pages.
const small = (n) => Number.parseFloat(find(`small enclave (64 EAUGs) on a ${n}-page EPC`)?.value ?? "");
const [t128, tMax] = [small("128"), small("134,217,728")];
if (t128 && tMax)
  rows.push({
    what: "small enclave: 2^27-page EPC against 128 pages",
    value: `${(tMax / t128).toFixed(2)}x the time`,
    target: "≤ 2x",
    verdict: tMax / t128 <= 2 ? "met" : "NOT met",
    note: `${tMax} ms against ${t128} ms`,
  });
const cols = ["what", "value", "target", "verdict", "note"];
const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? "").length)));
const line = (cells) => `| ${cells.map((x, i) => (i < 4 ? x.padEnd(width[i]) : x)).join(" | ")} |`;
console.log(line(cols));
console.log(`|${width.map((w, i) => "-".repeat(i < 4 ? w + 2 : 6)).join("|")}|`);
for (const r of rows) console.log(line(cols.map((c) => r[c] ?? "")));
