// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RunInfo } from "../../engine/worker.ts";
import { useExplorer } from "../store/explorer.ts";
import { flowSession, step } from "./fixtures.ts";
import { Timeline } from "./Timeline.tsx";

const initial = useExplorer.getState();
const seek = vi.fn(async () => {});

describe("Timeline", () => {
  afterEach(() => {
    cleanup();
    seek.mockClear();
    useExplorer.setState(initial, true);
  });

  it("marks the reported fault with an accessible label and seeks there on click", () => {
    useExplorer.setState({ seek, pause: vi.fn(), info: flowSession("augment").info, step: 0 });
    render(<Timeline />);
    const mark = screen.getByRole("button", { name: /#PF 0x8007 at offset 0xc000, reported to user space/ });
    expect(mark.querySelector("title")?.textContent).toContain("Step 12 (EENTER write 0xc000)");
    fireEvent.click(mark);
    expect(seek).toHaveBeenCalledWith(12);
    expect(screen.getByRole("list", { name: "Timeline marks" }).textContent).toContain("exception reported");
  });

  it("labels errno and SGX status codes", () => {
    useExplorer.setState({ seek, pause: vi.fn(), info: flowSession("emodpe").info, step: 0 });
    render(<Timeline />);
    expect(
      screen.getByRole("button", { name: /the enclave's leaf returned SGX_PAGE_ATTRIBUTES_MISMATCH/ }),
    ).toBeTruthy();
    cleanup();
    useExplorer.setState({ info: flowSession("epcm-permissions").info });
    render(<Timeline />);
    expect(screen.getByRole("button", { name: /returned -1 with errno EINVAL/ })).toBeTruthy();
  });

  it("jumps to the next and previous mark", () => {
    useExplorer.setState({ seek, pause: vi.fn(), info: flowSession("refusals").info, step: 12 });
    render(<Timeline />);
    fireEvent.click(screen.getByRole("button", { name: "Next mark" }));
    expect(seek).toHaveBeenLastCalledWith(13);
    fireEvent.click(screen.getByRole("button", { name: "Previous mark" }));
    expect(seek).toHaveBeenLastCalledWith(11);
  });

  it("draws 100,000 steps with a bounded number of marks", () => {
    const steps = [];
    for (let i = 0; i < 100_000; i++)
      steps.push(
        i % 7 === 0
          ? step({
              index: i,
              op: { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_ADD_PAGES" },
              ret: -1,
              errno: "EINVAL",
            })
          : step({ index: i, op: { op: "EENTER", call: "nop" } }),
      );
    const info: RunInfo = {
      title: "big",
      machine: { epcPages: 128, sgx2: true },
      enclaveNames: ["e0"],
      steps,
      unmet: [],
    };
    useExplorer.setState({ seek, pause: vi.fn(), info, step: 50_000 });
    const t0 = performance.now();
    const { container } = render(<Timeline />);
    const elapsed = performance.now() - t0;
    const marks = container.querySelectorAll(".timeline-mark");
    expect(marks.length).toBeGreaterThan(10);
    expect(marks.length).toBeLessThan(200);
    expect(marks[0].getAttribute("aria-label")).toMatch(/^Steps 1–\d+: \d+ marks: EINVAL ×\d+/);
    expect(elapsed).toBeLessThan(2000);
    expect(container.querySelector("svg")?.getAttribute("aria-label")).toBe(
      "Timeline of 100,000 steps, 14286 marked",
    );
  });

  it("waits for a run", () => {
    render(<Timeline />);
    expect(screen.getByText(/The timeline appears when a scenario has run/)).toBeTruthy();
  });
});
