// @vitest-environment happy-dom
// Predict mode against the real engine (in-process): a right guess for augment's fault step,
// a wrong one for the EACCEPT after it, and the score.
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("../../engine/client.ts", async () => (await import("../../share/test-engine.ts")).testClient);

const { useExplorer } = await import("../../store/explorer.ts");
const { PredictPanel } = await import("./PredictPanel.tsx");
const { grade } = await import("./grade.ts");

describe("PredictPanel", () => {
  beforeEach(async () => {
    await useExplorer.getState().loadFlow("augment");
    await useExplorer.getState().seek(11);
  });
  afterEach(cleanup);

  it("marks a right guess for the faulting write, runs the step and shows the engine's reason", async () => {
    render(<PredictPanel />);
    await screen.findByText(/Step 12 of 16/);
    // The page has no EPC page yet: the form starts from that.
    expect((screen.getByLabelText(/Page type/) as HTMLSelectElement).value).toBe("none");
    fireEvent.click(screen.getByLabelText(/The enclave faults/));
    fireEvent.change(screen.getByLabelText("exception"), { target: { value: "#PF 0x8007" } });
    fireEvent.change(screen.getByLabelText(/Page type/), { target: { value: "REG" } });
    for (const bit of ["R", "W", "PENDING"]) fireEvent.click(screen.getByLabelText(bit, { exact: true }));
    fireEvent.click(screen.getByRole("button", { name: /Check and run step 12/ }));
    const feedback = await screen.findByRole("region", { name: "Feedback" });
    expect(feedback.textContent).toContain("Step 12: all right");
    expect(feedback.textContent).toContain("exception #PF 0x8007");
    expect(useExplorer.getState().step).toBe(12);
    expect(screen.getByRole("status").textContent).toBe("1 of 1 right.");
  });

  it("a wrong guess names the real outcome", async () => {
    render(<PredictPanel />);
    await screen.findByText(/Step 12 of 16/);
    fireEvent.click(screen.getByRole("button", { name: /Check and run step 12/ }));
    const feedback = await screen.findByRole("region", { name: "Feedback" });
    expect(feedback.textContent).toContain("not quite");
    const wrong = within(feedback)
      .getAllByRole("listitem")
      .filter((li) => li.className === "is-wrong");
    expect(wrong[0].textContent).toContain("you said success; the right answer is exception #PF 0x8007");
    expect(feedback.textContent).toMatch(/PENDING/);
    // The next question is about step 13, starting from the page as step 12 left it.
    await waitFor(() => expect(screen.getByText(/Step 13 of 16/)).toBeTruthy());
    expect((screen.getByLabelText("PENDING", { exact: true }) as HTMLInputElement).checked).toBe(true);
  });
});

describe("grade", () => {
  const outcome = {
    step: 3,
    result: { kind: "errno" as const, errno: "EPERM" },
    page: {
      enclave: "e0",
      offset: 0x5000,
      before: null,
      after: {
        epc: 9,
        enclave: "e0",
        offset: "0x5000",
        valid: true,
        type: "TRIM" as const,
        perms: "---",
        pending: false,
        modified: true,
        pr: false,
        blocked: false,
      },
    },
    reason: "",
  };
  it("marks each item", () => {
    const marks = grade(
      {
        result: "errno",
        errno: "EPERM",
        fault: "#GP",
        sgxCode: "SGX_NOT_TRACKED",
        page: { type: "TRIM", r: false, w: false, x: false, pending: false, modified: false, pr: false },
      },
      outcome,
    );
    expect(marks.map((m) => [m.item, m.right])).toEqual([
      ["What user space gets back", true],
      ["Page type after", true],
      ["Permissions after", true],
      ["PENDING", true],
      ["MODIFIED", false],
      ["PR", true],
    ]);
  });
});
