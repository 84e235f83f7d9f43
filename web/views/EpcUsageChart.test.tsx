// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useExplorer } from "../store/explorer.ts";
import { useEpcUsage } from "../store/usage.ts";
import { EpcUsageChart } from "./EpcUsageChart.tsx";
import { flowSession } from "./fixtures.ts";
import { MAX_TABLE_ROWS, sampleSteps, usageSummary } from "./usage-chart.ts";

// The store asks the worker for the usage of a run it has none for: here a fake engine answers.
const epcUsage = vi.fn();
vi.mock(import("../engine/client.ts"), async (importOriginal) => ({
  ...(await importOriginal()),
  engine: () => ({ epcUsage }) as unknown as ReturnType<typeof import("../engine/client.ts").engine>,
}));

const initial = useExplorer.getState();
const seek = vi.fn(async () => {});

function show(id: string, step: number) {
  const session = flowSession(id);
  useExplorer.setState({ seek, pause: vi.fn(), info: session.info, step });
  useEpcUsage.setState({ usage: session.epcUsage(), forInfo: session.info });
  return session;
}

/** Open the table twin (its rows are built only while it is open). */
function openTable() {
  const details = document.querySelector("details.usage-details") as HTMLDetailsElement;
  details.open = true;
  fireEvent(details, new Event("toggle"));
}

describe("EpcUsageChart", () => {
  afterEach(() => {
    cleanup();
    seek.mockClear();
    useExplorer.setState(initial, true);
    useEpcUsage.setState({ usage: null, forInfo: null });
  });

  it("draws the engine's counts as an image named EPC usage, with a table twin of every step", () => {
    const session = show("reclaim-reload", 2);
    render(<EpcUsageChart />);
    const chart = screen.getByRole("img", { name: "EPC usage" });
    expect(chart.querySelectorAll("path.usage-band")).toHaveLength(6);
    expect(screen.queryByRole("table", { name: "EPC usage table" })).toBeNull();
    openTable();
    const table = screen.getByRole("table", { name: "EPC usage table" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(session.info.steps.length + 2); // header + steps 0..n
    const header = within(rows[0])
      .getAllByRole("columnheader")
      .map((c) => c.textContent);
    expect(header).toEqual(["Step", "SECS", "TCS", "REG", "VA", "TRIM", "free", "evicted"]);
    // The reclaim step: only the VA page resident, 13 pages (12 + SECS) evicted.
    const at = session.scenario.steps.findIndex((s) => s.op === "reclaim") + 1;
    const cells = within(rows[at + 1])
      .getAllByRole("cell")
      .map((c) => c.textContent);
    expect(cells).toEqual(["0", "0", "0", "1", "0", String(session.info.machine.epcPages - 1), "13"]);
    expect(rows[3].getAttribute("aria-current")).toBe("step");
    expect(document.getElementById(chart.getAttribute("aria-describedby") ?? "")?.textContent).toContain(
      "up to 13 pages evicted",
    );
  });

  it("seeks from the table's step buttons", () => {
    show("reclaim-reload", 0);
    render(<EpcUsageChart />);
    openTable();
    fireEvent.click(screen.getByRole("button", { name: "Go to step 14" }));
    expect(seek).toHaveBeenCalledWith(14);
  });

  it("shows no usage of another run, and asks the engine for the loaded run's", async () => {
    const other = flowSession("augment");
    const session = show("reclaim-reload", 0);
    useEpcUsage.setState({ usage: other.epcUsage(), forInfo: other.info });
    epcUsage.mockResolvedValueOnce(session.epcUsage());
    render(<EpcUsageChart />);
    expect(screen.queryByRole("img", { name: "EPC usage" })).toBeNull();
    expect(screen.getByText("Counting EPC pages…")).toBeTruthy();
    expect(await screen.findByRole("img", { name: "EPC usage" })).toBeTruthy();
    expect(epcUsage).toHaveBeenCalledTimes(1);
    expect(useEpcUsage.getState().forInfo).toBe(session.info);
  });
});

describe("usage chart helpers", () => {
  it("samples long runs evenly, keeping the first and last step", () => {
    expect(sampleSteps(4, 10)).toEqual([0, 1, 2, 3, 4]);
    const s = sampleSteps(100_000, MAX_TABLE_ROWS);
    expect(s).toHaveLength(MAX_TABLE_ROWS);
    expect(s[0]).toBe(0);
    expect(s.at(-1)).toBe(100_000);
    expect(s.every((k, i) => i === 0 || k > s[i - 1])).toBe(true);
  });

  it("summarizes peak use and evictions", () => {
    const u = flowSession("augment").epcUsage();
    expect(usageSummary(u)).toMatch(
      /^128 EPC pages over \d+ steps; at most \d+ in use \(step \d+\); no page evicted\.$/,
    );
  });
});
