// The "Tour" tab: pick a guided tour, then walk its stops. Each stop is a step of a built-in
// flow; Back/Next load that flow if needed and seek the stepper there. Glossary terms in a
// stop's text open their entry in the panel. If the learner steps elsewhere, the panel says so
// and offers the way back. Names used by tests: region "Tour", buttons "Next stop",
// "Previous stop", "Return to stop N", "Leave the tour".
import { type ReactNode, useEffect, useRef, useState } from "react";
import { useExplorer } from "../../store/explorer.ts";
import { stopAt, useTour } from "../../store/tour.ts";
import { type GlossaryEntry, glossaryEntry } from "../../tours/glossary.ts";
import { findTour, type Segment, segments, TOURS, type Tour } from "../../tours/tours.ts";
import { BasisMark, useInferredClass } from "../basis/BasisMark.tsx";
import { InferredFilter } from "../basis/InferredFilter.tsx";
import { GlossaryCard } from "./Glossary.tsx";
import "./tour.css";

export function goToStop(tour: Tour, index: number): void {
  const stop = tour.stops[index];
  const s = useExplorer.getState();
  useTour.getState().setStop(index);
  if (s.source?.kind === "flow" && s.source.id === tour.flow && s.info) void s.seek(stop.step);
  else void s.loadFlow(tour.flow, stop.step);
}

function TourPicker() {
  const open = useTour((s) => s.open);
  return (
    <section className="tour-panel" aria-label="Tour">
      <h2>Guided tours</h2>
      <p className="tour-intro">Each tour walks one SGX2 flow stop by stop. Pick one:</p>
      <ul className="tour-list">
        {TOURS.map((t) => (
          <li key={t.id}>
            <button
              type="button"
              className="tour-pick"
              onClick={() => {
                open(t);
                goToStop(t, 0);
              }}
            >
              <span className="tour-pick-title">{t.title}</span>
              <span className="tour-pick-summary">{t.summary}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Segments with a stable key: where each starts in the rendered text. */
function keyed(segs: Segment[]): Array<{ seg: Segment; key: string }> {
  let at = 0;
  return segs.map((seg) => {
    const key = `${at}:${seg.text}`;
    at += seg.text.length;
    return { seg, key };
  });
}

function StopText({
  text,
  onTerm,
  mark,
}: {
  text: string;
  onTerm: (entry: GlossaryEntry, el: HTMLElement) => void;
  mark?: ReactNode;
}) {
  return (
    <p className="tour-text">
      {keyed(segments(text)).map(({ seg, key: i }) => {
        if (!("term" in seg)) return <span key={i}>{seg.text}</span>;
        const entry = glossaryEntry(seg.term);
        // tours.test.ts checks every link resolves; an unknown term still reads as plain text.
        if (!entry) return <span key={i}>{seg.text}</span>;
        return (
          <button
            key={i}
            type="button"
            className="glossary-link"
            title={entry.short}
            onClick={(e) => onTerm(entry, e.currentTarget)}
          >
            {seg.text}
          </button>
        );
      })}
      {mark}
    </p>
  );
}

function TourView({ tour }: { tour: Tour }) {
  const current = useTour((s) => s.stop);
  const setStop = useTour((s) => s.setStop);
  const close = useTour((s) => s.close);
  const flowId = useExplorer((s) => (s.source?.kind === "flow" ? s.source.id : null));
  const step = useExplorer((s) => s.step);
  const loading = useExplorer((s) => s.loading !== null);
  const hasRun = useExplorer((s) => s.info !== null);
  const [entry, setEntry] = useState<GlossaryEntry | null>(null);
  const returnFocus = useRef<HTMLElement | null>(null);

  // Stepping onto another stop with the stepper moves the tour there too.
  const here = hasRun && !loading ? stopAt(tour, flowId, step) : -1;
  // Only a change of position counts: right after Next the stepper is still on the old stop
  // until the seek lands, and that must not pull the tour back.
  const lastHere = useRef<number | null>(null); // null: follow the stepper on mount too
  useEffect(() => {
    if (here === lastHere.current) return;
    const arrived = lastHere.current !== null;
    lastHere.current = here;
    if (here < 0) return;
    setStop(here);
    // Play walks the run; in a tour it stops at each stop so its text can be read.
    const s = useExplorer.getState();
    if (arrived && s.playing) s.pause();
  }, [here, setStop]);

  const stop = tour.stops[current];
  const inferredClass = useInferredClass(stop.basis);
  const away = hasRun && !loading && here < 0;
  const closeEntry = () => {
    setEntry(null);
    requestAnimationFrame(() => returnFocus.current?.focus());
  };

  return (
    <section className="tour-panel" aria-label="Tour">
      <div className="tour-head">
        <h2>{tour.title}</h2>
        <button type="button" className="tour-leave" onClick={close}>
          Leave the tour
        </button>
      </div>
      <p className="tour-count" aria-live="polite">
        {`Stop ${current + 1} of ${tour.stops.length} · step ${stop.step} of the ${tour.flow} flow`}
      </p>
      <InferredFilter />
      {away && (
        <p className="tour-away" role="status">
          You left the tour.{" "}
          <button type="button" onClick={() => goToStop(tour, current)}>
            Return to stop {current + 1}
          </button>
        </p>
      )}
      {entry ? (
        <GlossaryCard entry={entry} onClose={closeEntry} />
      ) : (
        <article className={`tour-stop${inferredClass}`} aria-label={`Stop ${current + 1}: ${stop.title}`}>
          <h3>{stop.title}</h3>
          <StopText
            text={stop.text}
            mark={<BasisMark basis={stop.basis} basisRef={stop.basis_ref} />}
            onTerm={(e, el) => {
              returnFocus.current = el;
              setEntry(e);
            }}
          />
        </article>
      )}
      <div className="tour-nav">
        <button
          type="button"
          aria-label="Previous stop"
          disabled={current === 0}
          onClick={() => goToStop(tour, current - 1)}
        >
          ← Back
        </button>
        <button
          type="button"
          aria-label="Next stop"
          disabled={current === tour.stops.length - 1}
          onClick={() => goToStop(tour, current + 1)}
        >
          Next →
        </button>
      </div>
    </section>
  );
}

export function TourPanel() {
  const tourId = useTour((s) => s.tourId);
  const tour = tourId ? findTour(tourId) : undefined;
  return tour ? <TourView key={tour.id} tour={tour} /> : <TourPicker />;
}
