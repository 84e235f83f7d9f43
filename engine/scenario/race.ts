// Running a `race` step (docs/scenario-format.md, Races: explicit interleavings). Each listed
// step runs on its own CPU as a generator that yields at the kernel's lock boundaries
// (kernel/locks.ts). `order` names which step runs next, up to its next boundary; an index whose
// step has finished is skipped. When `order` runs out, the steps that have not finished run to
// completion in list order, except that a step which can only retry what another must finish
// first (it passed a WAIT boundary: a fault on a busy page) lets the next unfinished step take a
// turn before it spins again. The code between two boundaries runs without interruption, so
// whatever the kernel does under encl->lock is atomic here, as the lock makes it.

import type { Encl } from "../kernel/encl.ts";
import type { Kernel } from "../kernel/kernel.ts";
import { WAIT_BOUNDARIES } from "../kernel/locks.ts";
import { checkStalePtes } from "../kernel/stale-pte.ts";
import type { TraceStep } from "./trace-types.ts";
import type { Step } from "./types.ts";

export interface RaceHost {
  kernel: Kernel;
  /** The enclave a listed step names. */
  enclaveOf(step: Step): Encl;
  /** Refuse a listed step its CPU cannot run (a thread inside there). */
  checkCpu(step: Step, cpu: number): void;
  /** The trace's echo of a listed step. */
  opJson(step: Step): Record<string, unknown>;
  /** The unmet expectations of a listed step against its trace step. */
  unmetOf(step: Step, out: TraceStep, encl: Encl): string[];
  /** A listed step as a generator that yields at lock boundaries and fills `out` when done. */
  participant(step: Step, encl: Encl, out: TraceStep): Generator<string, void>;
}

interface Participant {
  step: Step;
  cpu: number;
  out: TraceStep;
  gen: Generator<string, void>;
  done: boolean;
}

/** Run the race; `out` is the race's own trace step (its events are taken by the caller). */
export function runRace(h: RaceHost, race: Step & { op: "race" }, out: TraceStep): void {
  const k = h.kernel;
  const parts: Participant[] = race.steps.map((step, index) => {
    const cpu = step.cpu ?? 0;
    h.checkCpu(step, cpu);
    const encl = h.enclaveOf(step);
    const sub: TraceStep = {
      index,
      enclave: step.enclave,
      cpu,
      op: h.opJson(step),
      ret: 0,
      events: [],
      epcm: [],
    };
    if (step.note !== undefined) sub.note = step.note;
    return { step, cpu, out: sub, gen: h.participant(step, encl, sub), done: false };
  });
  const schedule: Array<{ step: number; boundary: string }> = [];
  /** The step whose last turn ended at a WAIT boundary, until another step takes a turn. */
  let spinning: number | undefined;
  const turn = (i: number): void => {
    const p = parts[i];
    if (p.done) return;
    k.cpu.log.cpu = p.cpu;
    // mm_cpumask(): the CPU now runs this process.
    if (!k.ranOn.includes(p.cpu)) k.ranOn.push(p.cpu);
    const from = k.cpu.log.events.length;
    try {
      const r = p.gen.next();
      if (r.done) p.done = true;
      else schedule.push({ step: i, boundary: r.value });
      spinning = !r.done && WAIT_BOUNDARIES.has(r.value) ? i : undefined;
    } finally {
      p.out.events.push(...k.cpu.log.events.slice(from));
    }
  };
  let crashed = true;
  try {
    for (const i of race.order) turn(i);
    for (;;) {
      const open = parts.flatMap((p, i) => (p.done ? [] : [i]));
      if (open.length === 0) break;
      turn(open.find((i) => i !== spinning) ?? open[0]);
    }
    crashed = false;
  } finally {
    out.race = parts.map((p) => p.out);
    out.schedule = schedule;
    // On a kernel oops the steps that had finished still answer for their expectations.
    const unmet: string[] = [];
    parts.forEach((p, i) => {
      if (crashed && !p.done) return;
      const own = h.unmetOf(p.step, p.out, h.enclaveOf(p.step));
      if (own.length > 0) p.out.unmet = own;
      for (const m of own) unmet.push(`race[${i}]: ${m}`);
    });
    if (unmet.length > 0) out.unmet = unmet;
  }
  // A PTE the race left mapping a page that is gone (kernel/stale-pte.ts): the trace says so.
  k.cpu.log.cpu = out.cpu ?? 0;
  const bugs = parts.flatMap((p) => {
    const encl = h.enclaveOf(p.step);
    return checkStalePtes(k, encl, pagesNamed(p.step, encl));
  });
  if (bugs.length > 0) out.bugs = bugs;
}

/** At most this many pages of an ioctl's range are looked at for stale PTEs. */
const STALE_CHECK_PAGES = 64;

/** The page addresses a listed step touches: an access's or a call's page, an ioctl's range (its start). */
function pagesNamed(step: Step, encl: Encl): number[] {
  if (step.op === "access") return [encl.base + step.offset - (step.offset % 4096)];
  if (step.op === "EENTER" && "addr" in step.call)
    return [encl.base + step.call.addr - (step.call.addr % 4096)];
  if (step.op !== "ioctl" || !("offset" in step.arg) || !("length" in step.arg)) return [];
  const { offset, length } = step.arg as { offset: unknown; length: unknown };
  if (typeof offset !== "number" || typeof length !== "number") return [];
  const n = Math.min(Math.floor(length / 4096), STALE_CHECK_PAGES);
  return Array.from({ length: n }, (_, i) => encl.base + offset + i * 4096);
}
