// App-level status: a running scenario's progress (cancellable), errors the user must see
// (role="alert"), and notices about the app itself.
import { useExplorer } from "../store/explorer.ts";
import { MachineStatus } from "../views/machine/MachineStatus.tsx";
import { OopsStatus } from "../views/OopsStatus.tsx";

export function StatusBar() {
  const loading = useExplorer((s) => s.loading);
  const errors = useExplorer((s) => s.errors);
  const notice = useExplorer((s) => s.notice);
  const cancelLoad = useExplorer((s) => s.cancelLoad);
  const setNotice = useExplorer((s) => s.setNotice);
  const unmet = useExplorer((s) => s.info?.unmet);

  return (
    <div className="status">
      {loading && (
        <div className="loading" role="status">
          <span>
            Running…{" "}
            {loading.stepsTotal > 0 &&
              `step ${Math.min(loading.stepsDone + 1, loading.stepsTotal)} of ${loading.stepsTotal}`}
            {loading.entries &&
              ` (entry ${loading.entries[0].toLocaleString()} of ${loading.entries[1].toLocaleString()})`}
          </span>
          <progress
            max={loading.entries ? loading.entries[1] : Math.max(loading.stepsTotal, 1)}
            value={loading.entries ? loading.entries[0] : loading.stepsDone}
            aria-label="Run progress"
          />
          <button type="button" onClick={cancelLoad}>
            Cancel
          </button>
        </div>
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
