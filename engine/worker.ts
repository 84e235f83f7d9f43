// The engine's Web Worker: the browser runs every simulation here, off the main thread. The UI
// asks for the state at a step and gets compact typed arrays back (transferred, not copied).
// Exposed through comlink; see web/engine/client.ts.
import * as Comlink from "comlink";
import type { SelftestResult } from "./export/selftest.ts";
import { findFlow, flows, parseScenario, simulate, toSelftest } from "./index.ts";
import { isKernelVersion, type KernelVersion } from "./kernel/versions.ts";
import { ScenarioError } from "./scenario/run.ts";
import { type StepOutcome, type StepQuestion, stepOutcome, stepQuestion } from "./session/outcome.ts";
import {
  type ChangeScope,
  type EnclaveColumns,
  type EpcColumns,
  type EpcmChanges,
  type PageDetail,
  type ReplayProgress,
  type RunInfo,
  Session,
  type StateView,
} from "./session/session.ts";
import type { EpcUsage } from "./session/usage.ts";
import { viewRefusal } from "./session/view-limit.ts";
import { type ExploreReport, type ExploreResult, exploreStep } from "./whatif/explore-step.ts";
import {
  applyMachineChoice,
  type MachineChoice,
  type MachineOptions,
  machineOptions,
} from "./whatif/machine-choice.ts";
import { type VersionDiffResult, versionDiff, type WhatIfMatrix, whatIfMatrix } from "./whatif/whatif.ts";

export interface FlowInfo {
  id: string;
  title: string;
  description: string;
}

export type SimulateResult = ReturnType<typeof simulate>;
export type LoadResult = { ok: true; info: RunInfo } | { ok: false; errors: string[] };
export type LoadSource = { flow: string } | { scenario: unknown };
export type Progress = (stepsDone: number, stepsTotal: number, entries?: [number, number]) => void;
export type { Basis } from "./arch/events.ts";
export type { TraceEvent, TraceStep } from "./scenario/trace-types.ts";
export type { ExploreOutcome, OutcomeFacts } from "./whatif/explore-step.ts";
export type {
  ChangeScope,
  EnclaveColumns,
  EpcColumns,
  EpcmChanges,
  EpcUsage,
  ExploreReport,
  ExploreResult,
  MachineChoice,
  MachineOptions,
  PageDetail,
  ReplayProgress,
  RunInfo,
  StateView,
  StepOutcome,
  StepQuestion,
  VersionDiffResult,
  WhatIfMatrix,
};

let session: Session | undefined;

/** The scenario a load source names, or why there is none. */
function sourceInput(source: LoadSource): { ok: true; input: unknown } | { ok: false; errors: string[] } {
  if (!("flow" in source)) return { ok: true, input: source.scenario };
  const flow = findFlow(source.flow);
  if (flow) return { ok: true, input: flow.scenario };
  const known = flows.map((f) => f.id).join(", ");
  return { ok: false, errors: [`No built-in flow named "${source.flow}" (known flows: ${known}).`] };
}

/** How long after answering a view the worker builds the next one ahead (Session.warm()). */
const WARM_DELAY_MS = 20;

function transferView(v: StateView): StateView {
  const buffers: ArrayBuffer[] = [v.epc.flags, v.epc.pt, v.epc.encl, v.epc.offset, v.changed].map(
    (a) => a.buffer as ArrayBuffer,
  );
  for (const e of v.enclaves)
    for (const a of [e.offset, e.type, e.vmMaxProt, e.epc, e.vaPage, e.vaSlot, e.pte, e.vmaProt])
      buffers.push(a.buffer as ArrayBuffer);
  return Comlink.transfer(v, buffers);
}

function transferChanges(c: EpcmChanges): EpcmChanges {
  const buffers = [c.epc, ...Object.values(c.before), ...Object.values(c.after)].map(
    (a) => a.buffer as ArrayBuffer,
  );
  return Comlink.transfer(c, buffers);
}

function requireSession(): Session {
  if (!session) throw new Error("no scenario is loaded");
  return session;
}

