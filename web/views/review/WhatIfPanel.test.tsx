// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useExplorer } from "../../store/explorer.ts";
import { useWhatIf } from "../../store/whatif.ts";
import { flowSession } from "../fixtures.ts";
import WhatIfPanel from "./WhatIfPanel.tsx";

vi.mock("../../engine/client.ts", async () => (await import("../../share/test-engine.ts")).testClient);

const initial = useExplorer.getState();
const initialWhatIf = useWhatIf.getState();

afterEach(() => {
  cleanup();
  useExplorer.setState(initial, true);
  useWhatIf.setState(initialWhatIf, true);
});

describe("WhatIfPanel", () => {
  it("computes the matrix: a caught cell names its step, an uncaught mutation is a finding", async () => {
    render(<WhatIfPanel />);
    fireEvent.click(screen.getByRole("button", { name: "Compute the what-if matrix" }));
    const table = await screen.findByRole("table", { name: /What-if matrix/ }, { timeout: 20_000 });
    const headers = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toEqual([
      "Flow",
      "no-ipi",
      "no-etrack",
      "no-accept-probe",
      "no-type-check",
      "no-ioctl-busy",
    ]);
    const row = within(table).getByRole("row", { name: /^remove-added-page-no-eaccept / });
    const cells = within(row)
      .getAllByRole("cell")
      .map((c) => c.textContent);
    expect(cells).toEqual(["not caught", "not caught", "caught at step 15", "not caught", "not caught"]);
    const findings = screen.getByRole("list", { name: "Mutations" });
    expect(
      within(findings)
        .getByText(/no-ioctl-busy/)
        .closest("li")?.textContent,
    ).toMatch(
      /caught by 1 flow, e\.g\. remove-pages-ioctl-busy: .*; no kernel selftest catches this \(a finding\)$/,
    );
    // A missing IPI is caught only by the many-CPU flows, a missing SGX_ENCL_IOCTL bit only by a race.
    expect(within(table).getAllByText("no selftest catches this")).toHaveLength(2);
  }, 30_000);

  it("finds where two kernel versions first diverge and seeks there", async () => {
    const s = flowSession("refusals");
    const seek = vi.fn(async () => {});
    const setMachine = vi.fn(async () => {});
    useExplorer.setState({ source: { kind: "flow", id: "refusals" }, info: s.info, seek, setMachine });
    render(<WhatIfPanel />);
    const second = (await screen.findByRole("combobox", { name: "Second kernel" })) as HTMLSelectElement;
    fireEvent.change(second, { target: { value: "v6.1" } });
    fireEvent.click(screen.getByRole("button", { name: "Compare" }));
    const go = await screen.findByRole("button", { name: "Go to step 2" });
    expect(screen.getByText(/first diverge at/).textContent).toMatch(
      /v6\.0 and v6\.1 first diverge at step 2/,
    );
    expect(screen.getByRole("list", { name: "Differences" }).textContent).toMatch(/range\.overflow/);
    fireEvent.click(go);
    expect(seek).toHaveBeenCalledWith(2);
    // The run shown is on v6.0: the other side of the diff is one click away, at that step.
    expect(screen.queryByRole("button", { name: "Show it on v6.0" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Show it on v6.1" }));
    expect(setMachine).toHaveBeenCalledWith({ kernel: "v6.1" }, 2);
  });
});
