// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from "vitest";
import type { RunInfo } from "../../engine/session/session.ts";
import { pageTable } from "../render/pages.ts";
import { augmentAfterFault, enclave, makeView, PENDING, R, V, W } from "../render/test-views.ts";
import { type ExplorerState, useExplorer } from "../store/explorer.ts";
import { EpcmTable, ROW_LIMIT, shownRows, tableRow } from "./EpcmTable.tsx";

function info(names: string[]): RunInfo {
  return { title: "t", machine: { epcPages: 128, sgx2: true }, enclaveNames: names, steps: [], unmet: [] };
}

const initial = useExplorer.getState();
let select: Mock<ExplorerState["select"]>;

beforeEach(() => {
  select = vi.fn<ExplorerState["select"]>(async () => {});
  useExplorer.setState(
    { ...initial, select, info: info(["e0"]), view: augmentAfterFault(), enclave: 0 },
    true,
  );
});

afterEach(() => {
  cleanup();
  useExplorer.setState(initial, true);
});

function bodyRows() {
  const table = screen.getByRole("table", { name: "EPCM" });
  return within(table).getAllByRole("row").slice(1);
}

function cells(row: HTMLElement) {
  return within(row)
    .getAllByRole("cell")
    .map((c) => c.textContent);
}

describe("EpcmTable", () => {
  it("has the columns Offset, Type, Perms, Flags, EPC", () => {
    render(<EpcmTable />);
    const table = screen.getByRole("table", { name: "EPCM" });
    const headers = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toEqual(["Offset", "Type", "Perms", "Flags", "EPC"]);
  });

  it("lists one row per page, the PENDING page as the engine reports it", () => {
    render(<EpcmTable />);
    const rows = bodyRows();
    expect(rows).toHaveLength(13);
    expect(cells(rows[0])).toEqual(["0x0", "TCS", "---", "", "2"]);
    expect(cells(rows[2])).toEqual(["0x2000", "REG", "R-X", "", "4"]);
    expect(cells(rows[12])).toEqual(["0xc000", "REG", "RW-", "PENDING", "14"]);
  });

  it("shows evicted pages with the kernel's type", () => {
    useExplorer.setState({
      view: makeView({
        epcPages: 8,
        entries: [{ epc: 3, encl: 0, offset: 0x1000, pt: 2, flags: V | R | W | PENDING }],
        enclaves: [
          enclave("e0", 0x4000, [
            { offset: 0x0, type: 1, epc: -1 },
            { offset: 0x1000, type: 2, epc: 3 },
          ]),
        ],
      }),
    });
    render(<EpcmTable />);
    const rows = bodyRows();
    expect(cells(rows[0])).toEqual(["0x0", "TCS", "---", "", "evicted"]);
    expect(cells(rows[1])).toEqual(["0x1000", "REG", "RW-", "PENDING", "3"]);
  });

  it("selects a page on click and with Enter, and moves with the arrow keys", () => {
    render(<EpcmTable />);
    const rows = bodyRows();
    fireEvent.click(rows[12]);
    expect(select).toHaveBeenLastCalledWith({ kind: "page", enclave: "e0", offset: 0xc000 });
    fireEvent.keyDown(rows[3], { key: "Enter" });
    expect(select).toHaveBeenLastCalledWith({ kind: "page", enclave: "e0", offset: 0x3000 });
    fireEvent.keyDown(rows[3], { key: "ArrowDown" });
    expect(select).toHaveBeenLastCalledWith({ kind: "page", enclave: "e0", offset: 0x4000 });
  });

  it("keeps Space from reaching the page's shortcuts", () => {
    render(<EpcmTable />);
    const outside = vi.fn();
    document.addEventListener("keydown", outside);
    fireEvent.keyDown(bodyRows()[1], { key: " " });
    document.removeEventListener("keydown", outside);
    expect(outside).not.toHaveBeenCalled();
    expect(select).toHaveBeenLastCalledWith({ kind: "page", enclave: "e0", offset: 0x1000 });
  });

  it("marks the selected page, also when it was selected in the EPC view", () => {
    useExplorer.setState({ selection: { kind: "epc", epc: 14 } });
    render(<EpcmTable />);
    const rows = bodyRows();
    expect(rows[12].getAttribute("aria-current")).toBe("true");
    expect(rows[12].tabIndex).toBe(0);
    expect(rows[0].tabIndex).toBe(-1);
  });

  it("shows the selected enclave's pages", () => {
    const view = makeView({
      epcPages: 8,
      entries: [
        { epc: 1, encl: 0, offset: 0x0, pt: 1, flags: V },
        { epc: 2, encl: 1, offset: 0x5000, pt: 2, flags: V | R },
      ],
      enclaves: [
        enclave("e0", 0x8000, [{ offset: 0, type: 1, epc: 1 }]),
        enclave("e1", 0x8000, [{ offset: 0x5000, type: 2, epc: 2 }]),
      ],
    });
    useExplorer.setState({ view, info: info(["e0", "e1"]), enclave: 1 });
    render(<EpcmTable />);
    expect(screen.getByRole("heading", { name: "EPCM entries of e1" })).toBeTruthy();
    expect(cells(bodyRows()[0])).toEqual(["0x5000", "REG", "R--", "", "2"]);
  });

  it("says so when nothing is loaded", () => {
    useExplorer.setState({ view: null, info: null });
    render(<EpcmTable />);
    expect(screen.getByText("Nothing loaded yet.")).toBeTruthy();
    expect(bodyRows()).toHaveLength(0);
  });
});

