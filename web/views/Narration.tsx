// The narration: the current step in plain language. What user space did (the op and what it
// got back), what the kernel did (its functions, in order), what the CPU did (leaves, faults and
// their results), and which EPCM entries changed. Inside a step, the current event is marked and
// later events are dimmed (they have not happened yet).
import { lazy, Suspense } from "react";
import type { TraceEvent, TraceStep } from "../engine/client.ts";
import { CHANGES_MORE } from "../store/changes.ts";
import { useExplorer } from "../store/explorer.ts";
import { pageChanges } from "./format/changes.ts";
import { cpuSummary, functionOf, KIND_LABELS, type Lane, laneOf } from "./format/events.ts";
import { eventFaultLabel } from "./format/faults.ts";
import { opFields, opSummary, outcomeParts } from "./format/ops.ts";
import "./time.css";
import "./oops.css";
import { BasisMark } from "./basis/BasisMark.tsx";
import { RaceLanes } from "./RaceLanes.tsx";

/** "Explore interleavings" under a race's lanes, loaded as its own chunk. */
const ExploreInterleavings = lazy(() => import("./explore/ExploreInterleavings.tsx"));

interface Item {
  index: number;
  e: TraceEvent;
}

/**
 * Consecutive events of a lane with the same label, shown as one chip ("sgx_vma_fault() ×3").
 * The count is of calls, not events: two events of one kernel function with only the leaves it
 * ran (ENCLS) between them are one call, e.g. sgx_encl_eaug_page()'s decision, its EAUG and the
 * PTE it installs; a fault or an enclave entry between them means the kernel was entered again.
 */
interface Chip {
  label: string;
  indices: number[];
  calls: number;
  fault: boolean;
  texts: string[];
}

/** `all`: the step's events, for counting a kernel lane's calls; without it every event counts. */
function chips(items: Item[], label: (e: TraceEvent) => string, all?: TraceEvent[]): Chip[] {
  const out: Chip[] = [];
  for (const { index, e } of items) {
    const l = label(e);
    const last = out[out.length - 1];
    if (last && last.label === l) {
      const between = all?.slice(last.indices[last.indices.length - 1] + 1, index);
      if (!between || between.some((b) => b.kind !== "encls")) last.calls++;
      last.indices.push(index);
      last.texts.push(e.text);
    } else {
      // Faults, and leaves that returned an error code, stand out.
      const failed =
        e.kind === "fault" || (e.leaf !== undefined && e.result !== undefined && e.result !== "ok");
      out.push({ label: l, indices: [index], calls: 1, fault: failed, texts: [e.text] });
    }
  }
  return out;
}

function seekEvent(index: number): void {
  const s = useExplorer.getState();
  if (s.playing) s.pause();
  void s.seek(s.step, index);
}

function eventState(indices: number[], event: number | null): string {
  if (event === null) return "";
  if (indices.includes(event)) return " is-current";
  return indices[0] > event ? " is-future" : "";
}

