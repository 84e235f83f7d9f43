// Run one scenario step by step and check, after every step: nothing throws, every invariant of
// invariants.ts holds, the reference model finds each outcome possible and predicts the same
// page states as the engine. After the last step: a second, independent run gives a
// byte-identical trace. Also: coverage counting, shrinking a failure further by deleting steps,
// and writing a failure as a regression fixture.

import { hasValidBasis } from "../arch/events.ts";
import { atLeast, DEFAULT_KERNEL } from "../kernel/versions.ts";
import { checkInvariants } from "../scenario/invariants.ts";
import { parseScenario } from "../scenario/parse.ts";
import { runScenario, ScenarioError, Simulation } from "../scenario/run.ts";
import type { TraceStep } from "../scenario/trace-types.ts";
import { compare, observe, observedKey } from "./observe.ts";
import { ReferenceModel } from "./reference-model.ts";
import { edmmSafety } from "./safety.ts";

export type Raw = Record<string, unknown>;

export interface Failure {
  /** The broken property, e.g. "invariant [3]", "reference model: state", "throws". */
  property: string;
  /** Index of the step after which it broke (-1: before any step or after the run). */
  step: number;
  message: string;
}

/** What a set of runs exercised. */
export class Coverage {
  runs = 0;
  steps = 0;
  readonly ops = new Map<string, number>();
  /** Outcome per op kind. */
  readonly outcomes = new Map<string, number>();
  readonly errnos = new Map<string, number>();
  /** SGX status codes: call.ret of ENCLU leaves, `result` of the SGX2 ioctls. */
  readonly sgxCodes = new Map<string, number>();
  /** Exceptions reported in sgx_enclave_run: function, vector, error code. */
  readonly exceptions = new Map<string, number>();
  /** Distinct per-page states (type × RWX × PENDING × MODIFIED × PR) seen after a step. */
  readonly states = new Map<string, number>();
  readonly evictedStates = new Map<string, number>();
  /** Many CPUs: threads that stayed, AEXs by cause, IPIs that kicked a thread, TLB hits, EWB ladders. */
  readonly cpuEvents = new Map<string, number>();

  private bump(m: Map<string, number>, key: string): void {
    m.set(key, (m.get(key) ?? 0) + 1);
  }

  step(t: TraceStep, sim: Simulation): void {
    this.steps++;
    const op = t.op as Record<string, unknown>;
    let kind = String(op.op);
    if (op.op === "ioctl") kind = `ioctl ${String(op.cmd).replace(/^SGX_IOC_ENCLAVE_/, "")}`;
    if (op.op === "EENTER") kind = `EENTER ${String(op.call)}${op.pages !== undefined ? " (pages)" : ""}`;
    this.bump(this.ops, kind);
    const out: string[] = [];
    if (t.errno) {
      out.push(`errno ${t.errno}`);
      this.bump(this.errnos, t.errno);
    }
    const result = t.arg?.result;
    if (result !== undefined && result !== "0x0") {
      out.push(`ioctl result ${result}`);
      this.bump(this.sgxCodes, `${result} (ioctl result)`);
    }
    if (t.call?.ret_name) {
      out.push(`call ${t.call.ret_name}`);
      this.bump(this.sgxCodes, t.call.ret_name);
    }
    if (t.run) {
      if (t.run.exception_vector !== 0) {
        const x = `${t.run.function}: vector ${t.run.exception_vector}, error code ${t.run.exception_error_code}`;
        out.push(x);
        this.bump(this.exceptions, x);
      } else out.push(`${t.run.function}`);
    }
    if (t.stalled) out.push("stalled");
    if (out.length === 0) out.push(t.ret === -1 ? "failed" : "ok");
    for (const o of out) this.bump(this.outcomes, `${kind} → ${o}`);
    if (t.thread) this.bump(this.cpuEvents, "step ends with a thread inside");
    for (const e of t.events) {
      if (e.kind === "tlb-hit") this.bump(this.cpuEvents, "tlb-hit (EPCM check skipped)");
      else if (e.kind === "aex") this.bump(this.cpuEvents, `AEX (${e.cause})`);
      else if (e.kind === "ipi" && t.events.some((x) => x.kind === "aex" && x.cause === "interrupt"))
        this.bump(this.cpuEvents, "IPI with a thread inside");
      else if (e.leaf === "EWB" && e.result === "SGX_NOT_TRACKED")
        this.bump(this.cpuEvents, "EWB SGX_NOT_TRACKED");
      else if (e.leaf === "EACCEPT" && e.result === "ok" && e.cpu)
        this.bump(this.cpuEvents, "EACCEPT ok from a staying thread");
    }
    for (const e of observe(sim).values())
      for (const p of e.pages.values()) {
        const key = observedKey(p);
        this.bump(this.states, key);
        if (!p.resident) this.bump(this.evictedStates, key);
      }
  }
}

export interface CheckOptions {
  coverage?: Coverage;
  /** Compare the step-by-step trace with a second run (default true). */
  determinism?: boolean;
}

