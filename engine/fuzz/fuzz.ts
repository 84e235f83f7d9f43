// One fuzz campaign: N random scenarios from a seed, each checked step by step (check.ts). On a
// failure fast-check shrinks the command sequence, minimize() deletes further steps, and the
// result becomes a regression fixture (written only when asked to).

import fc from "fast-check";
import { Coverage, checkScenario, type Failure, fixtureOf, minimize, type Raw } from "./check.ts";
import { type GeneratorOptions, scenarioArb } from "./commands.ts";
import { saveRegression } from "./save.ts";

export interface FuzzOptions extends GeneratorOptions {
  seed: number;
  runs: number;
  /** Write the shrunk failure to engine/fuzz/regressions/ (the CLI does; tests only with FUZZ_SAVE=1). */
  save?: boolean;
}

export interface FuzzFailure {
  failure: Failure;
  /** The shrunk scenario as a fixture (notes and description name the broken property). */
  fixture: Raw;
  /** Where it was written, if it was. */
  path?: string;
  /** fast-check's path to replay the unshrunk counterexample (with the seed). */
  counterexamplePath?: string;
}

export interface FuzzResult {
  seed: number;
  coverage: Coverage;
  ms: number;
  failure?: FuzzFailure;
}

export function runFuzz(opts: FuzzOptions): FuzzResult {
  const coverage = new Coverage();
  const started = performance.now();
  let failing = false;
  const details = fc.check(
    fc.property(scenarioArb(opts), (scenario) => {
      // Coverage counts the campaign's runs, not the shrinker's replays.
      const f = checkScenario(scenario, failing ? {} : { coverage });
      if (f) {
        failing = true;
        throw new Error(`${f.property} after steps[${f.step}]: ${f.message}`);
      }
    }),
    { seed: opts.seed, numRuns: opts.runs },
  );
  const result: FuzzResult = { seed: opts.seed, coverage, ms: 0 };
  if (details.failed && details.counterexample) {
    const shrunk = details.counterexample[0] as Raw;
    const first = checkScenario(shrunk) ?? {
      property: "nothing throws",
      step: -1,
      message: String(details.errorInstance ?? "fast-check reported a failure that does not replay"),
    };
    const { scenario, failure } = minimize(shrunk, first);
    const fixture = fixtureOf(
      scenario,
      failure,
      `Found by \`npm run fuzz -- --seed ${opts.seed} --runs ${opts.runs}${opts.aliasTcs === false ? " --no-alias-tcs" : ""}\` (fast-check path ${details.counterexamplePath}), shrunk`,
    );
    result.failure = { failure, fixture, counterexamplePath: details.counterexamplePath ?? undefined };
    if (opts.save) result.failure.path = saveRegression(fixture);
  }
  result.ms = performance.now() - started;
  return result;
}

/** The coverage table the CLI prints. */
export function coverageReport(r: FuzzResult): string {
  const c = r.coverage;
  const lines: string[] = [];
  const table = (title: string, m: Map<string, number>) => {
    lines.push("", `${title} (${m.size})`);
    const rows = [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const w = Math.max(...rows.map(([, n]) => String(n).length), 1);
    for (const [k, n] of rows) lines.push(`  ${String(n).padStart(w)}  ${k}`);
  };
  table("Ops executed, by kind", c.ops);
  table("errno values", c.errnos);
  table("SGX status codes (ENCLU RAX, ioctl result)", c.sgxCodes);
  table("Exceptions reported by the vDSO (run.function, vector, error code)", c.exceptions);
  table("Outcomes by op", c.outcomes);
  table("Many CPUs (events)", c.cpuEvents);
  table("Per-page states reached (type RWX PENDING MODIFIED PR; page-steps)", c.states);
  table("States seen while evicted (sealed in the backing store)", c.evictedStates);
  lines.push(
    "",
    `seed ${r.seed}: ${c.runs} scenario(s), ${c.steps} step(s), ${c.states.size} distinct page state(s), ${(r.ms / 1000).toFixed(1)} s`,
  );
  return lines.join("\n");
}
