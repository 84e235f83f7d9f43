// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Selection, useExplorer } from "../store/explorer.ts";
import { flowSession } from "./fixtures.ts";
import { Inspector } from "./Inspector.tsx";

const initial = useExplorer.getState();
const select = vi.fn(async () => {});

function show(flow: string, step: number, selection: Selection) {
  const s = flowSession(flow);
  const detail =
    selection === null
      ? null
      : selection.kind === "page"
        ? s.pageDetail(step, selection.enclave, selection.offset)
        : s.epcDetail(step, selection.epc);
  useExplorer.setState({ select, info: s.info, step, event: null, selection, detail });
}

function section(name: string): string {
  return screen.getByRole("region", { name }).textContent ?? "";
}

describe("Inspector", () => {
  afterEach(() => {
    cleanup();
    select.mockClear();
    useExplorer.setState(initial, true);
  });

  it("asks for a click when nothing is selected", () => {
    show("augment", 3, null);
    render(<Inspector />);
    expect(screen.getByText(/Click a page in either grid/)).toBeTruthy();
  });

  it("shows the EAUGed page PENDING, its kernel record and its page tables", () => {
    show("augment", 12, { kind: "page", enclave: "e0", offset: 0xc000 });
    render(<Inspector />);
    expect(screen.getByRole("heading", { name: "Page e0+0xc000" })).toBeTruthy();
    const epcm = section("EPCM entry");
    expect(epcm).toMatch(/EPC page\s*14/);
    expect(epcm).toMatch(/Type\s*REG/);
    expect(epcm).toContain("RW-");
    expect(epcm).toMatch(/PENDING\s*PENDING set/);
    expect(epcm).toMatch(/MODIFIED\s*MODIFIED clear/);
    const kernel = section("Kernel record");
    expect(kernel).toContain("vm_max_prot_bits");
    expect(kernel).toContain("RWX");
    expect(kernel).toContain("resident in EPC page 14");
    const pt = section("Page tables");
    expect(pt).toContain("0xc000–0xd000");
    expect(pt).toContain("present");
    expect(section("Data")).toContain("All zero");
  });

  it("shows the data the enclave wrote", () => {
    show("augment", 14, { kind: "page", enclave: "e0", offset: 0xc000 });
    render(<Inspector />);
    expect(section("EPCM entry")).toMatch(/PENDING\s*PENDING clear/);
    expect(section("Data")).toContain("0x1122334455667788");
  });

  it("shows TCS and SECS fields", () => {
    show("augment", 12, { kind: "page", enclave: "e0", offset: 0 });
    const { unmount } = render(<Inspector />);
    const tcs = section("TCS fields");
    expect(tcs).toMatch(/OSSA\s*0x7000/);
    expect(tcs).toMatch(/OENTRY\s*0x23d3/);
    unmount();
    show("augment", 6, { kind: "epc", epc: 1 });
    render(<Inspector />);
    expect(screen.getByRole("heading", { name: "EPC page 1" })).toBeTruthy();
    expect(section("SECS fields")).toMatch(/SIZE\s*0x10000/);
    expect(section("SECS fields")).toContain("yes (EINIT done)");
  });

  it("says when no page backs an address, and clears the selection", () => {
    show("augment", 3, { kind: "page", enclave: "e0", offset: 0xe000 });
    render(<Inspector />);
    expect(section("EPCM entry")).toContain("no EPC page backs this address");
    expect(section("Kernel record")).toContain("no page at this offset");
    expect(section("Page tables")).toContain("Not mapped");
    fireEvent.click(screen.getByRole("button", { name: "Clear selection" }));
    expect(select).toHaveBeenCalledWith(null);
  });

  it("shows an evicted page's version slot", () => {
    const s = flowSession("reclaim-reload");
    let found: { step: number; offset: number; enclave: string } | undefined;
    for (let k = 1; k <= s.info.steps.length && !found; k++) {
      const v = s.view(k);
      for (const e of v.enclaves)
        for (let j = 0; j < e.epc.length; j++)
          if (e.epc[j] === -1 && !found) found = { step: k, offset: e.offset[j], enclave: e.name };
    }
    expect(found).toBeDefined();
    if (!found) return;
    show("reclaim-reload", found.step, { kind: "page", enclave: found.enclave, offset: found.offset });
    render(<Inspector />);
    expect(section("EPCM entry")).toContain("evicted");
    expect(section("Kernel record")).toMatch(/State\s*evicted/);
    expect(section("Kernel record")).toMatch(/VA page \d+, slot \d+/);
  });
});