/** Run a scenario with every check; undefined when every property holds. */
export function checkScenario(raw: Raw, opts: CheckOptions = {}): Failure | undefined {
  const parsed = parseScenario(raw);
  if (!parsed.ok) return { property: "scenario is valid", step: -1, message: parsed.errors.join("\n") };
  const sim = new Simulation(parsed.scenario);
  const model = new ReferenceModel(raw);
  const initial = checkInvariants(sim);
  if (initial.length > 0) return invariantFailure(-1, initial);
  while (!sim.done) {
    const i = sim.steps.length;
    let t: TraceStep;
    try {
      t = sim.step();
    } catch (e) {
      // A step that misuses a CPU (the generator cannot know whether a thread stayed): the run
      // stops there, as the contract says; that is an outcome, not a failure.
      if (e instanceof ScenarioError) break;
      return {
        property: "nothing throws",
        step: i,
        message: e instanceof Error ? (e.stack ?? e.message) : String(e),
      };
    }
    // Provenance (docs/scenario-format.md, Provenance of events): every event names its basis.
    const unsourced = t.events.find((e) => !hasValidBasis(e));
    if (unsourced)
      return {
        property: "every event has a basis",
        step: i,
        message: `${unsourced.source}: ${unsourced.text}`,
      };
    if (t.oops) {
      // docs/scenario-format.md, Kernel bugs that crash: the run ends mid-function, and what the
      // dead kernel left is outside the invariants and the reference model. It must be the one
      // bug the chosen version has: the SECS/EAUG NULL dereference before v6.6.
      const kernel = parsed.scenario.machine.kernel ?? DEFAULT_KERNEL;
      if (t.oops.function !== "sgx_encl_eaug_page" || atLeast(kernel, "v6.6"))
        return {
          property: "an oops only where the version has the bug",
          step: i,
          message: `${kernel}: ${t.oops.function}(): ${t.oops.text}`,
        };
      break;
    }
    const broken = checkInvariants(sim);
    if (broken.length > 0) return invariantFailure(i, broken);
    let complaints: string[];
    try {
      complaints = model.apply(t);
    } catch (e) {
      return {
        property: "reference model runs",
        step: i,
        message: e instanceof Error ? (e.stack ?? e.message) : String(e),
      };
    }
    if (complaints.length > 0)
      return { property: "reference model: outcome", step: i, message: complaints.join("\n") };
    const diff = compare(model, observe(sim));
    if (diff.length > 0) return { property: "reference model: state", step: i, message: diff.join("\n") };
    const unsafe = edmmSafety(sim, model);
    if (unsafe.length > 0) return { property: "EDMM safety", step: i, message: unsafe.join("\n") };
    opts.coverage?.step(t, sim);
  }
  if (opts.determinism ?? true) {
    const again = runScenario(parsed.scenario);
    if (again.error !== sim.error)
      return { property: "deterministic trace", step: -1, message: `${again.error} vs ${sim.error}` };
    const a = JSON.stringify(sim.trace());
    const b = JSON.stringify(again.trace);
    if (a !== b) {
      let c = 0;
      while (c < a.length && a[c] === b[c]) c++;
      return {
        property: "deterministic trace",
        step: -1,
        message: `two runs differ at character ${c}: ${a.slice(Math.max(0, c - 80), c + 80)}`,
      };
    }
  }
  if (opts.coverage) opts.coverage.runs++;
  return undefined;
}

function invariantFailure(step: number, broken: string[]): Failure {
  const first = /^\[(\d+)\]/.exec(broken[0]);
  return { property: `invariant [${first ? first[1] : "?"}]`, step, message: broken.join("\n") };
}

/**
 * Shrink a failing scenario further than the generator's shrinker can (it keeps the builds
 * whole): delete chunks of steps, then single steps, and lower `pages`, as long as the same
 * property still breaks.
 */
export function minimize(raw: Raw, failure: Failure, budget = 2000): { scenario: Raw; failure: Failure } {
  let best = raw;
  let bestFailure = failure;
  let tries = 0;
  const stillFails = (candidate: Raw): Failure | undefined => {
    tries++;
    const f = checkScenario(candidate, { determinism: failure.property === "deterministic trace" });
    return f && f.property === failure.property ? f : undefined;
  };
  const steps = () => best.steps as Raw[];
  let chunk = Math.max(1, Math.floor(steps().length / 2));
  while (chunk >= 1 && tries < budget) {
    let removed = false;
    for (let start = steps().length - chunk; start >= 0 && tries < budget; start -= chunk) {
      const s = steps();
      const candidate = { ...best, steps: [...s.slice(0, start), ...s.slice(start + chunk)] };
      const f = stillFails(candidate);
      if (f) {
        best = candidate;
        bestFailure = f;
        removed = true;
      }
    }
    if (!removed) chunk = Math.floor(chunk / 2);
  }
  // Simpler repeated steps.
  for (let i = 0; i < steps().length && tries < budget; i++) {
    const st = steps()[i];
    if (typeof st.pages !== "number" || st.pages <= 1) continue;
    for (const pages of [1, Math.floor(st.pages / 2)]) {
      const s = [...steps()];
      s[i] = pages === 1 ? withoutPages(st) : { ...st, pages };
      const candidate = { ...best, steps: s };
      const f = stillFails(candidate);
      if (f) {
        best = candidate;
        bestFailure = f;
        break;
      }
    }
  }
  return { scenario: best, failure: bestFailure };
}

function withoutPages(st: Raw): Raw {
  const { pages: _p, ...rest } = st;
  return rest;
}

/** The failing scenario as a self-describing fixture (a valid scenario: notes carry the failure). */
export function fixtureOf(raw: Raw, failure: Failure, origin: string): Raw {
  const steps = (raw.steps as Raw[]).map((s) => ({ ...s }));
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 3)}...` : s);
  if (failure.step >= 0 && failure.step < steps.length)
    steps[failure.step].note = clip(`Breaks "${failure.property}" after this step: ${failure.message}`, 2000);
  return {
    format: "epcm-scenario/1",
    title: clip(`Regression: ${failure.property}`, 300),
    description: clip(
      `${origin}. Broken property: ${failure.property}${failure.step >= 0 ? ` (after steps[${failure.step}])` : ""}.\n${failure.message}`,
      20000,
    ),
    machine: raw.machine,
    steps,
  };
}
