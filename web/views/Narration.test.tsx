// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CHANGES_SHOWN } from "../store/changes.ts";
import { useExplorer } from "../store/explorer.ts";
import { flowSession } from "./fixtures.ts";
import { Narration } from "./Narration.tsx";

const initial = useExplorer.getState();
const seek = vi.fn(async () => {});
const showMoreChanges = vi.fn(async () => {});

/** The store at a position, with "What changed" as the store asks the engine for it. */
function at(flow: string, step: number, event: number | null = null) {
  const s = flowSession(flow);
  useExplorer.setState({
    seek,
    pause: vi.fn(),
    showMoreChanges,
    info: s.info,
    step,
    event,
    view: s.view(step, event),
    changes: s.changes(step, event, event === null ? "step" : "event", CHANGES_SHOWN),
  });
}

describe("Narration", () => {
  afterEach(() => {
    cleanup();
    seek.mockClear();
    showMoreChanges.mockClear();
    useExplorer.setState(initial, true);
  });

  it("introduces the scenario before the first step", () => {
    at("augment", 0);
    render(<Narration />);
    expect(screen.getByRole("heading", { name: "augment: EAUG on a page fault" })).toBeTruthy();
    expect(screen.getByText(/Nothing has run yet/).textContent).toContain("ioctl SGX_IOC_ENCLAVE_CREATE");
  });

  it("tells the fault step: note, outcome, kernel functions, CPU leaves, and the page that changed", () => {
    at("augment", 12);
    render(<Narration />);
    const n = screen.getByRole("region", { name: "Narration" });
    expect(n.textContent).toContain("Step 12");
    expect(n.textContent).toContain("EENTER write 0xc000");
    expect(screen.getByText(/Write MAGIC to 0xc000 \(PUT_TO_ADDRESS\)/)).toBeTruthy();
    const user = screen.getByRole("region", { name: "User space" });
    expect(user.textContent).toContain("Called EENTER write 0xc000 with tcs=0x0 value=0x1122334455667788");
    expect(user.textContent).toContain(
      "Got back an exception from inside the enclave, as the vDSO reports it: ERESUME #PF 0x8007 (faulting offset 0xc000)",
    );
    const kernel = screen.getByRole("region", { name: "Kernel" });
    const fns = within(kernel)
      .getAllByRole("button")
      .map((b) => b.textContent);
    expect(fns).toEqual(["sgx_vma_fault() ×3", "sgx_encl_eaug_page()", "access_error()"]);
    const cpu = within(screen.getByRole("region", { name: "CPU" }))
      .getAllByRole("button")
      .map((b) => b.textContent);
    expect(cpu).toEqual([
      "EENTER #PF 0x4 (page tables)",
      "EENTER #PF 0x6 (page tables)",
      "EENTER → ok",
      "#PF 0x14 (page tables)",
      "AEX",
      "ERESUME → ok",
      "#PF 0x6 (page tables)",
      "AEX",
      "EAUG → ok",
      "ERESUME → ok",
      "#PF 0x8007 (EPCM)",
      "AEX",
    ]);
    const changes = screen.getByRole("region", { name: "What changed" });
    expect(changes.textContent).toContain("EPC 14");
    expect(changes.textContent).toContain("e0+0xc000");
    expect(changes.textContent).toContain("free");
    expect(changes.textContent).toContain("REG RW- PENDING");
  });

  it("shows EACCEPT's result and PENDING clearing", () => {
    at("augment", 13);
    render(<Narration />);
    expect(screen.getByRole("region", { name: "Narration" }).textContent).toContain("SGX_SUCCESS");
    const changes = screen.getByRole("region", { name: "What changed" });
    expect(changes.textContent).toMatch(/REG RW- PENDING\s*→\s*became\s*REG RW-/);
  });

  it("shows a read's value and an errno", () => {
    at("augment", 15);
    const { unmount } = render(<Narration />);
    expect(screen.getByRole("region", { name: "Narration" }).textContent).toContain(
      "value 0x1122334455667788",
    );
    expect(screen.getByText(/No EPCM entry changed/)).toBeTruthy();
    unmount();
    const steps = flowSession("refusals").info.steps;
    const eperm = steps.findIndex((s) => s.errno === "EPERM") + 1;
    at("refusals", eperm);
    render(<Narration />);
    expect(screen.getByRole("region", { name: "Narration" }).textContent).toContain("-1 EPERM");
  });

  it("inside a step, marks the current event and seeks on click", () => {
    const eaug = flowSession("augment").info.steps[11].events.findIndex((e) => e.leaf === "EAUG");
    at("augment", 12, eaug);
    render(<Narration />);
    expect(screen.getByText(`Event ${eaug + 1} of 20`)).toBeTruthy();
    const current = document.querySelector('[aria-current="step"]');
    expect(current?.textContent).toBe("EAUG → ok");
    expect(screen.getByText(/EAUG adds a zeroed page/, { selector: ".narration-current" })).toBeTruthy();
    const changes = screen.getByRole("region", { name: "What changed" });
    expect(changes.textContent).toContain("(this event)");
    expect(changes.textContent).toContain("REG RW- PENDING");
    fireEvent.click(within(screen.getByRole("region", { name: "Kernel" })).getAllByRole("button")[0]);
    expect(seek).toHaveBeenCalledWith(12, 2);
  });

  it("lists the first changes of a large step with their earlier state, and asks the store for more", () => {
    const long = flowSession("augment-via-eaccept-long");
    const k = long.info.steps.findIndex((st) => st.repeated !== undefined) + 1;
    at("augment-via-eaccept-long", k);
    render(<Narration />);
    const changes = screen.getByRole("region", { name: "What changed" });
    expect(within(changes).getAllByRole("listitem")).toHaveLength(CHANGES_SHOWN + 1);
    expect(changes.textContent).toContain("free");
    const total = long.changes(k).total;
    expect(total).toBeGreaterThan(CHANGES_SHOWN + 500);
    expect(changes.textContent).toContain(`and ${total - CHANGES_SHOWN} more EPC pages`);
    expect(changes.textContent).not.toContain("not recorded");
    fireEvent.click(within(changes).getByRole("button", { name: "Show 500 more" }));
    expect(showMoreChanges).toHaveBeenCalledTimes(1);
  });
});
