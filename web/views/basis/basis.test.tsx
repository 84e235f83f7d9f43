// @vitest-environment happy-dom
// The basis marks on events, tour stops and glossary entries, and the inferred-statement control.
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useBasisView } from "../../store/basis-view.ts";
import { useExplorer } from "../../store/explorer.ts";
import { glossaryEntry } from "../../tours/glossary.ts";
import { EventsLog } from "../EventsLog.tsx";
import { flowSession } from "../fixtures.ts";
import { GlossaryCard } from "../tour/Glossary.tsx";
import { basisDescription } from "./BasisMark.tsx";

const initial = useExplorer.getState();

function atAugment(step: number) {
  useExplorer.setState({
    seek: vi.fn(async () => {}),
    pause: vi.fn(),
    info: flowSession("augment").info,
    step,
    event: null,
  });
}

describe("basis marks", () => {
  afterEach(() => {
    cleanup();
    useExplorer.setState(initial, true);
    useBasisView.setState({ inferred: "all" });
  });

  it("every event shows its basis in a tooltip and in its accessible text", () => {
    atAugment(12);
    render(<EventsLog />);
    const events = flowSession("augment").info.steps[11].events;
    const items = within(screen.getByRole("log", { name: "Events" })).getAllByRole("listitem");
    expect(items).toHaveLength(events.length);
    items.forEach((li, i) => {
      const mark = li.querySelector(".basis-mark");
      const want = basisDescription(events[i].basis, events[i].basis_ref);
      expect(mark?.getAttribute("title")).toBe(want);
      expect(li.textContent).toContain(want);
    });
    const model = items.filter((li) => li.querySelector('[data-basis="model"]'));
    expect(model.length).toBe(events.filter((e) => e.basis === "model").length);
    expect(model.length).toBeGreaterThan(0);
    expect(model[0].textContent).toContain("inferred by the model");
    expect(model[0].textContent).toContain("engine/MODEL.md: ");
    const hw = items.find((li) => li.querySelector('[data-basis="hardware"]'));
    expect(hw?.textContent).toContain("observed on real hardware");
  });

  it("highlights the inferred events, or shows them alone", () => {
    atAugment(12);
    render(<EventsLog />);
    const log = screen.getByRole("log", { name: "Events" });
    const all = within(log).getAllByRole("listitem").length;
    const select = screen.getByLabelText("Inferred statements");
    fireEvent.change(select, { target: { value: "highlight" } });
    const items = within(log).getAllByRole("listitem");
    expect(items).toHaveLength(all);
    for (const li of items)
      expect(li.classList.contains("is-inferred")).toBe(li.querySelector('[data-basis="model"]') !== null);
    fireEvent.change(select, { target: { value: "only" } });
    const only = within(log).getAllByRole("listitem");
    expect(only.length).toBeLessThan(all);
    for (const li of only) expect(li.querySelector(".basis-mark")?.getAttribute("data-basis")).toBe("model");
  });

  it("says so when a step has no inferred event", () => {
    atAugment(1);
    useBasisView.setState({ inferred: "only" });
    render(<EventsLog />);
    expect(screen.getByRole("log", { name: "Events" }).textContent).toContain(
      "No event of this step is the model's inference",
    );
  });

  it("a glossary entry shows its basis", () => {
    const entry = glossaryEntry("EWB");
    if (!entry) throw new Error("no EWB entry");
    render(<GlossaryCard entry={entry} onClose={() => {}} />);
    const card = screen.getByRole("region", { name: "Glossary: EWB" });
    expect(card.textContent).toContain(basisDescription("kernel"));
  });

  it("an inferred glossary entry or stop is highlighted when asked, with its MODEL.md entry", () => {
    const inferred = {
      term: "Example",
      short: "A statement the sources do not make.",
      long: "Inferred.",
      source: "engine/MODEL.md",
      basis: "model" as const,
      basis_ref: "engine/MODEL.md: Instruction fetches",
    };
    render(<GlossaryCard entry={inferred} onClose={() => {}} />);
    const card = screen.getByRole("region", { name: "Glossary: Example" });
    expect(card.classList.contains("is-inferred")).toBe(false);
    expect(card.textContent).toContain("see engine/MODEL.md: Instruction fetches");
    act(() => useBasisView.getState().setInferred("highlight"));
    expect(card.classList.contains("is-inferred")).toBe(true);
  });
});
