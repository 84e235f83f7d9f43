// The kernel and what-if pickers beside the flows: choosing a version or a mutation re-runs what
// is loaded with machine.kernel / machine.mutate replaced (the engine applies it; the store keeps
// the choice in its source, so the share link carries it). A scenario that sets them itself shows
// its own values until one is picked. Names used by tests: the "Kernel" select, the "What-if
// mutations" group with one checkbox per mutation.
import { useId } from "react";
import { useExplorer } from "../../store/explorer.ts";
import { activeMachine } from "./active.ts";
import "./machine.css";
import { useMachineOptions } from "./use-machine-options.ts";

export function MachinePicker() {
  const headingId = useId();
  const { options, failed } = useMachineOptions();
  const info = useExplorer((s) => s.info);
  const busy = useExplorer((s) => s.loading !== null);
  const choice = useExplorer((s) => s.source?.machine);
  const setMachine = useExplorer((s) => s.setMachine);

  if (failed) return <p className="machine-failed">{failed}</p>;
  if (!options) return null;
  const active = activeMachine(info);
  const disabled = busy || !info;
  const toggle = (id: string, on: boolean) => {
    const mutate = options.mutations
      .map((m) => m.id)
      .filter((m) => (m === id ? on : active.mutate.includes(m)));
    void setMachine({ ...choice, mutate });
  };

  return (
    <section className="machine-picker" aria-labelledby={headingId}>
      <h2 id={headingId}>Kernel and what-ifs</h2>
      <label className="machine-kernel">
        Kernel{" "}
        <select
          value={active.kernel}
          disabled={disabled}
          onChange={(e) => void setMachine({ ...choice, kernel: e.target.value })}
        >
          {options.kernels.map((k) => (
            <option key={k.id} value={k.id} title={k.text}>
              {k.id}
            </option>
          ))}
        </select>
      </label>
      <details className="machine-mutations">
        <summary>What-if mutations{active.mutate.length > 0 ? ` (${active.mutate.length} on)` : ""}</summary>
        <fieldset disabled={disabled}>
          <legend className="machine-legend">What-if mutations</legend>
          {options.mutations.map((m) => (
            <label key={m.id} className="machine-mutation">
              <input
                type="checkbox"
                checked={active.mutate.includes(m.id)}
                onChange={(e) => toggle(m.id, e.target.checked)}
              />{" "}
              <code>{m.id}</code>
              <span className="machine-text">{m.text}</span>
            </label>
          ))}
        </fieldset>
      </details>
    </section>
  );
}
