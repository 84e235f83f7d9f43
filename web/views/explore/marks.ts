// Words for an explored outcome (store/explore.ts): the marks that make a bug stand out in words,
// not by colour alone. The facts are the engine's (`--explore`, docs/scenario-format.md, Command
// line: an oops, a kernel bug left behind, signals, an exception reported to the caller).
import type { OutcomeFacts } from "../../engine/client.ts";

export interface OutcomeMark {
  kind: "oops" | "bug" | "signal";
  label: string;
}

/** What in an outcome a reviewer looks for: a kernel oops or bug, a signal, an exception. */
export function outcomeMarks(facts: OutcomeFacts): OutcomeMark[] {
  const marks: OutcomeMark[] = [];
  if (facts.oops) marks.push({ kind: "oops", label: `Kernel oops in ${facts.oops}()` });
  if (facts.bug) marks.push({ kind: "bug", label: "Kernel bug: a PTE to a freed page" });
  for (const s of facts.signals) marks.push({ kind: "signal", label: `${s} to user space` });
  if (facts.exception) marks.push({ kind: "signal", label: "Exception reported to the caller" });
  return marks;
}

/** An order as a scenario writes it: `[0, 1, 1, 0]`. */
export function orderText(order: readonly number[]): string {
  return `[${order.join(", ")}]`;
}
