// Small pieces shared by the grid views: the zoom buttons and the hover tooltip.

import { type ReactNode, type RefObject, useId } from "react";
import type { FitControl, GridCanvas } from "./use-grid.ts";
import "./grid-ui.css";
import "./grid-overview.css";

export interface TooltipState {
  /** Cell index. */
  i: number;
  /** The cell's screen rectangle (CSS px, relative to the canvas). */
  x: number;
  y: number;
  s: number;
}

/** Where to put a tooltip of about `w`×`h` pixels next to a cell, inside a `width`×`height` box. */
export function tooltipPosition(tip: TooltipState, width: number, height: number, w = 210, h = 96) {
  let left = tip.x + tip.s + 8;
  if (left + w > width) left = Math.max(0, tip.x - w - 8);
  let top = tip.y;
  if (top + h > height) top = Math.max(0, height - h);
  return { left: Math.round(left), top: Math.round(Math.max(0, top)) };
}

export function GridTooltip(props: {
  tip: TooltipState;
  width: number;
  height: number;
  children: ReactNode;
}) {
  const pos = tooltipPosition(props.tip, props.width, props.height);
  return (
    <div className="grid-tooltip" aria-hidden="true" style={pos}>
      {props.children}
    </div>
  );
}

/**
 * Where the grid's view is in the whole range (large grids): a strip of everything, coloured by
 * what each part holds, with the shown part boxed, and the same in words (its text alternative;
 * the renderer writes both as the view moves).
 */
function GridOverview(props: Pick<GridCanvas, "overviewRef" | "overviewTextRef"> & { label: string }) {
  const textId = useId();
  return (
    <div className="grid-overview">
      <canvas
        ref={props.overviewRef}
        role="img"
        aria-label={`${props.label}: overview of the whole range`}
        aria-describedby={textId}
      />
      <p ref={props.overviewTextRef} id={textId} className="grid-overview-text" />
    </div>
  );
}

/**
 * A grid's two stacked canvases (cells below, hover/selection/changed above) with the tooltip.
 * The overlay carries the accessible name: it is the canvas users point at.
 */
export function GridCanvases(props: {
  boxRef: RefObject<HTMLDivElement | null>;
  baseRef: RefObject<HTMLCanvasElement | null>;
  overlayRef: RefObject<HTMLCanvasElement | null>;
  markerRef: RefObject<HTMLDivElement | null>;
  width: number;
  height: number;
  label: string;
  describedBy: string;
  onHover: (e: React.PointerEvent<HTMLCanvasElement> | null) => void;
  onClick: (e: React.MouseEvent<HTMLCanvasElement>) => void;
  tip: TooltipState | null;
  tipContent: { title: string; lines: string[] } | null;
  /** Large grids: the overview strip above the cells (GridCanvas's refs). */
  overview?: Pick<GridCanvas, "overviewRef" | "overviewTextRef" | "large">;
}) {
  const { tip, tipContent, overview } = props;
  return (
    <>
      {overview?.large && <GridOverview label={props.label} {...overview} />}
      <div className="grid-box" ref={props.boxRef} style={{ height: props.height }}>
        <canvas ref={props.baseRef} className="grid-canvas" />
        <canvas
          ref={props.overlayRef}
          className="grid-canvas grid-overlay"
          role="img"
          aria-label={props.label}
          aria-describedby={props.describedBy}
          onPointerMove={(e) => props.onHover(e)}
          onPointerLeave={() => props.onHover(null)}
          onClick={props.onClick}
        />
        <div ref={props.markerRef} className="grid-reveal" aria-hidden="true" />
        {tip && tipContent && (
          <GridTooltip tip={tip} width={props.width} height={props.height}>
            <strong>{tipContent.title}</strong>
            {tipContent.lines.map((l) => (
              <span key={l}>{l}</span>
            ))}
          </GridTooltip>
        )}
      </div>
    </>
  );
}

/** Magnifiers for Enlarge and Shrink; for Fit, a double arrow between two bars ("fit to width"). */
const ICONS = {
  in: "M10 4a6 6 0 1 0 3.7 10.7l5 5 1.4-1.4-5-5A6 6 0 0 0 10 4zm0 2a4 4 0 1 1 0 8 4 4 0 0 1 0-8zm-1 1.5v1.5H7.5v2H9v1.5h2V11h1.5V9H11V7.5z",
  out: "M10 4a6 6 0 1 0 3.7 10.7l5 5 1.4-1.4-5-5A6 6 0 0 0 10 4zm0 2a4 4 0 1 1 0 8 4 4 0 0 1 0-8zM7.5 9v2h5V9z",
  fit: "M3 4h2v16H3zm16 0h2v16h-2zM7 12l4-4v3h2V8l4 4-4 4v-3h-2v3z",
} as const;

function ZoomIcon({ kind }: { kind: keyof typeof ICONS }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={ICONS[kind]} fill="currentColor" />
    </svg>
  );
}

/** What Fit does next, for its tooltip. */
export function fitHint(zoomed: boolean, fit: FitControl): string {
  if (zoomed) return "show all pages";
  if (fit.fill) return "back to the usual size";
  if (fit.canFill) return "fill the width";
  return "all pages shown, filling the width";
}

/**
 * Enlarge and Shrink zoom around the pages this step changed (or the middle of the view when
 * none did); Fit shows all pages when zoomed, else lets the cells fill the width (and back).
 * Shrink at the usual zoom also undoes "fill the width". Wheel and pinch zoom around the pointer
 * (d3-zoom, in the renderer).
 */
export function ZoomButtons(props: {
  names: { in: string; out: string; reset: string };
  grid: GridCanvas;
  fit: FitControl;
}) {
  const { grid, fit, names } = props;
  const enlarge = () => grid.renderer.current?.zoomBy(2);
  const shrink = () => {
    const r = grid.renderer.current;
    if (r && !r.zoomed && fit.fill) fit.setFill(false);
    else r?.zoomBy(0.5);
  };
  const fitNow = () => {
    const r = grid.renderer.current;
    if (!r) return;
    if (r.zoomed) return r.resetZoom();
    if (fit.fill) return fit.setFill(false);
    if (!fit.canFill) return;
    r.revealNextLayout();
    fit.setFill(true);
  };
  const button = (kind: keyof typeof ICONS, name: string, title: string, onClick: () => void) => (
    <button type="button" className="grid-zoom-button" aria-label={name} title={title} onClick={onClick}>
      <ZoomIcon kind={kind} />
    </button>
  );
  return (
    <div className="grid-zoom">
      {button("in", names.in, `${names.in} (around the changed pages)`, enlarge)}
      {button("out", names.out, names.out, shrink)}
      {button("fit", names.reset, `${names.reset}: ${fitHint(grid.zoomed, fit)}`, fitNow)}
    </div>
  );
}
