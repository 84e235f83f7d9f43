// The control for the model's inferences: show every statement, highlight the inferred ones, or
// show only those (the events log hides the rest; a tour stop or glossary entry, shown one at a
// time, is highlighted). Accessible name: "Inferred statements".
import { useId } from "react";
import { type InferredMode, useBasisView } from "../../store/basis-view.ts";
import "./basis.css";

export function InferredFilter() {
  const mode = useBasisView((s) => s.inferred);
  const setInferred = useBasisView((s) => s.setInferred);
  const id = useId();
  return (
    <span className="inferred-filter">
      <label htmlFor={id}>Inferred statements</label>{" "}
      <select id={id} value={mode} onChange={(e) => setInferred(e.currentTarget.value as InferredMode)}>
        <option value="all">shown like the rest</option>
        <option value="highlight">highlighted</option>
        <option value="only">shown alone</option>
      </select>
    </span>
  );
}