describe("long tables", () => {
  /** `pages` REG pages; `alternate`: every other one read-only, so no two rows form a range. */
  function bigView(pages: number, alternate = true) {
    const entries = [];
    const kernel = [];
    for (let i = 0; i < pages; i++) {
      entries.push({
        epc: i,
        encl: 0,
        offset: i * 4096,
        pt: 2,
        flags: alternate && i % 2 ? V | R : V | R | W,
      });
      kernel.push({ offset: i * 4096, type: 2, epc: i });
    }
    return makeView({ epcPages: pages, entries, enclaves: [enclave("e0", pages * 4096, kernel)] });
  }

  // Rendering a few hundred rows in happy-dom is slow on a busy machine.
  it("shows the first rows, the selected one, and all on request", { timeout: 30_000 }, () => {
    const view = bigView(ROW_LIMIT + 50);
    const t = pageTable(view, 0);
    expect(shownRows(t, ROW_LIMIT, null)).toHaveLength(ROW_LIMIT);
    expect(shownRows(t, ROW_LIMIT, ROW_LIMIT + 10).at(-1)?.offset).toBe(
      `0x${((ROW_LIMIT + 10) * 4096).toString(16)}`,
    );
    expect(shownRows(t, null, null)).toHaveLength(ROW_LIMIT + 50);

    useExplorer.setState({ view });
    render(<EpcmTable />);
    expect(bodyRows()).toHaveLength(ROW_LIMIT);
    fireEvent.click(
      screen.getByRole("button", { name: `Show all ${(ROW_LIMIT + 50).toLocaleString()} rows` }),
    );
    expect(bodyRows()).toHaveLength(ROW_LIMIT + 50);
  });

  it("shows a long run of pages that share an entry as one range row that expands, by click or Enter", () => {
    useExplorer.setState({ view: bigView(350, false) });
    render(<EpcmTable />);
    expect(bodyRows()).toHaveLength(1);
    expect(cells(bodyRows()[0])).toEqual(["0x0–0x15e000 ×350", "REG", "RW-", "", "0–349"]);
    const button = screen.getByRole("button", { name: "Expand the 350 pages 0x0–0x15e000" });
    expect(button.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(button);
    // The open range stays as a header; its 350 pages open into five ranges of 64 and the last 30 pages.
    expect(bodyRows()).toHaveLength(1 + 5 + 30);
    expect(cells(bodyRows()[1])[0]).toBe("0x0–0x40000 ×64");
    fireEvent.keyDown(bodyRows()[1], { key: "Enter" });
    expect(bodyRows()).toHaveLength(1 + 1 + 64 + 4 + 30);
    expect(cells(bodyRows()[2])).toEqual(["0x0", "REG", "RW-", "", "0"]);
    expect(
      screen.getByRole("button", { name: "Collapse the 64 pages 0x0–0x40000" }).getAttribute("aria-expanded"),
    ).toBe("true");
    fireEvent.click(screen.getByRole("button", { name: "Collapse the 350 pages 0x0–0x15e000" }));
    expect(bodyRows()).toHaveLength(1);
  });

  it("formats a row", () => {
    expect(
      tableRow({ index: 5, offset: 0x5000, epc: -1, evicted: true, type: 2, flags: 0, kernel: 0 }),
    ).toMatchObject({ offset: "0x5000", type: "REG", perms: "---", flags: "", epc: "evicted" });
  });
});
