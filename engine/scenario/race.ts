// Running a `race` step (docs/scenario-format.md, Races: explicit interleavings). Each listed
// step runs on its own CPU as a generator that yields at the kernel's lock boundaries
// (kernel/uaccess.ts: EAUG_LOCK, EAUG_UNLOCK). `order` names which step runs next, up to its
// next boundary; an index whose step has finished is skipped. When `order` runs out, the steps
// that have not finished run to completion in list order. The code between two boundaries runs
// without interruption, so whatever the kernel does under encl->lock is atomic here, as the lock
// makes it.

import type { Encl } from "../kernel/encl.ts";
import type { Kernel } from "../kernel/kernel.ts";
import { type UserAccessResult, userAccessSteps } from "../kernel/uaccess.ts";
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
}

interface Participant {
  step: Step;
  cpu: number;
  out: TraceStep;
  gen: Generator<string, UserAccessResult>;
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
    if (step.op !== "access") throw new Error(`race: ${step.op} cannot take part (validated before)`);
    return {
      step,
      cpu,
      out: sub,
      gen: userAccessSteps(k, encl, step.offset, step.kind, step.value ?? 0n),
      done: false,
    };
  });
  const schedule: Array<{ step: number; boundary: string }> = [];
  const turn = (i: number): void => {
    const p = parts[i];
    if (p.done) return;
    k.cpu.log.cpu = p.cpu;
    // mm_cpumask(): the CPU now runs this process.
    if (!k.ranOn.includes(p.cpu)) k.ranOn.push(p.cpu);
    const from = k.cpu.log.events.length;
    try {
      const r = p.gen.next();
      if (r.done) {
        p.done = true;
        if (r.value.value !== undefined) p.out.value = `0x${r.value.value.toString(16)}`;
        if (r.value.signal) p.out.signal = r.value.signal;
      } else schedule.push({ step: i, boundary: r.value });
    } finally {
      p.out.events.push(...k.cpu.log.events.slice(from));
    }
  };
  try {
    for (const i of race.order) turn(i);
    for (let i = 0; i < parts.length; i++) while (!parts[i].done) turn(i);
  } finally {
    out.race = parts.map((p) => p.out);
    out.schedule = schedule;
  }
  const unmet: string[] = [];
  parts.forEach((p, i) => {
    const own = h.unmetOf(p.step, p.out, h.enclaveOf(p.step));
    if (own.length > 0) p.out.unmet = own;
    for (const m of own) unmet.push(`race[${i}]: ${m}`);
  });
  if (unmet.length > 0) out.unmet = unmet;
}
