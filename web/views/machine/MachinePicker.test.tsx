// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useExplorer } from "../../store/explorer.ts";
import { flowSession } from "../fixtures.ts";
import { MachinePicker } from "./MachinePicker.tsx";
import { MachineStatus } from "./MachineStatus.tsx";

vi.mock("../../engine/client.ts", async () => (await import("../../share/test-engine.ts")).testClient);

const initial = useExplorer.getState();

afterEach(() => {
  cleanup();
  useExplorer.setState(initial, true);
});

describe("MachinePicker", () => {
  it("shows the run's kernel and mutations and asks the store to re-run with a new choice", async () => {
    const s = flowSession("augment");
    const setMachine = vi.fn(async () => {});
    useExplorer.setState({
      source: { kind: "flow", id: "augment" },
      info: { ...s.info, machine: { ...s.info.machine, kernel: "v6.1", mutate: ["no-etrack"] } },
      setMachine,
    });
    render(
      <>
        <MachinePicker />
        <MachineStatus />
      </>,
    );
    const kernel = (await screen.findByRole("combobox", { name: "Kernel" })) as HTMLSelectElement;
    expect(kernel.value).toBe("v6.1");
    expect([...kernel.options].map((o) => o.value)).toEqual(["v6.0", "v6.1", "v6.6", "v6.6+edmm-races"]);
    const etrack = screen.getByRole("checkbox", { name: /no-etrack/ }) as HTMLInputElement;
    expect(etrack.checked).toBe(true);
    expect(screen.getByTestId("machine-status").textContent).toBe(
      "Kernel v6.1 with the what-if mutation no-etrack",
    );
    fireEvent.change(kernel, { target: { value: "v6.6" } });
    expect(setMachine).toHaveBeenLastCalledWith({ kernel: "v6.6" });
    fireEvent.click(screen.getByRole("checkbox", { name: /no-ipi/ }));
    await waitFor(() => expect(setMachine).toHaveBeenLastCalledWith({ mutate: ["no-ipi", "no-etrack"] }));
  });

  it("says nothing in the status area for the plain default kernel", async () => {
    const s = flowSession("augment");
    useExplorer.setState({ source: { kind: "flow", id: "augment" }, info: s.info });
    render(<MachineStatus />);
    expect(screen.queryByTestId("machine-status")).toBeNull();
  });
});
