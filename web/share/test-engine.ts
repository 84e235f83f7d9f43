// For tests only: the worker's API run in-process (same engine, no Worker, no comlink), so
// component and link tests in happy-dom see what the real engine reports. Not used by the app.
import type { SelftestResult } from "../../engine/export/selftest.ts";
import { findFlow, flows, parseScenario, toSelftest } from "../../engine/index.ts";
import type { KernelVersion } from "../../engine/kernel/versions.ts";
import {
  type StepOutcome,
  type StepQuestion,
  stepOutcome,
  stepQuestion,
} from "../../engine/session/outcome.ts";
import { Session } from "../../engine/session/session.ts";
import { type ExploreResult, exploreStep } from "../../engine/whatif/explore-step.ts";
import {
  applyMachineChoice,
  type MachineChoice,
  type MachineOptions,
  machineOptions,
} from "../../engine/whatif/machine-choice.ts";
import {
  type VersionDiffResult,
  versionDiff,
  type WhatIfMatrix,
  whatIfMatrix,
} from "../../engine/whatif/whatif.ts";
import type {
  ChangeScope,
  EpcmChanges,
  FlowInfo,
  LoadResult,
  LoadSource,
  PageDetail,
  StateView,
} from "../../engine/worker.ts";

let session: Session | undefined;

export const testEngine = {
  calls: [] as string[],

  async listFlows(): Promise<FlowInfo[]> {
    return flows.map(({ id, title, description }) => ({ id, title, description }));
  },

  async flowScenario(id: string): Promise<Record<string, unknown> | undefined> {
    return findFlow(id)?.scenario;
  },

  async validate(input: unknown): Promise<string[]> {
    const r = parseScenario(input);
    return r.ok ? [] : r.errors;
  },

  async load(source: LoadSource, _progress?: unknown, machine?: MachineChoice): Promise<LoadResult> {
    testEngine.calls.push("flow" in source ? `load flow ${source.flow}` : "load scenario");
    let input: unknown;
    if ("flow" in source) {
      const flow = findFlow(source.flow);
      if (!flow) return { ok: false, errors: [`No built-in flow named "${source.flow}".`] };
      input = flow.scenario;
    } else input = source.scenario;
    const parsed = parseScenario(applyMachineChoice(input, machine));
    if (!parsed.ok) return { ok: false, errors: parsed.errors };
    session = new Session(parsed.scenario);
    return { ok: true, info: session.info };
  },

  async view(step: number, event: number | null = null): Promise<StateView> {
    if (!session) throw new Error("no scenario is loaded");
    return session.view(step, event);
  },

  async changes(
    step: number,
    event: number | null = null,
    scope: ChangeScope = "step",
    limit?: number,
  ): Promise<EpcmChanges> {
    if (!session) throw new Error("no scenario is loaded");
    return session.changes(step, event, scope, limit);
  },

  async pageDetail(step: number, enclave: string, offset: number): Promise<PageDetail> {
    if (!session) throw new Error("no scenario is loaded");
    return session.pageDetail(step, enclave, offset);
  },

  async epcDetail(step: number, epc: number): Promise<PageDetail> {
    if (!session) throw new Error("no scenario is loaded");
    return session.epcDetail(step, epc);
  },

  async question(step: number): Promise<StepQuestion> {
    if (!session) throw new Error("no scenario is loaded");
    return stepQuestion(session, step);
  },

  async outcome(step: number): Promise<StepOutcome> {
    if (!session) throw new Error("no scenario is loaded");
    return stepOutcome(session, step);
  },

  async text(): Promise<string> {
    if (!session) throw new Error("no scenario is loaded");
    return session.text();
  },

  async machineOptions(): Promise<MachineOptions> {
    return machineOptions();
  },

  async whatIfMatrix(onProgress?: (done: number, total: number) => void): Promise<WhatIfMatrix> {
    return whatIfMatrix(undefined, undefined, undefined, onProgress);
  },

  async versionDiff(
    source: LoadSource,
    machine: MachineChoice | undefined,
    a: KernelVersion,
    b: KernelVersion,
  ): Promise<VersionDiffResult> {
    const raw = "flow" in source ? findFlow(source.flow)?.scenario : source.scenario;
    return versionDiff(applyMachineChoice(raw, machine) as Record<string, unknown>, a, b);
  },

  async exploreRace(
    source: LoadSource,
    machine: MachineChoice | undefined,
    index: number,
    bound?: number,
  ): Promise<ExploreResult> {
    const raw = "flow" in source ? findFlow(source.flow)?.scenario : source.scenario;
    return exploreStep(raw, machine, index, bound);
  },

  async selftest(name?: string): Promise<SelftestResult> {
    if (!session) throw new Error("no scenario is loaded");
    return toSelftest(session.scenario, session.trace(), name);
  },
};

const failureListeners = new Set<(message: string) => void>();

/** The module that replaces web/engine/client.ts in tests (`vi.mock(..., () => testClient)`). */
export const testClient = {
  engine: () => testEngine,
  /** The spare worker of an analysis: in tests, the same in-process engine. */
  spareEngineTask: <T>(task: (api: typeof testEngine) => Promise<T>) => ({
    result: task(testEngine),
    cancel: () => {},
  }),
  restartEngine: () => {},
  engineAlive: () => {},
  onEngineFailure: (listener: (message: string) => void) => {
    failureListeners.add(listener);
    return () => failureListeners.delete(listener);
  },
  /** What the real client does when its watchdog catches a failed worker: tell the listeners. */
  failEngine: (message: string) => {
    for (const listener of failureListeners) listener(message);
  },
};
