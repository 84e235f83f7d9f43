// Timeline markers: what makes a step stand out (an exception, an errno, an SGX status, an
// unmet expectation, faults inside it), and markers binned so long runs draw a bounded number.
import type { TraceStep } from "../../engine/client.ts";
import { faultLabel } from "./faults.ts";
import { opSummary } from "./ops.ts";

/**
 * What makes a step stand out: an exception reported to user space, an ioctl/syscall error
 * (errno), an SGX status code returned by the enclave call, an unmet expectation, or faults
 * taken (and resolved) inside the step.
 */
export type MarkerKind = "oops" | "exception" | "errno" | "status" | "unmet" | "fault";

export const MARKER_SEVERITY: MarkerKind[] = ["oops", "exception", "errno", "status", "unmet", "fault"];

export const MARKER_NAMES: Record<MarkerKind, string> = {
  oops: "kernel oops (the run ended)",
  exception: "exception reported",
  errno: "error returned",
  status: "SGX status code",
  unmet: "unmet expectation",
  fault: "faults inside the step",
};

export interface StepMarker {
  /** The timeline position (steps completed) that shows this step: its 1-based number. */
  step: number;
  kind: MarkerKind;
  /** A few words: "#PF 0x8007", "EPERM", "SGX_PAGE_ATTRIBUTES_MISMATCH". */
  short: string;
  /** What happened, without the step: "#PF 0x8007 at offset 0xc000, reported to user space by ERESUME". */
  detail: string;
}

/** "#PF 0x4 ×2, #PF 0x6": equal labels counted, in first-seen order. */
function countLabels(labels: string[]): string[] {
  if (labels.length === 1) return labels;
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].map(([l, n]) => (n > 1 ? `${l} ×${n}` : l));
}

/** A marker's whole story for hover and assistive technology: "Step 12 (EENTER write 0xc000): …". */
export function markerLabel(m: StepMarker, steps?: TraceStep[]): string {
  const st = steps?.[m.step - 1];
  return st ? `Step ${m.step} (${opSummary(st.op)}): ${m.detail}` : `Step ${m.step}: ${m.detail}`;
}

/**
 * The markers of one step, most severe first. `major` markers (exception, errno, status,
 * unmet) go in the timeline's upper lane; faults resolved inside the step in the lower one.
 */
export function stepMarkers(step: TraceStep, position: number): StepMarker[] {
  const out: StepMarker[] = [];
  // docs/scenario-format.md, Kernel bugs that crash: the kernel died on this step.
  if (step.oops)
    out.push({
      step: position,
      kind: "oops",
      short: "kernel oops",
      detail: `kernel oops in ${step.oops.function}(): ${step.oops.text}; the run ended here`,
    });
  const run = step.run;
  if (run && run.exception_vector !== 0) {
    const short = faultLabel(run.exception_vector, run.exception_error_code);
    const offset =
      run.exception_offset && run.exception_offset !== "0x0" ? ` at offset ${run.exception_offset}` : "";
    out.push({
      step: position,
      kind: "exception",
      short,
      detail: `${short}${offset}, reported to user space by ${run.function}`,
    });
  }
  if (step.errno) {
    out.push({
      step: position,
      kind: "errno",
      short: step.errno,
      detail: `returned ${step.ret} with errno ${step.errno}`,
    });
  }
  if (step.call?.ret !== undefined && step.call.ret !== 0) {
    const short = step.call.ret_name ?? `status ${step.call.ret}`;
    out.push({ step: position, kind: "status", short, detail: `the enclave's leaf returned ${short}` });
  }
  if (step.unmet && step.unmet.length > 0) {
    out.push({
      step: position,
      kind: "unmet",
      short: step.unmet.length === 1 ? "expectation not met" : `${step.unmet.length} expectations not met`,
      detail: step.unmet.join("; "),
    });
  }
  const faults: string[] = [];
  for (const e of step.events)
    if (e.kind === "fault" && e.vector !== undefined) faults.push(faultLabel(e.vector, e.error_code));
  if (faults.length > 0) {
    const list = countLabels(faults).join(", ");
    out.push({
      step: position,
      kind: "fault",
      short: list,
      detail: `faults taken inside the step: ${list}`,
    });
  }
  return out;
}

/** Every step's markers, in step order. */
export function buildMarkers(steps: TraceStep[]): StepMarker[] {
  const out: StepMarker[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    // Cheap test first: most steps have nothing to mark.
    if (
      !s.errno &&
      !s.unmet &&
      !s.oops &&
      !(s.run && s.run.exception_vector !== 0) &&
      !(s.call?.ret !== undefined && s.call.ret !== 0) &&
      !s.events.some((e) => e.kind === "fault")
    )
      continue;
    for (const m of stepMarkers(s, i + 1)) out.push(m);
  }
  return out;
}

export function isMajor(kind: MarkerKind): boolean {
  return kind !== "fault";
}

/** Markers that fall on the same few pixels, drawn as one (with a count). */
export interface MarkerBin {
  /** First and last step of the markers in the bin. */
  from: number;
  to: number;
  /** The most severe kind in the bin. */
  kind: MarkerKind;
  count: number;
  /** The step to seek to when the bin is clicked: the first marker of the most severe kind. */
  target: number;
  short: string;
  label: string;
}

/**
 * Groups markers (sorted by step) whose pixel positions fall in the same `gap`-wide bucket, so a
 * run of 100,000 steps still draws a few hundred marks at most.
 */
export function binMarkers(
  markers: StepMarker[],
  x: (step: number) => number,
  gap: number,
  steps?: TraceStep[],
): MarkerBin[] {
  const bins: MarkerBin[] = [];
  let group: StepMarker[] = [];
  let bucket = Number.NaN;
  const flush = () => {
    if (group.length === 0) return;
    let best = group[0];
    for (const m of group) if (MARKER_SEVERITY.indexOf(m.kind) < MARKER_SEVERITY.indexOf(best.kind)) best = m;
    const from = group[0].step;
    const to = group[group.length - 1].step;
    if (group.length === 1) {
      bins.push({
        from,
        to,
        kind: best.kind,
        count: 1,
        target: best.step,
        short: best.short,
        label: markerLabel(best, steps),
      });
    } else {
      const shorts = countLabels(group.map((m) => m.short));
      const shown =
        shorts.slice(0, 4).join(", ") + (shorts.length > 4 ? `, and ${shorts.length - 4} more` : "");
      const where = from === to ? `Step ${from}` : `Steps ${from}–${to}`;
      bins.push({
        from,
        to,
        kind: best.kind,
        count: group.length,
        target: best.step,
        short: best.short,
        label: `${where}: ${group.length} marks: ${shown}`,
      });
    }
    group = [];
  };
  for (const m of markers) {
    const b = Math.floor(x(m.step) / gap);
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    group.push(m);
  }
  flush();
  return bins;
}
