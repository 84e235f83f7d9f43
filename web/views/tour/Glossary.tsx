// One glossary entry, shown inside the tour panel. Focus moves to its heading when it opens;
// Esc or "Back to the tour" closes it and the panel puts focus back on the link.
import { type KeyboardEvent, useEffect, useRef } from "react";
import type { GlossaryEntry } from "../../tours/glossary.ts";
import { BasisMark, useInferredClass } from "../basis/BasisMark.tsx";

export function GlossaryCard({ entry, onClose }: { entry: GlossaryEntry; onClose: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const inferredClass = useInferredClass(entry.basis);
  useEffect(() => heading.current?.focus(), []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "Escape") return;
    e.preventDefault();
    e.stopPropagation();
    onClose();
  };
  return (
    <section
      className={`glossary-card${inferredClass}`}
      aria-label={`Glossary: ${entry.term}`}
      onKeyDown={onKeyDown}
    >
      <h3 ref={heading} tabIndex={-1}>
        {entry.term}
      </h3>
      <p className="glossary-short">{entry.short}</p>
      <p>{entry.long}</p>
      <p className="glossary-source">
        Source: {entry.source}
        <BasisMark basis={entry.basis} basisRef={entry.basis_ref} />
      </p>
      <button type="button" onClick={onClose}>
        Back to the tour
      </button>
    </section>
  );
}
