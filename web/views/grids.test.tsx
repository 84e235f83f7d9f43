// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from "vitest";
import type { RunInfo } from "../../engine/session/session.ts";
import { flushDraws } from "../render/scheduler.ts";
import { augmentAfterFault, enclave, makeView, R, V, W } from "../render/test-views.ts";
import { type ExplorerState, useExplorer } from "../store/explorer.ts";
import { EnclaveGrid, enclaveTooltip } from "./EnclaveGrid.tsx";
import { EpcGrid, epcTooltip } from "./EpcGrid.tsx";

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
  flushDraws();
  useExplorer.setState(initial, true);
});

describe("EnclaveGrid", () => {
  it("is a canvas named Enclave pages, described by a summary", () => {
    render(<EnclaveGrid />);
    const canvas = screen.getByRole("img", { name: "Enclave pages" });
    expect(canvas.tagName).toBe("CANVAS");
    const summary = document.getElementById(canvas.getAttribute("aria-describedby") ?? "");
    expect(summary?.textContent).toContain(
      "e0: ELRANGE 0x10000 bytes (16 pages) · 13 of its pages in the EPC · 0 evicted",
    );
    flushDraws();
  });

  it("selects the page under a click", () => {
    render(<EnclaveGrid />);
    const canvas = screen.getByRole("img", { name: "Enclave pages" });
    // happy-dom has no layout: the grid lays out for 480 px (4 columns of 84 px after a 57 px axis).
    const left = 57;
    fireEvent.click(canvas, { clientX: left + 5, clientY: 18 + 5 });
    expect(select).toHaveBeenLastCalledWith({ kind: "page", enclave: "e0", offset: 0 });
    fireEvent.click(canvas, { clientX: left + 84 * 3 + 5, clientY: 18 + 84 * 3 + 5 });
    expect(select).toHaveBeenLastCalledWith({ kind: "page", enclave: "e0", offset: 0xf000 });
    fireEvent.click(canvas, { clientX: 5, clientY: 5 }); // the axis: nothing
    expect(select).toHaveBeenCalledTimes(2);
  });

  it("toggles the VMA/PTE overlay in the store", () => {
    render(<EnclaveGrid />);
    const box = screen.getByRole("checkbox", { name: "Show VMA/PTE" });
    expect((box as HTMLInputElement).checked).toBe(false);
    fireEvent.click(box);
    expect(useExplorer.getState().showPte).toBe(true);
  });

  it("offers an Enclave picker only when there are several", () => {
    const { unmount } = render(<EnclaveGrid />);
    expect(screen.queryByRole("combobox", { name: "Enclave" })).toBeNull();
    unmount();
    const view = makeView({
      epcPages: 8,
      entries: [{ epc: 2, encl: 1, offset: 0x1000, pt: 2, flags: V | R | W }],
      enclaves: [enclave("e0", 0x8000, []), enclave("e1", 0x4000, [{ offset: 0x1000, type: 2, epc: 2 }])],
    });
    useExplorer.setState({ view, info: info(["e0", "e1"]) });
    render(<EnclaveGrid />);
    const picker = screen.getByRole("combobox", { name: "Enclave" });
    fireEvent.change(picker, { target: { value: "1" } });
    expect(useExplorer.getState().enclave).toBe(1);
    expect(screen.getByText(/e1: ELRANGE 0x4000 bytes \(4 pages\)/)).toBeTruthy();
  });

  it("says when the enclave has no ELRANGE yet", () => {
    useExplorer.setState({ view: makeView({ epcPages: 8, entries: [], enclaves: [enclave("e0", 0, [])] }) });
    render(<EnclaveGrid />);
    expect(screen.getByText(/e0 has no ELRANGE yet/)).toBeTruthy();
    expect(screen.getByRole("img", { name: "Enclave pages" })).toBeTruthy();
  });

  it("has zoom buttons that do not clash with the EPC view's", () => {
    render(
      <>
        <EnclaveGrid />
        <EpcGrid />
      </>,
    );
    expect(screen.getAllByRole("button", { name: "Zoom in" })).toHaveLength(1);
    expect(screen.getByRole("button", { name: "Enlarge enclave pages" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Fit enclave pages" })).toBeTruthy();
  });

  it("Fit lets the cells fill the width and back; Enlarge zooms; the tooltips say what Fit does", () => {
    render(<EnclaveGrid />);
    const canvas = screen.getByRole("img", { name: "Enclave pages" });
    const fit = screen.getByRole("button", { name: "Fit enclave pages" });
    expect(canvas.dataset.cell).toBe("84");
    expect(fit.getAttribute("title")).toBe("Fit enclave pages: fill the width");
    fireEvent.click(fit);
    expect(Number(canvas.dataset.cell)).toBeCloseTo((480 - 57 - 4) / 4, 6);
    expect(fit.getAttribute("title")).toBe("Fit enclave pages: back to the usual size");
    fireEvent.click(screen.getByRole("button", { name: "Shrink enclave pages" }));
    expect(canvas.dataset.cell).toBe("84");
    // The step changed 0xc000 (cell 12): Enlarge zooms in around it.
    fireEvent.click(screen.getByRole("button", { name: "Enlarge enclave pages" }));
    expect(canvas.dataset.k).toBe("2");
    expect(fit.getAttribute("title")).toBe("Fit enclave pages: show all pages");
    fireEvent.click(fit);
    expect(canvas.dataset.k).toBe("1");
    flushDraws();
  });

  it("describes a page in its tooltip", () => {
    const view = augmentAfterFault();
    const cols = view.enclaves[0];
    const row = {
      index: 12,
      offset: 0xc000,
      epc: 14,
      evicted: false,
      type: 2,
      flags: V | R | W | 8,
      kernel: 12,
    };
    expect(enclaveTooltip(cols, row, 12, false)).toEqual({
      title: "0xc000",
      lines: ["REG  RW-", "PENDING", "EPC page 14"],
    });
    expect(enclaveTooltip(cols, undefined, 13, true).lines).toEqual(["no page (unbacked)", "no VMA"]);
  });
});

describe("EpcGrid", () => {
  it("is a canvas named EPC pages with the counts", () => {
    render(<EpcGrid />);
    expect(screen.getByRole("img", { name: "EPC pages" }).tagName).toBe("CANVAS");
    for (const text of ["128 pages", "used 15", "SECS 1", "VA 1", "free 113"])
      expect(screen.getByText(text)).toBeTruthy();
    flushDraws();
  });

  it("selects the EPC page under a click", () => {
    render(<EpcGrid />);
    const canvas = screen.getByRole("img", { name: "EPC pages" });
    // 128 pages in 480 px: 16 columns; the axis is 35 px wide.
    fireEvent.click(canvas, { clientX: 35 + 2, clientY: 18 + 2 });
    expect(select).toHaveBeenLastCalledWith({ kind: "epc", epc: 0 });
  });

  it("describes an EPC page in its tooltip", () => {
    const view = augmentAfterFault();
    expect(epcTooltip(view, ["e0"], 14)).toEqual({
      title: "EPC page 14",
      lines: ["e0 0xc000", "REG  RW-", "PENDING"],
    });
    expect(epcTooltip(view, ["e0"], 1).lines[0]).toBe("SECS of e0");
    expect(epcTooltip(view, ["e0"], 0).lines[0]).toBe("VA page (version slots), kept by e0");
    expect(epcTooltip(view, ["e0"], 50)).toEqual({ title: "EPC page 50", lines: ["free"] });
  });
});
