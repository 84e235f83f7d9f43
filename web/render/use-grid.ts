// React glue for a GridRenderer: creates it once the two canvases exist, keeps its layout in
// step with the component's, repaints on theme changes, and measures the available width.

import { type RefObject, useLayoutEffect, useMemo, useRef, useState } from "react";
import { watchTheme } from "./colors.ts";
import { type GridHooks, GridRenderer } from "./grid-renderer.ts";
import type { GridLayout } from "./layout.ts";
import { LOD_CELLS } from "./lod-types.ts";
import { canFill, fillWidth } from "./zoom.ts";

export interface GridCanvas {
  baseRef: RefObject<HTMLCanvasElement | null>;
  overlayRef: RefObject<HTMLCanvasElement | null>;
  /** The element the renderer scrolls into the page's view (see GridRenderer.marker). */
  markerRef: RefObject<HTMLDivElement | null>;
  renderer: RefObject<GridRenderer | null>;
  /** Whether the view is zoomed or panned away from the grid as laid out. */
  zoomed: boolean;
  /** Large grids (drawn as summary tiles): the overview strip and its text. */
  overviewRef: RefObject<HTMLCanvasElement | null>;
  overviewTextRef: RefObject<HTMLParagraphElement | null>;
  large: boolean;
}

export function useGridRenderer(layout: GridLayout, hooks: GridHooks): GridCanvas {
  const baseRef = useRef<HTMLCanvasElement | null>(null);
  const overlayRef = useRef<HTMLCanvasElement | null>(null);
  const markerRef = useRef<HTMLDivElement | null>(null);
  const overviewRef = useRef<HTMLCanvasElement | null>(null);
  const overviewTextRef = useRef<HTMLParagraphElement | null>(null);
  const renderer = useRef<GridRenderer | null>(null);
  const [zoomed, setZoomed] = useState(false);
  const hooksRef = useRef(hooks);
  const layoutRef = useRef(layout);
  hooksRef.current = hooks;
  layoutRef.current = layout;

  useLayoutEffect(() => {
    const base = baseRef.current;
    const overlay = overlayRef.current;
    if (!base || !overlay) return;
    const r = new GridRenderer(
      base,
      overlay,
      {
        paint: (out, p) => hooksRef.current.paint(out, p),
        detail: (ctx, cells, p) => hooksRef.current.detail?.(ctx, cells, p),
        axes: (ctx, l, t, p) => hooksRef.current.axes?.(ctx, l, t, p),
        lod: () => hooksRef.current.lod?.() ?? null,
        label: (cell) => hooksRef.current.label?.(cell) ?? String(cell),
        whole: hooksRef.current.whole,
      },
      layoutRef.current,
    );
    renderer.current = r;
    r.marker = markerRef.current;
    r.onZoomed = setZoomed;
    const unwatch = watchTheme(() => r.invalidateCells());
    r.invalidateCells();
    return () => {
      unwatch();
      r.destroy();
      renderer.current = null;
    };
  }, []);

  useLayoutEffect(() => {
    renderer.current?.setLayout(layout);
  }, [layout]);

  const large = hooks.lod !== undefined && layout.count >= LOD_CELLS;
  useLayoutEffect(() => {
    const r = renderer.current;
    if (!r) return;
    const canvas = overviewRef.current;
    const text = overviewTextRef.current;
    r.overview = large && canvas && text ? { canvas, text } : null;
    r.redraw();
  }, [large]);

  return { baseRef, overlayRef, markerRef, renderer, zoomed, overviewRef, overviewTextRef, large };
}

/** Fit's state: whether the cells fill the width, and whether that would make them bigger. */
export interface FitControl {
  fill: boolean;
  canFill: boolean;
  setFill: (fill: boolean) => void;
}

/** The largest a cell gets when Fit fills the width. */
const FILL_MAX_CELL = 200;

/**
 * The layout a grid shows: `compact` (everything fits within the grid's usual height), or, after
 * Fit, the same columns with cells filling the width, no taller than the window leaves room for.
 */
export function useFitLayout(compact: GridLayout): { layout: GridLayout; fit: FitControl } {
  const [fill, setFill] = useState(false);
  const filled = useMemo(() => {
    const room = typeof innerHeight === "number" ? innerHeight - 64 : 0;
    return fillWidth(compact, Math.max(compact.height, room), FILL_MAX_CELL);
  }, [compact]);
  const can = canFill(compact, filled);
  return { layout: fill && can ? filled : compact, fit: { fill: fill && can, canFill: can, setFill } };
}

/** The content width of an element, updated as it resizes (0 until measured). */
export function useWidth(ref: RefObject<HTMLElement | null>, fallback = 480): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const w = Math.floor(el.getBoundingClientRect().width);
      setWidth(w > 0 ? w : fallback);
    };
    measure();
    if (typeof ResizeObserver !== "function") return;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(measure);
    });
    observer.observe(el);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, [ref, fallback]);
  return width;
}

/** Remembers the previous value of `value` (null on the first render). */
export function usePrevious<T>(value: T): T | null {
  const ref = useRef<{ cur: T | null; prev: T | null }>({ cur: null, prev: null });
  if (ref.current.cur !== value) {
    ref.current.prev = ref.current.cur;
    ref.current.cur = value;
  }
  return ref.current.prev;
}
