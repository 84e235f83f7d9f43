// Words for an explored outcome (store/explore.ts): its parts, one a line, and the marks that
// make a bug stand out in words, not by colour alone. The outcome text is the engine's
// (`--explore`, docs/scenario-format.md, Command line): "race[0] value 0x…; race[1] SIGBUS;
// KERNEL OOPS in f(); BUG: the PTE of e0+0x5000 still maps EPC page 7; EPCM changed: …".

export interface OutcomeMark {
  kind: "oops" | "bug" | "signal" | "unmet";
  label: string;
}

/** The outcome's parts, as the engine joined them. */
export function outcomeParts(outcome: string): string[] {
  return outcome.split("; ").filter((p) => p !== "");
}

/** What in an outcome a reviewer looks for: a kernel oops or bug, a signal, an expectation not met. */
export function outcomeMarks(outcome: string): OutcomeMark[] {
  const marks: OutcomeMark[] = [];
  const oops = /KERNEL OOPS in ([\w.]+)\(\)/.exec(outcome);
  if (oops) marks.push({ kind: "oops", label: `Kernel oops in ${oops[1]}()` });
  else if (outcome.includes("KERNEL OOPS")) marks.push({ kind: "oops", label: "Kernel oops" });
  // A kernel bug the race left behind without crashing (the trace step's `bugs`).
  if (/(^|; )BUG: /.test(outcome)) marks.push({ kind: "bug", label: "Kernel bug: a PTE to a freed page" });
  const signals = [...new Set(outcome.match(/\bSIG(?:BUS|SEGV)\b/g) ?? [])];
  for (const s of signals) marks.push({ kind: "signal", label: `${s} to user space` });
  // An enclave entry whose fault the kernel could not fix: the vDSO reports it to its caller.
  if (/\bERESUME exception\b|\bEENTER exception\b/.test(outcome))
    marks.push({ kind: "signal", label: "Exception reported to the caller" });
  if (/\bunmet\b|expected .+, got /.test(outcome))
    marks.push({ kind: "unmet", label: "Expectation not met" });
  return marks;
}

/** An order as a scenario writes it: `[0, 1, 1, 0]`. */
export function orderText(order: readonly number[]): string {
  return `[${order.join(", ")}]`;
}
