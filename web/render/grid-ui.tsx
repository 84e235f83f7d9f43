// Small pieces shared by the grid views: the zoom buttons and the hover tooltip.

import type { ReactNode, RefObject } from "react";
import type { GridRenderer } from "./grid-renderer.ts";

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
 * A grid's two stacked canvases (cells below, hover/selection/changed above) with the tooltip.
 * The overlay carries the accessible name: it is the canvas users point at.
 */
export function GridCanvases(props: {
  boxRef: RefObject<HTMLDivElement | null>;
  baseRef: RefObject<HTMLCanvasElement | null>;
  overlayRef: RefObject<HTMLCanvasElement | null>;
  width: number;
  height: number;
  label: string;
  describedBy: string;
  onHover: (e: React.PointerEvent<HTMLCanvasElement> | null) => void;
  onClick: (e: React.MouseEvent<HTMLCanvasElement>) => void;
  tip: TooltipState | null;
  tipContent: { title: string; lines: string[] } | null;
}) {
  const { tip, tipContent } = props;
  return (
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
      {tip && tipContent && (
        <GridTooltip tip={tip} width={props.width} height={props.height}>
          <strong>{tipContent.title}</strong>
          {tipContent.lines.map((l) => (
            <span key={l}>{l}</span>
          ))}
        </GridTooltip>
      )}
    </div>
  );
}

function ZoomIcon({ kind }: { kind: "in" | "out" | "reset" }) {
  const d =
    kind === "in"
      ? "M10 4a6 6 0 1 0 3.7 10.7l5 5 1.4-1.4-5-5A6 6 0 0 0 10 4zm0 2a4 4 0 1 1 0 8 4 4 0 0 1 0-8zm-1 1.5v1.5H7.5v2H9v1.5h2V11h1.5V9H11V7.5z"
      : kind === "out"
        ? "M10 4a6 6 0 1 0 3.7 10.7l5 5 1.4-1.4-5-5A6 6 0 0 0 10 4zm0 2a4 4 0 1 1 0 8 4 4 0 0 1 0-8zM7.5 9v2h5V9z"
        : "M4 4h6v2H6v4H4zm10 0h6v6h-2V6h-4zM4 14h2v4h4v2H4zm14 0h2v6h-6v-2h4z";
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={d} fill="currentColor" />
    </svg>
  );
}

export function ZoomButtons(props: {
  names: { in: string; out: string; reset: string };
  renderer: RefObject<GridRenderer | null>;
}) {
  return (
    <div className="grid-zoom">
      <button
        type="button"
        className="grid-zoom-button"
        aria-label={props.names.in}
        title={props.names.in}
        onClick={() => props.renderer.current?.zoomBy(2)}
      >
        <ZoomIcon kind="in" />
      </button>
      <button
        type="button"
        className="grid-zoom-button"
        aria-label={props.names.out}
        title={props.names.out}
        onClick={() => props.renderer.current?.zoomBy(0.5)}
      >
        <ZoomIcon kind="out" />
      </button>
      <button
        type="button"
        className="grid-zoom-button"
        aria-label={props.names.reset}
        title={props.names.reset}
        onClick={() => props.renderer.current?.resetZoom()}
      >
        <ZoomIcon kind="reset" />
      </button>
    </div>
  );
}
