// What-if matrix and version diff (docs/scenario-format.md, Kernel versions and what-ifs):
// run the built-in flows under each mutation and see which flow notices (an expectation fails);
// run one scenario on two kernel versions and find where the traces first diverge.

import type { BuiltInFlow } from "../flows/index.ts";
import { flows as builtIn, SELFTEST_FLOW_IDS } from "../flows/index.ts";
import { simulate } from "../index.ts";
import { type KernelVersion, MUTATION_NAMES, type Mutation } from "../kernel/versions.ts";
import type { Trace, TraceStep } from "../scenario/trace-types.ts";

type Raw = Record<string, unknown>;

/** The scenario with `machine` fields replaced (the rest untouched). */
export function withMachine(raw: Raw, fields: { kernel?: KernelVersion; mutate?: Mutation[] }): Raw {
  const machine = typeof raw.machine === "object" && raw.machine !== null ? (raw.machine as Raw) : {};
  return { ...raw, machine: { ...machine, ...fields } };
}

export interface MatrixCell {
  mutation: Mutation;
  /** The first unmet expectation, or the validation error; absent when every expectation held. */
  caughtBy?: string;
}

export interface MatrixRow {
  flow: string;
  /** The flow translates a kernel selftest (flows/index.ts: SELFTEST_FLOW_IDS). */
  selftest: boolean;
  cells: MatrixCell[];
}

export interface WhatIfMatrix {
  mutations: Mutation[];
  rows: MatrixRow[];
  /** Mutations no flow catches: each is a gap in the flows. */
  uncaught: Mutation[];
  /** Mutations no kernel selftest flow catches: each is a finding (the selftests do not test what it removes). */
  uncaughtBySelftests: Mutation[];
}

/** Every flow (with expectations) under every mutation on `kernel`. */
export function whatIfMatrix(
  flows: readonly BuiltInFlow[] = builtIn,
  mutations: readonly Mutation[] = MUTATION_NAMES,
  kernel: KernelVersion = "v6.0",
  /** Called after each flow's row (the explorer shows progress). */
  onFlow?: (done: number, total: number) => void,
): WhatIfMatrix {
  const rows: MatrixRow[] = [];
  for (const f of flows) {
    // A flow that pins its kernel (a version's bug or fix) keeps it.
    const own = (f.scenario.machine as { kernel?: KernelVersion } | undefined)?.kernel;
    // A flow that shows a version's oops crashes without any mutation: only a new oops counts.
    let baselineOops: boolean | undefined;
    const oopsesUnmutated = (): boolean => {
      if (baselineOops === undefined) {
        const b = simulate(withMachine(f.scenario, { kernel: own ?? kernel }));
        baselineOops = b.ok && b.trace.stopped !== undefined;
      }
      return baselineOops;
    };
    const cells = mutations.map((mutation): MatrixCell => {
      const r = simulate(withMachine(f.scenario, { kernel: own ?? kernel, mutate: [mutation] }));
      if (!r.ok) return { mutation, caughtBy: `invalid: ${r.errors[0]}` };
      if (r.unmet.length > 0) return { mutation, caughtBy: r.unmet[0] };
      const oops = r.trace.steps.find((s) => s.oops)?.oops;
      if (oops && !oopsesUnmutated())
        return { mutation, caughtBy: `kernel oops in ${oops.function}(): ${oops.text}` };
      return { mutation };
    });
    rows.push({ flow: f.id, selftest: SELFTEST_FLOW_IDS.has(f.id), cells });
    onFlow?.(rows.length, flows.length);
  }
  const uncaught = mutations.filter((m) =>
    rows.every((r) => r.cells.every((c) => c.mutation !== m || !c.caughtBy)),
  );
  const uncaughtBySelftests = mutations.filter((m) =>
    rows.every((r) => !r.selftest || r.cells.every((c) => c.mutation !== m || !c.caughtBy)),
  );
  return { mutations: [...mutations], rows, uncaught, uncaughtBySelftests };
}

