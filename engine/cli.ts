// Headless CLI: run a scenario and print its trace.
//   npm run sim -- FILE.json [--format json|text]     (FILE may be - for stdin)
//   npm run sim -- --flow augment [--format text]     (a built-in flow)
//   npm run sim -- --flow augment --format selftest   (a TEST_F for the kernel's sgx selftests)
//   npm run sim -- FILE.json --trace-format 1         (the expanded epcm-trace/1; default 2)
// Exit 0: ran and every expectation held; 1: some expectation failed (each is named on stderr);
// 2: invalid scenario or usage (the JSON path of the problem is named), or a scenario that
// cannot be written as a selftest (the step is named). Never a stack trace.

import { readFileSync } from "node:fs";
import { toSelftest } from "./export/selftest.ts";
import { findFlow, flows, parseScenario } from "./index.ts";
import { isKernelVersion, KERNEL_VERSIONS, type KernelVersion } from "./kernel/versions.ts";
import { exploreScenario, formatExplore } from "./scenario/explore.ts";
import { collectUnmet, ScenarioError, Simulation } from "./scenario/run.ts";
import { formatTraceText } from "./scenario/text.ts";
import { writeTraceJson } from "./scenario/trace-json.ts";
import { formatDiff, formatMatrix, versionDiff, whatIfMatrix } from "./whatif/whatif.ts";

const USAGE = `usage: npm run sim -- FILE.json|- [--format json|text|selftest] [--trace-format 1|2]
       npm run sim -- --flow ID [--format json|text|selftest] [--trace-format 1|2]
       npm run sim -- --list
       npm run sim -- --matrix                           (every flow under every what-if mutation)
       npm run sim -- FILE.json|--flow ID --diff V1 V2   (where the traces on two kernels diverge)
       npm run sim -- FILE.json|--flow ID --explore      (the interleavings of each race step, by outcome)`;

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function main(argv: string[]): void {
  let format = "json";
  let traceFormat = "2";
  let file: string | undefined;
  let flowId: string | undefined;
  let diff: [string, string] | undefined;
  let explore = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--format") format = argv[++i] ?? "";
    else if (a.startsWith("--format=")) format = a.slice(9);
    else if (a === "--trace-format") traceFormat = argv[++i] ?? "";
    else if (a.startsWith("--trace-format=")) traceFormat = a.slice(15);
    else if (a === "--flow") flowId = argv[++i];
    else if (a === "--explore") explore = true;
    else if (a === "--matrix") {
      const m = whatIfMatrix();
      process.stdout.write(formatMatrix(m));
      return;
    } else if (a === "--diff") {
      diff = [argv[++i] ?? "", argv[++i] ?? ""];
      for (const v of diff)
        if (!isKernelVersion(v))
          fail(`--diff needs two kernel versions (${KERNEL_VERSIONS.join(", ")}), got "${v}"`, 2);
    } else if (a === "--list") {
      for (const f of flows) process.stdout.write(`${f.id.padEnd(48)} ${f.description}\n`);
      return;
    } else if (a === "--help" || a === "-h") {
      process.stdout.write(`${USAGE}\n`);
      return;
    } else if (a.startsWith("--")) fail(`unknown option ${a}\n${USAGE}`, 2);
    else if (file === undefined) file = a;
    else fail(`only one scenario file at a time\n${USAGE}`, 2);
  }
  if (format !== "json" && format !== "text" && format !== "selftest")
    fail(`--format must be json, text or selftest, got "${format}"`, 2);
  // docs/scenario-format.md, Compact traces: version 2 by default, 1 written out in full.
  if (traceFormat !== "1" && traceFormat !== "2")
    fail(`--trace-format must be 1 or 2, got "${traceFormat}"`, 2);
  let input: unknown;
  if (flowId !== undefined) {
    const flow = findFlow(flowId);
    if (!flow) fail(`no built-in flow "${flowId}" (see --list)`, 2);
    input = flow.scenario;
  } else {
    if (file === undefined) fail(USAGE, 2);
    try {
      input = readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (e) {
      fail(`cannot read ${file === "-" ? "standard input" : file}: ${(e as Error).message}`, 2);
    }
  }
  if (diff) {
    let raw: unknown = input;
    if (typeof input === "string") {
      try {
        raw = JSON.parse(input);
      } catch (e) {
        fail(`invalid scenario:\n  not JSON: ${(e as Error).message}`, 2);
      }
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      fail("invalid scenario: not an object", 2);
    const r = versionDiff(raw as Record<string, unknown>, diff[0] as KernelVersion, diff[1] as KernelVersion);
    if (!r.ok) fail(`invalid scenario:\n${r.errors.map((m) => `  ${m}`).join("\n")}`, 2);
    process.stdout.write(formatDiff(r.diff));
    return;
  }
  const parsed = parseScenario(input);
  if (!parsed.ok) fail(`invalid scenario:\n${parsed.errors.map((m) => `  ${m}`).join("\n")}`, 2);
  // docs/scenario-format.md, Command line: --explore.
  if (explore) {
    process.stdout.write(formatExplore(exploreScenario(parsed.scenario)));
    return;
  }
  // JSON is streamed from compact per-step diffs; the text log needs them as objects.
  // Nothing here reads the per-event diffs (the session's views): they are not kept.
  const sim = new Simulation(parsed.scenario, { materialize: format === "text", eventDiffs: false });
  try {
    while (!sim.done) sim.step();
  } catch (e) {
    // A step that misuses a CPU: the run stops there, as for a validation error.
    if (e instanceof ScenarioError) fail(`scenario error: ${e.message}`, 2);
    throw e;
  }
  const out = (s: string) => process.stdout.write(s);
  if (format === "selftest") {
    // Named after the flow id, else the scenario's title.
    const test = toSelftest(parsed.scenario, sim.trace(), flowId);
    if (!test.ok) fail(test.error, 2);
    out(test.code);
  } else if (format === "text") out(formatTraceText(sim.trace()));
  else writeTraceJson(sim, out, traceFormat === "1" ? 1 : 2);
  const unmet = collectUnmet(sim.steps);
  if (unmet.length > 0)
    fail(`${unmet.length} expectation(s) not met:\n${unmet.map((m) => `  ${m}`).join("\n")}`, 1);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  fail(`internal error in the engine (please report): ${(e as Error).message}`, 3);
}
