// The basis of a statement (docs/scenario-format.md, Provenance of events), shown as a small
// mark: its tooltip and its accessible text say what the statement rests on; a "model" mark
// names the engine/MODEL.md entry that explains the inference. Used on events, tour stops and
// glossary entries. Accessible names used by tests: "Basis: …".
import type { Basis } from "../../engine/client.ts";
import { useBasisView } from "../../store/basis-view.ts";
import "./basis.css";

const SHORT: Record<Basis, string> = { hardware: "hw", sdm: "SDM", kernel: "kernel", model: "model" };

const LONG: Record<Basis, string> = {
  hardware: "observed on real hardware (a value the kernel selftests assert)",
  sdm: "stated by the Intel SDM",
  kernel: "stated by the Linux driver's code",
  model: "inferred by the model (the sources are silent)",
};

/** "Basis: inferred by the model (…); see engine/MODEL.md: Instruction fetches". */
export function basisDescription(basis: Basis, ref?: string): string {
  return `Basis: ${LONG[basis]}${ref ? `; see ${ref}` : ""}`;
}

export function BasisMark({ basis, basisRef }: { basis: Basis; basisRef?: string }) {
  const text = basisDescription(basis, basisRef);
  return (
    <span className={`basis-mark basis-${basis}`} title={text} data-basis={basis}>
      <span aria-hidden="true">{SHORT[basis]}</span>
      <span className="sr-only">{` (${text})`}</span>
    </span>
  );
}

/** The class a statement's container gets for the inferred-statement view. */
export function useInferredClass(basis: Basis): string {
  const mode = useBasisView((s) => s.inferred);
  return mode !== "all" && basis === "model" ? " is-inferred" : "";
}
