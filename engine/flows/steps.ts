// Small builders for raw scenario JSON (the user-facing "epcm-scenario/1" format of the
// contract, not the normalized types): every op and field carries its uapi / SDM / syscall
// name, numbers are written as lowercase hex strings. The built-in flows are written with
// these so that each step reads like the selftest line it translates. Four modules, by what
// they build: steps (driver calls, entering the enclave, whole scenarios), calls (what the
// enclave runs once inside), expect (what a step must return), patterns (step sequences that
// several flows share).

import { hex } from "../vocabulary/hex.ts";
import type { Call } from "./calls.ts";

export type RawStep = Record<string, unknown>;
export type RawScenario = Record<string, unknown>;
export type RawExpect = Record<string, unknown>;

export const SCENARIO_FORMAT = "epcm-scenario/1";
export const PAGE_SIZE = 0x1000;

/** Lowercase hex string, as the contract writes addresses, offsets, lengths and counts. */
export { hex } from "../vocabulary/hex.ts";

/** Optional fields every step may carry (docs/scenario-format.md, Scenario: "Every step may carry ..."). */
export interface StepExtras {
  enclave?: string;
  note?: string;
  expect?: RawExpect;
}

function finish(step: RawStep, extras: StepExtras): RawStep {
  if (extras.enclave !== undefined) step.enclave = extras.enclave;
  if (extras.note !== undefined) step.note = extras.note;
  if (extras.expect !== undefined) step.expect = extras.expect;
  return step;
}

// --- Driver calls (user space → kernel) ---------------------------------------------------

export function ioctl(cmd: string, arg: Record<string, unknown>, extras: StepExtras = {}): RawStep {
  return finish({ op: "ioctl", cmd, arg }, extras);
}

export function mmap(
  offset: number,
  length: number,
  prot: string,
  extras: StepExtras & { flags?: string } = {},
): RawStep {
  const step: RawStep = { op: "mmap", offset: hex(offset), length: hex(length), prot };
  if (extras.flags !== undefined) step.flags = extras.flags;
  return finish(step, extras);
}

export function mprotect(offset: number, length: number, prot: string, extras: StepExtras = {}): RawStep {
  return finish({ op: "mprotect", offset: hex(offset), length: hex(length), prot }, extras);
}

export function munmap(offset: number, length: number, extras: StepExtras = {}): RawStep {
  return finish({ op: "munmap", offset: hex(offset), length: hex(length) }, extras);
}

export function reclaim(pages: number, extras: StepExtras = {}): RawStep {
  return finish({ op: "reclaim", pages }, extras);
}

// --- Entering the enclave (through the vDSO) -----------------------------------------------------

/** EENTER on `tcs`, run `call`, EEXIT. `pages: N` repeats the call on N consecutive pages. */
export function eenter(
  tcs: number,
  call: Call,
  extras: StepExtras & { pages?: number; clobbered?: boolean } = {},
): RawStep {
  const step: RawStep = { op: "EENTER", tcs: hex(tcs), ...call };
  if (extras.pages !== undefined) step.pages = extras.pages;
  // main.c's ENCL_CALL(op, run, clobbered): false = through call.S's sgx_enter_enclave().
  if (extras.clobbered !== undefined) step.clobbered = extras.clobbered;
  return finish(step, extras);
}

/** ERESUME the thread that an AEX interrupted on `tcs`: the faulting instruction runs again. */
export function eresume(tcs: number, extras: StepExtras = {}): RawStep {
  return finish({ op: "ERESUME", tcs: hex(tcs) }, extras);
}

// --- Scenario ------------------------------------------------------------------------------

export interface ScenarioOptions {
  title: string;
  description?: string;
  machine?: { epcPages?: number; sgx2?: boolean; kernel?: string; mutate?: string[] };
  steps: RawStep[];
}

/** A built-in flow, as the flow list and the UI show it. */
export interface BuiltInFlow {
  /** kebab-case, e.g. "augment" (the selftest's name with dashes). */
  id: string;
  title: string;
  /** One line for a learner. */
  description: string;
  /** Raw scenario JSON ("epcm-scenario/1"). */
  scenario: Record<string, unknown>;
}

/** A built-in flow whose scenario carries the flow's title and description. */
export function flow(
  id: string,
  title: string,
  description: string,
  opts: Omit<ScenarioOptions, "title" | "description">,
): BuiltInFlow {
  return { id, title, description, scenario: scenario({ title, description, ...opts }) };
}

export function scenario(opts: ScenarioOptions): RawScenario {
  const s: RawScenario = { format: SCENARIO_FORMAT, title: opts.title };
  if (opts.description !== undefined) s.description = opts.description;
  if (opts.machine !== undefined) s.machine = opts.machine;
  s.steps = opts.steps;
  return s;
}
