// The status area's line for a run a kernel oops ended (docs/scenario-format.md, Kernel bugs that
// crash): the function that oopsed, the step, and how many steps were not run, from the trace's
// `stopped` as the engine reported it.
import { useExplorer } from "../store/explorer.ts";
import "./oops.css";

export function OopsStatus() {
  const stopped = useExplorer((s) => s.info?.stopped);
  const fn = useExplorer((s) =>
    s.info?.stopped ? s.info.steps[s.info.stopped.step]?.oops?.function : undefined,
  );
  const loading = useExplorer((s) => s.loading !== null);
  if (loading || !stopped || fn === undefined) return null;
  const n = stopped.not_run;
  return (
    <p className="oops-status">
      Kernel oops in <code>{fn}()</code> at step {stopped.step + 1}: the run ended there, {n} step
      {n === 1 ? "" : "s"} not run.
    </p>
  );
}