const api = {
  /** The built-in flows, without their scenarios. */
  listFlows(): FlowInfo[] {
    return flows.map(({ id, title, description }) => ({ id, title, description }));
  },

  /** A built-in flow's scenario JSON (for the editor). */
  flowScenario(id: string): Record<string, unknown> | undefined {
    return findFlow(id)?.scenario;
  },

  /** Validation messages for a scenario ([] when it is valid). */
  validate(input: unknown): string[] {
    const r = parseScenario(input);
    return r.ok ? [] : r.errors;
  },

  /**
   * Run a flow or a scenario once and keep it for viewing; progress is reported while it runs.
   * `machine` replaces the scenario's `machine.kernel` / `machine.mutate` (the explorer's pickers).
   */
  load(source: LoadSource, onProgress?: Progress, machine?: MachineChoice): LoadResult {
    const raw = sourceInput(source);
    if (!raw.ok) return raw;
    const parsed = parseScenario(applyMachineChoice(raw.input, machine));
    if (!parsed.ok) return { ok: false, errors: parsed.errors };
    const refusal = viewRefusal(parsed.scenario);
    if (refusal) return { ok: false, errors: [refusal] };
    let last = 0;
    const report: Progress = (done, total, entries) => {
      const now = Date.now();
      if (onProgress && now - last > 100) {
        last = now;
        void onProgress(done, total, entries);
      }
    };
    try {
      session = new Session(parsed.scenario, report);
    } catch (e) {
      // A step that misuses a CPU stops the run, as a validation error does.
      if (e instanceof ScenarioError) return { ok: false, errors: [e.message] };
      throw e;
    }
    return { ok: true, info: session.info };
  },

  /**
   * The state after `step` steps (and inside it, after `event`). `onWorking` is told how far it
   * is (at most every 100 ms, the first time after 100 ms) while reaching it re-runs steps, so a
   * long replay shows its progress and is not taken for a hang.
   */
  view(step: number, event: number | null = null, onWorking?: (p: ReplayProgress) => void): StateView {
    const s = requireSession();
    let last = Date.now();
    s.onReplay = (p) => {
      const now = Date.now();
      if (onWorking && now - last > 100) {
        last = now;
        void onWorking(p);
      }
    };
    try {
      return transferView(s.view(step, event));
    } finally {
      s.onReplay = null;
      // While the reader looks at this step, the next one is built (when cheap): the usual next
      // click is Step forward. A message already waiting runs first (a task of its own after it).
      if (event === null) setTimeout(() => session === s && s.warm(step + 1), WARM_DELAY_MS);
    }
  },

  /** EPC pages by kind and pages evicted after every step of the loaded run (transferred). */
  epcUsage(): EpcUsage {
    const u = requireSession().epcUsage();
    const buffers = [...Object.values(u.kinds), u.evicted].map((a) => a.buffer as ArrayBuffer);
    return Comlink.transfer(u, buffers);
  },

  /**
   * The EPCM entries step `step` changed (up to event `event`; with scope "event" only that
   * event's), before and after, the first `limit` of them (`total` counts all).
   */
  changes(
    step: number,
    event: number | null = null,
    scope: ChangeScope = "step",
    limit?: number,
  ): EpcmChanges {
    return transferChanges(requireSession().changes(step, event, scope, limit));
  },

  pageDetail(step: number, enclave: string, offset: number): PageDetail {
    return requireSession().pageDetail(step, enclave, offset);
  },

  epcDetail(step: number, epc: number): PageDetail {
    return requireSession().epcDetail(step, epc);
  },

  /** The plain-text step log and final EPCM table of the loaded run (for an email reply). */
  text(): string {
    return requireSession().text();
  },

  /** Predict mode's question for step `step`: the page it names as it is before the step. */
  question(step: number): StepQuestion {
    return stepQuestion(requireSession(), step);
  },

  /** What step `step` did (predict mode): the result user space saw and its page before/after. */
  outcome(step: number): StepOutcome {
    return stepOutcome(requireSession(), step);
  },

  /** The loaded run as a kernel selftest TEST_F, or why it cannot be one. */
  selftest(name?: string): SelftestResult {
    const s = requireSession();
    return toSelftest(s.scenario, s.trace(), name);
  },

  /** Simulate without keeping a session (the whole trace as JSON). */
  runScenario(json: unknown): SimulateResult {
    return simulate(json);
  },

  /** The kernel versions and what-if mutations the pickers offer. */
  machineOptions(): MachineOptions {
    return machineOptions();
  },

  /** Every built-in flow under every mutation (docs/scenario-format.md, Kernel versions and what-ifs). */
  whatIfMatrix(onProgress?: (done: number, total: number) => void): WhatIfMatrix {
    return whatIfMatrix(undefined, undefined, undefined, (done, total) => void onProgress?.(done, total));
  },

  /** Where `source` (with `machine` applied) first differs between kernels `a` and `b`. */
  versionDiff(
    source: LoadSource,
    machine: MachineChoice | undefined,
    a: string,
    b: string,
  ): VersionDiffResult {
    for (const v of [a, b])
      if (!isKernelVersion(v))
        return { ok: false, errors: [`There is no kernel version "${v}" to compare.`] };
    const raw = sourceInput(source);
    if (!raw.ok) return raw;
    const input = applyMachineChoice(raw.input, machine);
    if (typeof input !== "object" || input === null || Array.isArray(input))
      return { ok: false, errors: ["The scenario is not a JSON object."] };
    return versionDiff(input as Record<string, unknown>, a as KernelVersion, b as KernelVersion);
  },

  /**
   * The interleavings of the race at scenario step `index` of `source` (with `machine` applied),
   * grouped by outcome (docs/scenario-format.md, Command line, `--explore`).
   */
  exploreRace(
    source: LoadSource,
    machine: MachineChoice | undefined,
    index: number,
    bound?: number,
  ): ExploreResult {
    const raw = sourceInput(source);
    return raw.ok ? exploreStep(raw.input, machine, index, bound) : raw;
  },

  /** Simulate a built-in flow by id (the whole trace as JSON). */
  runFlow(id: string): SimulateResult {
    const flow = findFlow(id);
    if (!flow) {
      const known = flows.map((f) => f.id).join(", ");
      return { ok: false, errors: [`No built-in flow named "${id}" (known flows: ${known}).`] };
    }
    return simulate(flow.scenario);
  },
};

export type EngineApi = typeof api;

Comlink.expose(api);
