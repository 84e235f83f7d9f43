// What a step did, summed up for predict mode: what user space got back (success, an errno, an
// exception the vDSO reported, or an SGX error code from the leaf the enclave ran) and the EPCM
// entry of the page the step targets before and after it. Everything comes from the engine's
// trace and state; the UI only compares a learner's guess with it.

import type { EpcmEntryJson, TraceEvent, TraceStep } from "../scenario/trace-types.ts";
import type { Session } from "./session.ts";

export type StepResult =
  | { kind: "ok" }
  | { kind: "errno"; errno: string }
  | { kind: "fault"; vector: number; errorCode: string; offset: string }
  | { kind: "sgx"; code: string };

export interface StepOutcome {
  /** 1-based step number. */
  step: number;
  result: StepResult;
  /** The page the step names (an ioctl's first page, an enclave call's address), if any. */
  page: { enclave: string; offset: number; before: EpcmEntryJson | null; after: EpcmEntryJson | null } | null;
  /** Why, in the engine's words: the event that decided the result. */
  reason: string;
}

/** What user space saw. */
export function resultOf(step: TraceStep): StepResult {
  if (step.ret === -1 && step.errno) return { kind: "errno", errno: step.errno };
  if (step.run && step.run.function !== "EEXIT" && step.run.exception_vector !== 0)
    return {
      kind: "fault",
      vector: step.run.exception_vector,
      errorCode: step.run.exception_error_code,
      offset: step.run.exception_offset,
    };
  const name = step.call?.ret_name;
  if (name && name !== "SGX_SUCCESS") return { kind: "sgx", code: name };
  return { kind: "ok" };
}

/** The offset a step's op names: an ioctl's `arg.offset`, an enclave call's `addr`. */
export function targetOffset(op: Record<string, unknown>): number | null {
  const arg = op.arg as Record<string, unknown> | undefined;
  const text = op.op === "ioctl" ? arg?.offset : op.op === "EENTER" ? op.addr : undefined;
  if (typeof text !== "string") return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n - (n % 4096) : null;
}

/** The event that explains the result: the reported fault, the refusal, or the leaf's error. */
function decidingEvent(step: TraceStep, result: StepResult): TraceEvent | undefined {
  const events = step.events;
  const last = <T>(xs: T[], ok: (x: T) => boolean) => {
    for (let i = xs.length - 1; i >= 0; i--) if (ok(xs[i])) return xs[i];
    return undefined;
  };
  switch (result.kind) {
    case "errno":
      return last(events, (e) => e.result === result.errno) ?? last(events, (e) => e.kind === "kernel");
    case "fault":
      return last(events, (e) => e.kind === "fault" && e.error_code === result.errorCode);
    case "sgx":
      return last(events, (e) => e.kind === "enclu" && e.result === result.code);
    case "ok":
      return last(events, (e) => e.kind === "encls" || e.kind === "enclu" || e.kind === "kernel");
  }
}

/** What a learner may see before step `step` runs: the page it names, as it is now. */
export interface StepQuestion {
  step: number;
  page: { enclave: string; offset: number; before: EpcmEntryJson | null } | null;
}

export function stepQuestion(session: Session, step: number): StepQuestion {
  const st = session.info.steps[step - 1];
  if (!st) throw new Error(`there is no step ${step}`);
  const offset = targetOffset(st.op);
  return {
    step,
    page:
      offset === null
        ? null
        : { enclave: st.enclave, offset, before: session.pageDetail(step - 1, st.enclave, offset).epcm },
  };
}

export function stepOutcome(session: Session, step: number): StepOutcome {
  const st = session.info.steps[step - 1];
  if (!st) throw new Error(`there is no step ${step}`);
  const result = resultOf(st);
  const offset = targetOffset(st.op);
  const page =
    offset === null
      ? null
      : {
          enclave: st.enclave,
          offset,
          before: session.pageDetail(step - 1, st.enclave, offset).epcm,
          after: session.pageDetail(step, st.enclave, offset).epcm,
        };
  const review = st.review;
  const failed = review?.checks.find((c) => c.id === review.decided);
  const event = decidingEvent(st, result);
  const reason = [
    failed ? `The driver's check "${failed.test}" (${failed.fn}()) failed.` : "",
    event?.text ?? "",
    st.note ?? "",
  ]
    .filter((t) => t !== "")
    .join(" ");
  return { step, result, page, reason };
}
