// @vitest-environment happy-dom
// The copy feedback shared by "Copy link" and "Export": the clipboard when there is one, else the
// text in a selected field; Escape closes it and gives the focus back to the button.
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useRef } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useCopyFeedback } from "./use-copy-feedback.ts";

const onClose = vi.fn();

function Harness() {
  const buttonRef = useRef<HTMLButtonElement>(null);
  const { shown, fieldRef, onKeyDown, copy } = useCopyFeedback<HTMLInputElement>(buttonRef, onClose);
  return (
    <div>
      <button
        type="button"
        ref={buttonRef}
        onClick={() => void copy("link", "https://x/?flow=a", "Link copied")}
      >
        Copy
      </button>
      <span role="status">{shown?.kind === "done" && shown.message}</span>
      {shown?.kind === "manual" && (
        <input
          aria-label={`copy the ${shown.what}`}
          ref={fieldRef}
          readOnly
          value={shown.text}
          onKeyDown={onKeyDown}
        />
      )}
    </div>
  );
}

function setClipboard(clipboard: unknown): void {
  Object.defineProperty(navigator, "clipboard", { value: clipboard, configurable: true });
}

describe("useCopyFeedback", () => {
  afterEach(() => {
    cleanup();
    onClose.mockClear();
    vi.useRealTimers();
  });

  it("copies to the clipboard and says so, then the message goes away", async () => {
    vi.useFakeTimers();
    const writeText = vi.fn(async () => {});
    setClipboard({ writeText });
    render(<Harness />);
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Copy" })));
    expect(writeText).toHaveBeenCalledWith("https://x/?flow=a");
    expect(screen.getByRole("status").textContent).toBe("Link copied");
    act(() => vi.advanceTimersByTime(2600));
    expect(screen.getByRole("status").textContent).toBe("");
  });

  it("without a clipboard shows the text selected; Escape closes it and refocuses the button", async () => {
    setClipboard(undefined);
    render(<Harness />);
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Copy" })));
    const field = screen.getByLabelText("copy the link") as HTMLInputElement;
    expect(field.value).toBe("https://x/?flow=a");
    expect(field.selectionStart).toBe(0);
    expect(field.selectionEnd).toBe(field.value.length);
    fireEvent.keyDown(field, { key: "Escape" });
    expect(screen.queryByLabelText("copy the link")).toBeNull();
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Copy" }));
  });

  it("a refused clipboard falls back to the field too", async () => {
    setClipboard({ writeText: vi.fn(async () => Promise.reject(new Error("denied"))) });
    render(<Harness />);
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Copy" })));
    expect(screen.getByLabelText("copy the link")).toBeTruthy();
    expect(screen.getByRole("status").textContent).toBe("");
  });
});
