// App-level status: a running scenario's progress and a long seek's replay (both cancellable), errors the user must see
// (role="alert"), and notices about the app itself.
import { useExplorer } from "../store/explorer.ts";
import { MachineStatus } from "../views/machine/MachineStatus.tsx";
import { OopsStatus } from "../views/OopsStatus.tsx";

/** Work in the worker that takes a while: what it is doing, how far (steps, or a long step's entries), Cancel. */
function Progress(p: {
  text: string;
  stepsDone: number;
  stepsTotal: number;
  entries: [number, number] | undefined;
  label: string;
  onCancel: () => void;
}) {
  return (
    <div className="loading" role="status">
      <span>
        {p.text}
        {p.entries && ` (entry ${p.entries[0].toLocaleString()} of ${p.entries[1].toLocaleString()})`}
      </span>
      <progress
        max={p.entries ? p.entries[1] : Math.max(p.stepsTotal, 1)}
        value={p.entries ? p.entries[0] : p.stepsDone}
        aria-label={p.label}
      />
      <button type="button" onClick={p.onCancel}>
        Cancel
      </button>
    </div>
  );
}

export function StatusBar() {
  const loading = useExplorer((s) => s.loading);
  const errors = useExplorer((s) => s.errors);
  const notice = useExplorer((s) => s.notice);
  const cancelLoad = useExplorer((s) => s.cancelLoad);
  const seeking = useExplorer((s) => s.seeking);
  const cancelSeek = useExplorer((s) => s.cancelSeek);
  const setNotice = useExplorer((s) => s.setNotice);
  const unmet = useExplorer((s) => s.info?.unmet);

  return (
    <div className="status">
      {loading && (
        <Progress
          text={`Running…${
            loading.stepsTotal > 0
              ? ` step ${Math.min(loading.stepsDone + 1, loading.stepsTotal)} of ${loading.stepsTotal}`
              : ""
          }`}
          stepsDone={loading.stepsDone}
          stepsTotal={loading.stepsTotal}
          entries={loading.entries}
          label="Run progress"
          onCancel={cancelLoad}
        />
      )}
      {seeking && !loading && (
        <Progress
          text={`Going to step ${seeking.to.step}${
            seeking.to.event !== null ? `, event ${seeking.to.event + 1}` : ""
          }: re-running step ${Math.min(seeking.stepsDone + 1, seeking.target)} of ${seeking.target}`}
          stepsDone={seeking.stepsDone}
          stepsTotal={seeking.target}
          entries={seeking.entries}
          label="Replay progress"
          onCancel={cancelSeek}
        />
      )}
      {errors && errors.length > 0 && (
        <div className="alert" role="alert">
          <strong>The scenario cannot run:</strong>
          <ul>
            {errors.map((m) => (
              <li key={m}>
                <code>{m}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {notice && (
        <div className="notice" role="alert">
          {notice}{" "}
          <button type="button" className="link" onClick={() => setNotice(null)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      <MachineStatus />
      <OopsStatus />
      {unmet && unmet.length > 0 && (
        <details className="unmet">
          <summary>{unmet.length} expectation(s) of this scenario did not hold</summary>
          <ul>
            {unmet.map((m) => (
              <li key={m}>
                <code>{m}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
