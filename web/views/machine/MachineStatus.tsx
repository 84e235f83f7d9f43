// The status area's line naming the kernel version and what-if mutations of the run shown, when
// they are not the plain default (the pickers show the version either way).
import { useExplorer } from "../../store/explorer.ts";
import { machineSummary } from "./active.ts";
import "./machine.css";

export function MachineStatus() {
  const text = useExplorer((s) => machineSummary(s.info));
  if (!text) return null;
  return (
    <p className="machine-status" data-testid="machine-status">
      {text}
    </p>
  );
}
