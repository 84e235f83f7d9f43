// Exploring the interleavings of each race step (docs/scenario-format.md, Command line,
// `--explore`): a depth-first search over `order` prefixes, replaying the scenario for each.
// A listed step that passed b boundaries took b + 1 turns (each turn ends at a boundary or at
// the step's end), so a run tells which steps had finished within the prefix: the search
// extends a prefix only with steps that had not, and drops a prefix that named a finished step
// (the runner skips it: the same interleaving as a shorter prefix). A prefix in which every step
// finished is one complete interleaving. Deterministic: children are tried in list order.

import { WAIT_BOUNDARIES } from "../kernel/locks.ts";
import { bugHeadline } from "../kernel/stale-pte.ts";
import { runScenario } from "./run.ts";
import type { TraceStep } from "./trace-types.ts";
import type { Scenario, Step } from "./types.ts";

/** At most this many replays per race step; the report says when the bound cut the search. */
export const EXPLORE_BOUND = 2000;

/** What a reviewer looks for in an outcome, as facts (the explorer words them). */
export interface OutcomeFacts {
  /** The kernel function that oopsed. */
  oops?: string;
  /** The race left a kernel bug behind without crashing (the trace step's `bugs`). */
  bug: boolean;
  /** The signals user space got, each once, in the listed steps' order. */
  signals: string[];
  /** An enclave entry whose fault the kernel could not fix: the vDSO reported it to its caller. */
  exception: boolean;
}

export interface ExploreOutcome {
  /** `parts` joined by "; " (the key outcomes are grouped by). */
  outcome: string;
  /** One part per listed step (what it ended with), then the oops and bugs, then the EPCM changes. */
  parts: string[];
  facts: OutcomeFacts;
  /** An `order` that reproduces it (the first found), and how many interleavings end so. */
  order: number[];
  count: number;
}

export interface ExploreReport {
  /** The race step's index in the scenario. */
  step: number;
  participants: number;
  /** Complete interleavings found, scenario replays made, and whether the bound cut the search. */
  interleavings: number;
  runs: number;
  bound: number;
  cut: boolean;
  outcomes: ExploreOutcome[];
}

/** What a listed step ended with: a signal, a value, an enclave entry's report, or ret/errno. */
function endedWith(p: TraceStep): string {
  if (p.signal) return p.signal;
  if (p.value !== undefined) return `value ${p.value}`;
  if (p.run) {
    const call = p.call?.ret_name ?? (p.call?.value !== undefined ? `value ${p.call.value}` : "");
    return p.run.function === "EEXIT"
      ? `EEXIT${call ? ` ${call}` : ""}`
      : `${p.run.function} exception ${p.run.exception_vector === 14 ? "#PF" : `vector ${p.run.exception_vector}`} ${p.run.exception_error_code}`;
  }
  return p.errno ? `ret ${p.ret} ${p.errno}` : `ret ${p.ret}`;
}

function outcomeOf(st: TraceStep): { parts: string[]; facts: OutcomeFacts } {
  const race = st.race ?? [];
  const parts = race.map((p) => `race[${p.index}] ${endedWith(p)}`);
  if (st.oops) parts.push(`KERNEL OOPS in ${st.oops.function}()`);
  for (const b of st.bugs ?? []) parts.push(bugHeadline(b));
  const pages = st.epcm.map((e) =>
    e.valid ? `${e.offset ?? e.type}:${e.type} ${e.perms}` : `EPC ${e.epc} freed`,
  );
  parts.push(`EPCM changed: ${pages.length ? pages.join(", ") : "nothing"}`);
  const facts: OutcomeFacts = {
    bug: (st.bugs?.length ?? 0) > 0,
    signals: [...new Set(race.flatMap((p) => (p.signal ? [p.signal] : [])))],
    exception: race.some((p) => p.run !== undefined && p.run.function !== "EEXIT"),
  };
  if (st.oops) facts.oops = st.oops.function;
  return { parts, facts };
}

/** Enumerate the interleavings of the race at `scenario.steps[index]`. */
export function exploreRace(scenario: Scenario, index: number, bound = EXPLORE_BOUND): ExploreReport {
  const race = scenario.steps[index] as Step & { op: "race" };
  const n = race.steps.length;
  const steps = scenario.steps.slice(0, index + 1);
  const byOutcome = new Map<string, ExploreOutcome>();
  let runs = 0;
  let interleavings = 0;
  let cut = false;
  const visit = (prefix: number[]): void => {
    if (runs >= bound) {
      cut = true;
      return;
    }
    runs++;
    const s: Scenario = { ...scenario, steps: [...steps.slice(0, index), { ...race, order: prefix }] };
    const { trace } = runScenario(s);
    const st = trace.steps[index];
    if (!st?.race || !st.schedule) return; // stopped before the race (an error or an oops)
    const turns = Array.from(
      { length: n },
      (_, i) => st.schedule?.filter((b) => b.step === i).length ?? 0,
    ).map((b) => b + 1);
    const used = Array.from({ length: n }, (_, i) => prefix.filter((x) => x === i).length);
    if (used.some((u, i) => u > turns[i])) return; // named a finished step: seen as a shorter prefix
    let open = used.flatMap((u, i) => (u < turns[i] ? [i] : []));
    // A step that just passed a WAIT boundary only spins until another step moves: schedule the
    // others first (as the runner does), so the search does not branch on spins (race.ts).
    const j = prefix.at(-1);
    if (j !== undefined && open.length > 1) {
      const passed = st.schedule.filter((b) => b.step === j)[used[j] - 1];
      if (passed && WAIT_BOUNDARIES.has(passed.boundary)) open = open.filter((i) => i !== j);
    }
    if (open.length === 0) {
      interleavings++;
      const { parts, facts } = outcomeOf(st);
      const key = parts.join("; ");
      const seen = byOutcome.get(key);
      if (seen) seen.count++;
      else byOutcome.set(key, { outcome: key, parts, facts, order: prefix, count: 1 });
      return;
    }
    for (const i of open) visit([...prefix, i]);
  };
  visit([]);
  return { step: index, participants: n, interleavings, runs, bound, cut, outcomes: [...byOutcome.values()] };
}

/** Every race step of the scenario, explored. */
export function exploreScenario(scenario: Scenario, bound = EXPLORE_BOUND): ExploreReport[] {
  return scenario.steps.flatMap((s, i) => (s.op === "race" ? [exploreRace(scenario, i, bound)] : []));
}

export function formatExplore(reports: ExploreReport[]): string {
  if (reports.length === 0) return "The scenario has no race step: nothing to explore.\n";
  const out: string[] = [];
  for (const r of reports) {
    out.push(
      `steps[${r.step}] race of ${r.participants} steps: ${r.interleavings} interleavings tried in ${r.runs} runs (bound ${r.bound} runs, ${r.cut ? "CUT: the bound stopped the search, more interleavings exist" : "not cut: every interleaving was tried"}); ${r.outcomes.length} distinct outcome(s)`,
    );
    r.outcomes.forEach((o, i) => {
      out.push(`  outcome ${i + 1} (${o.count} interleaving(s)): ${o.outcome}`);
      out.push(`    "order": [${o.order.join(", ")}]`);
    });
  }
  return `${out.join("\n")}\n`;
}
