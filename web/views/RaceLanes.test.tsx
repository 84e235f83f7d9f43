// @vitest-environment happy-dom
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { useExplorer } from "../store/explorer.ts";
import { flowSession } from "./fixtures.ts";
import { Narration } from "./Narration.tsx";

const initial = useExplorer.getState();

function at(flow: string, step: number) {
  const s = flowSession(flow);
  useExplorer.setState({ info: s.info, step, event: null, view: s.view(step, null), changes: null });
  return s;
}

describe("a race step's lanes in the narration", () => {
  afterEach(() => {
    cleanup();
    useExplorer.setState(initial, true);
  });

  it("shows one column per listed step and each boundary in the order the engine passed it", () => {
    const s = at("eaug-fault-race", 12);
    const st = s.info.steps[11];
    expect(st.schedule?.length).toBeGreaterThan(0);
    render(<Narration />);
    const table = screen.getByRole("table", { name: /Race: the lock boundaries/ });
    const headers = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toEqual([
      "#",
      ...(st.race ?? []).map((r) => `CPU ${r.cpu ?? 0}: access offset=0xc000 kind=read`),
    ]);
    const rows = within(table).getAllByRole("row").slice(1);
    // One row per boundary passed, the boundary in its step's column, then the outcomes.
    expect(rows).toHaveLength((st.schedule?.length ?? 0) + 1);
    (st.schedule ?? []).forEach((b, i) => {
      const cells = within(rows[i]).getAllByRole("cell");
      expect(cells[b.step].textContent).toBe(b.boundary);
      expect(cells.filter((c) => c.textContent !== "")).toHaveLength(1);
    });
    const got = within(rows[rows.length - 1])
      .getAllByRole("cell")
      .map((c) => c.textContent);
    // On v6.0 with order [0,1,0,1] the loser of the EAUG race gets SIGBUS.
    expect(got.some((t) => t?.includes("SIGBUS"))).toBe(true);
  });

  it("names the kernel bug a race left behind (the trace step's bugs), and only where there is one", () => {
    at("remove-fault-race", 14);
    const { unmount } = render(<Narration />);
    const note = screen.getByRole("note");
    expect(note.textContent).toMatch(
      /^Kernel bug: the PTE of e0\+0x5000 still maps EPC page \d+, but the enclave has no page there any more/,
    );
    unmount();
    at("remove-fault-race-fixed", 14);
    render(<Narration />);
    expect(screen.getByRole("table", { name: /Race:/ })).toBeTruthy();
    expect(screen.queryByRole("note")).toBeNull();
  });

  it("is absent from ordinary steps", () => {
    at("eaug-fault-race", 11);
    render(<Narration />);
    expect(screen.queryByRole("table", { name: /Race:/ })).toBeNull();
  });
});