function ChipFlow({
  title,
  items,
  label,
  event,
  empty,
  calls,
}: {
  title: string;
  items: Item[];
  /** The step's events: count calls (see chips) rather than events. */
  calls?: TraceEvent[];
  label: (e: TraceEvent) => string;
  event: number | null;
  empty: string;
}) {
  const list = chips(items, label, calls);
  return (
    <section className="narration-lane" aria-label={title}>
      <h3>{title}</h3>
      {list.length === 0 ? (
        <p className="time-muted narration-none">{empty}</p>
      ) : (
        <ol className="narration-chips">
          {list.map((c) => (
            <li
              key={c.indices[0]}
              aria-current={event !== null && c.indices.includes(event) ? "step" : undefined}
            >
              <button
                type="button"
                className={`narration-chip${c.fault ? " is-fault" : ""}${eventState(c.indices, event)}`}
                title={c.texts.join("\n")}
                onClick={() => seekEvent(c.indices[0])}
              >
                <code>{c.label}</code>
                {c.calls > 1 && <span className="narration-times"> ×{c.calls}</span>}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Outcome({ step, pending }: { step: TraceStep; pending: boolean }) {
  const run = step.run;
  const failed = step.ret < 0 || Boolean(step.errno);
  const faulted = run !== undefined && run.exception_vector !== 0;
  const status = step.call?.ret !== undefined && step.call.ret !== 0;
  const tone = failed || faulted || status ? "is-bad" : "is-ok";
  return (
    <p className={`narration-outcome ${pending ? "is-future" : tone}`}>
      {pending ? "Will get back" : "Got back"}{" "}
      {/* Words first, then the names: what kind of answer this is. */}
      {faulted
        ? "an exception from inside the enclave, as the vDSO reports it: "
        : failed
          ? "an error: "
          : status
            ? "a status code from the enclave's SGX instruction: "
            : ""}
      <span className="narration-outcome-text">
        {outcomeParts(step)
          .map((text, i) => ({ text, id: `${i}:${text}`, first: i === 0 }))
          .map((p) => (
            <span key={p.id}>
              {!p.first && " · "}
              <code className="narration-outcome-part">{p.text}</code>
            </span>
          ))}
      </span>
      {faulted && run?.exception_offset && (
        <span className="narration-fault-at">
          {" "}
          (faulting offset <code>{run.exception_offset}</code>)
        </span>
      )}
    </p>
  );
}

function UserSpace({ step, items, event }: { step: TraceStep; items: Item[]; event: number | null }) {
  const fields = opFields(step.op, true);
  return (
    <section className="narration-lane" aria-label="User space">
      <h3>User space</h3>
      <p className="narration-call">
        {step.cpu ? `On CPU ${step.cpu}, called ` : "Called "}
        <code className="narration-op">{opSummary(step.op)}</code>
        {fields.length > 0 && (
          <>
            {" "}
            with <code className="narration-fields">{fields.join(" ")}</code>
          </>
        )}
      </p>
      {items.length > 0 && (
        <ol className="narration-list">
          {items.map(({ index, e }) => (
            <li key={index} aria-current={event === index ? "step" : undefined}>
              <button
                type="button"
                className={`narration-jump${eventState([index], event)}`}
                onClick={() => seekEvent(index)}
              >
                <span className="kind-badge">{KIND_LABELS[e.kind]}</span> {e.text}
              </button>
            </li>
          ))}
        </ol>
      )}
      <Outcome step={step} pending={event !== null && event < step.events.length - 1} />
    </section>
  );
}

function Changes({ step, event }: { step: number; event: number | null }) {
  const answer = useExplorer((s) => s.changes);
  const info = useExplorer((s) => s.info);
  const showMore = useExplorer((s) => s.showMoreChanges);
  if (!answer || !info || answer.step !== step || answer.event !== event) return null;
  const changes = pageChanges(answer, info.enclaveNames);
  const more = answer.total - changes.length;
  return (
    <section className="narration-lane lane-changes" aria-label="What changed">
      <h3>What changed {event !== null ? "(this event)" : ""}</h3>
      {changes.length === 0 ? (
        <p className="time-muted narration-none">
          No EPCM entry changed{event !== null ? " in this event" : ""}.
        </p>
      ) : (
        <ul className="narration-changes">
          {changes.map((c) => (
            <li key={c.epc}>
              <span className="change-where">
                EPC {c.epc}
                {c.where && <code> {c.where}</code>}
              </span>{" "}
              <span className="change-diff">
                <code className="change-before">{c.before}</code>
                <span aria-hidden="true"> → </span>
                <span className="sr-only"> became </span>
                <code className="change-after">{c.after}</code>
              </span>
            </li>
          ))}
          {more > 0 && (
            <li className="time-muted">
              and {more.toLocaleString("en-US")} more EPC pages{" "}
              <button type="button" className="narration-more" onClick={() => void showMore()}>
                Show {Math.min(more, CHANGES_MORE).toLocaleString("en-US")} more
              </button>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}

/** A step on which the kernel crashed (docs/scenario-format.md, Kernel bugs that crash). */
function OopsNote({ oops, notRun }: { oops: NonNullable<TraceStep["oops"]>; notRun: number }) {
  return (
    <div className="narration-oops">
      <strong>
        Kernel oops in <code>{oops.function}()</code>:
      </strong>{" "}
      <code>{oops.text}</code>
      <p>
        The run ended here: {notRun} later step{notRun === 1 ? " was" : "s were"} not run.
      </p>
    </div>
  );
}

/** `explore`: offer "Explore interleavings" under a race's lanes (not in an embedded frame). */
export function Narration({ explore = true }: { explore?: boolean } = {}) {
  const info = useExplorer((s) => s.info);
  const step = useExplorer((s) => s.step);
  const event = useExplorer((s) => s.event);

  if (!info) {
    return (
      <section className="narration" aria-label="Narration">
        <h2>What happened</h2>
        <p className="time-muted">Choose a scenario to see its steps explained here.</p>
      </section>
    );
  }

  if (step === 0) {
    const first = info.steps[0];
    return (
      <section className="narration" aria-label="Narration">
        <h2>{info.title}</h2>
        {info.description && <p className="narration-note">{info.description}</p>}
        <p>
          Nothing has run yet: the EPC is empty. {info.steps.length} step{info.steps.length === 1 ? "" : "s"}{" "}
          follow
          {first && (
            <>
              , starting with <code>{opSummary(first.op)}</code>
            </>
          )}
          . Press <kbd>→</kbd> or <strong>Step forward</strong> to run the first one.
        </p>
      </section>
    );
  }

  const st = info.steps[step - 1];
  const items: Record<Lane, Item[]> = { user: [], kernel: [], cpu: [] };
  st.events.forEach((e, index) => {
    items[laneOf(e.kind)].push({ index, e });
  });
  const current = event !== null ? st.events[event] : undefined;
  const fault = current ? eventFaultLabel(current) : undefined;

  return (
    <section className="narration" aria-label="Narration">
      <h2>
        <span className="narration-stepno">Step {step}</span> <code>{opSummary(st.op)}</code>
      </h2>
      {st.note && <p className="narration-note">{st.note}</p>}
      {st.oops && <OopsNote oops={st.oops} notRun={info.stopped?.not_run ?? 0} />}
      {st.race && <RaceLanes step={st} />}
      {st.race && explore && (
        <Suspense fallback={null}>
          <ExploreInterleavings step={st} />
        </Suspense>
      )}
      {st.unmet && st.unmet.length > 0 && (
        <div className="narration-unmet">
          <strong>Expectation not met:</strong>
          <ul>
            {st.unmet.map((m) => (
              <li key={m}>
                <code>{m}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {current && (
        <p className="narration-current" aria-live="polite">
          <span className="narration-label">
            Event {(event ?? 0) + 1} of {st.events.length}
          </span>{" "}
          <span className="kind-badge">{KIND_LABELS[current.kind]}</span>{" "}
          {fault && <code className="is-fault">{fault}</code>} {current.text}
          <BasisMark basis={current.basis} basisRef={current.basis_ref} />
        </p>
      )}
      <div className="narration-lanes">
        <UserSpace step={st} items={items.user} event={event} />
        <ChipFlow
          title="Kernel"
          items={items.kernel}
          label={(e) => functionOf(e.source)}
          calls={st.events}
          event={event}
          empty="The kernel had no part in this step."
        />
        <ChipFlow
          title="CPU"
          items={items.cpu}
          label={cpuSummary}
          event={event}
          empty="No ENCLS or ENCLU leaf ran."
        />
        <Changes step={step} event={event} />
      </div>
    </section>
  );
}