export function formatMatrix(m: WhatIfMatrix): string {
  const width = Math.max(4, ...m.rows.map((r) => r.flow.length));
  const cols = m.mutations.map((x) => x.length);
  const lines = [`${"flow".padEnd(width)}  ${m.mutations.join("  ")}`];
  for (const r of m.rows)
    lines.push(
      `${r.flow.padEnd(width)}  ${r.cells.map((c, i) => (c.caughtBy ? "CAUGHT" : ".").padEnd(cols[i])).join("  ")}`.trimEnd(),
    );
  lines.push("");
  for (const mut of m.mutations) {
    const by = m.rows.filter((r) => r.cells.some((c) => c.mutation === mut && c.caughtBy));
    if (by.length === 0) lines.push(`${mut}: caught by no flow (a gap in the tests)`);
    else {
      const first = by[0].cells.find((c) => c.mutation === mut)?.caughtBy ?? "";
      lines.push(`${mut}: caught by ${by.length} flow(s): ${by.map((r) => r.flow).join(", ")}`);
      lines.push(`  e.g. ${by[0].flow}: ${first}`);
      if (m.uncaughtBySelftests.includes(mut)) lines.push("  no kernel selftest catches it (a finding)");
    }
  }
  return `${lines.join("\n")}\n`;
}

export interface VersionDiff {
  a: KernelVersion;
  b: KernelVersion;
  /** Index of the first step whose outcome differs; absent when the traces agree. */
  step?: number;
  op?: string;
  /** What differs at that step, one line each ("ret: 0 vs -1 (EINVAL)"). */
  differences: string[];
  /** Steps each run has (a run can end early). */
  steps: [number, number];
}

function outcome(s: TraceStep): string {
  return s.errno ? `${s.ret} (${s.errno})` : String(s.ret ?? "-");
}

function stepDifferences(x: TraceStep, y: TraceStep): string[] {
  const out: string[] = [];
  if (outcome(x) !== outcome(y)) out.push(`result: ${outcome(x)} vs ${outcome(y)}`);
  if (JSON.stringify(x.arg) !== JSON.stringify(y.arg))
    out.push(`returned arg: ${JSON.stringify(x.arg)} vs ${JSON.stringify(y.arg)}`);
  const ex = x.events.map((e) => e.text);
  const ey = y.events.map((e) => e.text);
  const at = ex.findIndex((t, i) => t !== ey[i]);
  if (at >= 0 || ex.length !== ey.length) {
    const i = at >= 0 ? at : Math.min(ex.length, ey.length);
    out.push(`event ${i}: ${JSON.stringify(ex[i] ?? "(none)")} vs ${JSON.stringify(ey[i] ?? "(none)")}`);
  }
  if (JSON.stringify(x.epcm) !== JSON.stringify(y.epcm)) out.push("EPCM changes differ");
  if (JSON.stringify(x.review?.checks.map((c) => c.id)) !== JSON.stringify(y.review?.checks.map((c) => c.id)))
    out.push(
      `reviewer checks: ${x.review?.checks.map((c) => c.id).join(",")} vs ${y.review?.checks.map((c) => c.id).join(",")}`,
    );
  if (JSON.stringify(x.unmet) !== JSON.stringify(y.unmet))
    out.push(`unmet expectations: ${JSON.stringify(x.unmet ?? [])} vs ${JSON.stringify(y.unmet ?? [])}`);
  return out;
}

/** Where the traces of `raw` on kernels `a` and `b` first diverge. */
export function diffTraces(ta: Trace, tb: Trace, a: KernelVersion, b: KernelVersion): VersionDiff {
  const n = Math.max(ta.steps.length, tb.steps.length);
  for (let i = 0; i < n; i++) {
    const x = ta.steps[i];
    const y = tb.steps[i];
    if (!x || !y)
      return {
        a,
        b,
        step: i,
        op: (x ?? y)?.op.op as string,
        differences: [`only ${x ? a : b} runs this step`],
        steps: [ta.steps.length, tb.steps.length],
      };
    const d = stepDifferences(x, y);
    if (d.length > 0)
      return {
        a,
        b,
        step: i,
        op: x.op.op as string,
        differences: d,
        steps: [ta.steps.length, tb.steps.length],
      };
  }
  return { a, b, differences: [], steps: [ta.steps.length, tb.steps.length] };
}

export type VersionDiffResult = { ok: true; diff: VersionDiff } | { ok: false; errors: string[] };

export function versionDiff(raw: Raw, a: KernelVersion, b: KernelVersion): VersionDiffResult {
  const ra = simulate(withMachine(raw, { kernel: a }));
  if (!ra.ok) return ra;
  const rb = simulate(withMachine(raw, { kernel: b }));
  if (!rb.ok) return rb;
  return { ok: true, diff: diffTraces(ra.trace, rb.trace, a, b) };
}

export function formatDiff(d: VersionDiff): string {
  if (d.step === undefined)
    return `${d.a} and ${d.b}: the traces agree on all ${d.steps[0]} step(s) (no difference in this scenario)\n`;
  return `${d.a} vs ${d.b}: first divergence at step ${d.step} (${d.op})\n${d.differences.map((x) => `  ${x}`).join("\n")}\n`;
}
