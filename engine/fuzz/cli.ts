// npm run fuzz -- --seed S --runs N [--no-save] [--no-alias-tcs]
// Runs N random scenarios (commands.ts) with every check of check.ts after every step, prints
// what they covered, and on a failure writes the shrunk scenario to engine/fuzz/regressions/ and
// exits 1 naming it.

import { coverageReport, runFuzz } from "./fuzz.ts";

function usage(msg?: string): never {
  if (msg) console.error(msg);
  console.error("usage: npm run fuzz -- [--seed S] [--runs N] [--no-save] [--no-alias-tcs]");
  process.exit(2);
}

function parseArgs(argv: string[]): { seed: number; runs: number; save: boolean; aliasTcs: boolean } {
  let seed = Date.now() % 0x7fffffff;
  let runs = 500;
  let save = true;
  let aliasTcs = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): number => {
      const v = argv[++i];
      const n = v === undefined ? Number.NaN : Number(v);
      if (!Number.isSafeInteger(n) || n < 0) usage(`${a} needs a non-negative integer, got ${v}`);
      return n;
    };
    if (a === "--seed") seed = value();
    else if (a === "--runs") runs = value();
    else if (a === "--no-save") save = false;
    else if (a === "--no-alias-tcs") aliasTcs = false;
    else if (a === "--help" || a === "-h") usage();
    else usage(`unknown argument ${a}`);
  }
  return { seed, runs, save, aliasTcs };
}

const opts = parseArgs(process.argv.slice(2));
console.log(`fuzz: ${opts.runs} random scenario(s), seed ${opts.seed}`);
const r = runFuzz(opts);
console.log(coverageReport(r));
if (r.failure) {
  const f = r.failure;
  console.error(
    `\nFAILED: ${f.failure.property}${f.failure.step >= 0 ? ` after steps[${f.failure.step}]` : ""}\n${f.failure.message}`,
  );
  console.error(
    f.path
      ? `\nShrunk scenario (${(f.fixture.steps as unknown[]).length} steps) saved as regression fixture: ${f.path}`
      : `\nShrunk scenario:\n${JSON.stringify(f.fixture, null, 2)}`,
  );
  process.exit(1);
}
