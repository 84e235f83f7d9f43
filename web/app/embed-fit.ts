// Embed mode sizes its grids to the frame: the tallest a grid canvas may be is the height of its
// slot minus what the grid panel shows around the canvas (head, summary, legend). Measured, so it
// follows the frame as it is resized and the chrome as it wraps.
import { type RefObject, useLayoutEffect, useState } from "react";

/** Smallest canvas height the fit will ask for (a grid smaller than this is unreadable). */
export const MIN_FIT_HEIGHT = 96;

/** The canvas height that fits a grid panel inside `slot` (null until measured). */
export function useFitHeight(slot: RefObject<HTMLElement | null>): number | null {
  const [fit, setFit] = useState<number | null>(null);
  useLayoutEffect(() => {
    const el = slot.current;
    if (!el) return;
    const measure = () => {
      const panels = [...el.querySelectorAll<HTMLElement>(".grid-panel")];
      if (panels.length === 0) return;
      // The chrome of the tallest panel: everything but its canvas box.
      let chrome = 0;
      for (const p of panels) {
        const box = p.querySelector<HTMLElement>(".grid-box");
        chrome = Math.max(chrome, p.offsetHeight - (box?.offsetHeight ?? 0));
      }
      const next = Math.max(MIN_FIT_HEIGHT, Math.floor(el.clientHeight - chrome - 2));
      setFit((old) => (old !== null && Math.abs(old - next) <= 2 ? old : next));
    };
    measure();
    if (typeof ResizeObserver !== "function") return;
    // One measurement per frame however many of the observed boxes changed.
    let pending = 0;
    const observer = new ResizeObserver(() => {
      pending ||= requestAnimationFrame(() => {
        pending = 0;
        measure();
      });
    });
    for (const box of [el, ...el.querySelectorAll(".grid-panel")]) observer.observe(box);
    return () => {
      if (pending) cancelAnimationFrame(pending);
      observer.disconnect();
    };
  });
  return fit;
}

/**
 * The canvas height that keeps the grids in `slot` above the fold (presentation mode, where the
 * type is large): from the canvas's top to the bottom of the window, between `min` and `max`.
 * `max` (the grids' own cap) whenever `active` is false.
 */
export function useFoldHeight(
  slot: RefObject<HTMLElement | null>,
  active: boolean,
  max = 440,
  min = 200,
): number {
  const [height, setHeight] = useState(max);
  useLayoutEffect(() => {
    const el = slot.current;
    if (!el || !active) {
      setHeight(max);
      return;
    }
    const measure = () => {
      const box = el.querySelector<HTMLElement>(".grid-box");
      if (!box) return;
      const top = box.getBoundingClientRect().top + window.scrollY;
      const next = Math.max(min, Math.min(max, Math.floor(window.innerHeight - top - 12)));
      setHeight((old) => (Math.abs(old - next) <= 2 ? old : next));
    };
    measure();
    window.addEventListener("resize", measure);
    // What sits above the grids (stepper, timeline, CPU lanes) changes height as the run moves.
    const above = el.parentElement;
    const observer = typeof ResizeObserver === "function" && above ? new ResizeObserver(measure) : null;
    if (observer && above) for (const child of above.children) if (child !== el) observer.observe(child);
    return () => {
      window.removeEventListener("resize", measure);
      observer?.disconnect();
    };
  }, [slot, active, max, min]);
  return height;
}
