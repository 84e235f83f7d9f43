// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { SHORTCUTS, useLegend } from "./keyboard.ts";
import { ShortcutLegend } from "./ShortcutLegend.tsx";

describe("ShortcutLegend", () => {
  afterEach(() => {
    cleanup();
    useLegend.setState({ open: false });
  });

  it("lists every shortcut when open and closes with Escape or Close", () => {
    render(<ShortcutLegend />);
    const dialog = document.querySelector("dialog") as HTMLDialogElement;
    expect(dialog.open).toBe(false);
    act(() => useLegend.getState().setOpen(true));
    expect(dialog.open).toBe(true);
    expect(screen.getByRole("heading", { name: "Keyboard shortcuts" })).toBeTruthy();
    for (const s of SHORTCUTS) expect(dialog.textContent).toContain(s.label);
    expect(dialog.textContent).toContain("Shift");
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(useLegend.getState().open).toBe(false);
    expect(dialog.open).toBe(false);
    act(() => useLegend.getState().setOpen(true));
    fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(useLegend.getState().open).toBe(false);
  });
});
