// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useExplorer } from "../store/explorer.ts";
import { CpuPanel } from "./CpuPanel.tsx";
import { flowSession } from "./fixtures.ts";

const initial = useExplorer.getState();
const seek = vi.fn(async () => {});

describe("CpuPanel", () => {
  afterEach(() => {
    cleanup();
    seek.mockClear();
    useExplorer.setState(initial, true);
  });

  it("is absent for a single-CPU run", () => {
    useExplorer.setState({ seek, info: flowSession("augment").info, step: 3 });
    const { container } = render(<CpuPanel />);
    expect(container.textContent).toBe("");
  });

  it("shows the TLB after the step (CPU, Offset, Rights, Stale), as the engine reports it", () => {
    const info = flowSession("eaccept-from-inside").info;
    useExplorer.setState({ seek, info, step: 11 });
    render(<CpuPanel />);
    const table = screen.getByRole("table", { name: "TLB" });
    const heads = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(heads).toEqual(["CPU", "Offset", "Rights", "Stale"]);
    const row = within(table).getByRole("row", { name: /e0\+0x5000/ });
    expect(row.textContent).toContain("RW-");
    expect(row.textContent).toContain("no");
  });

  it("a lane per CPU: the thread inside, the AEX of the IPI, and a click seeks", () => {
    useExplorer.setState({ seek, info: flowSession("eaccept-from-inside").info, step: 0 });
    render(<CpuPanel />);
    const lane = screen.getByRole("list", { name: "CPU 1 over the steps" });
    const cell = within(lane).getByRole("button", {
      name: /CPU 1, after step 13: thread inside e0 TCS 0x1000, AEX, IPI received/,
    });
    fireEvent.click(cell);
    expect(seek).toHaveBeenCalledWith(13);
    expect(screen.getByRole("list", { name: "CPU 0 over the steps" })).toBeTruthy();
  });
});
