// The EPC view: the physical EPC, one cell per EPC page, coloured by the owning enclave (SECS and
// VA pages in their own colours with the owner as a ring, free pages plain), so memory pressure,
// eviction and reload can be watched. Zoom and pan draw only the visible cells; 65,536 pages
// stay fluid because the cells are a one-pixel-per-page bitmap drawn scaled.

import { useCallback, useId, useLayoutEffect, useMemo, useRef, useState } from "react";
import { E_VALID, hex, PT_SECS, PT_VA, pageTypeLabel, permsText } from "../../engine/vocabulary/index.ts";
import type { StateView } from "../../engine/vocabulary/view.ts";
import { paintEpc } from "../render/bitmap.ts";
import { AXIS_TOP, axisWidth, drawAxes, drawEpcCells, epcColumnLabel, epcRowLabel } from "../render/cells.ts";
import { palette } from "../render/colors.ts";
import { GridCanvases, type TooltipState, ZoomButtons } from "../render/grid-ui.tsx";
import { cellRect, chooseLayout, wideCols } from "../render/layout.ts";
import { epcCounts, flagsText, isPrevious } from "../render/pages.ts";
import { useFitLayout, useGridRenderer, useWidth } from "../render/use-grid.ts";
import { useExplorer } from "../store/explorer.ts";
import { GridLegend } from "./GridLegend.tsx";
import "./grids.css";

/** Tooltip lines for an EPC page. */
export function epcTooltip(view: StateView, names: readonly string[], i: number) {
  const { flags, pt, encl, offset } = view.epc;
  const f = flags[i];
  const title = `EPC page ${i}`;
  if (!(f & E_VALID)) return { title, lines: ["free"] };
  const owner = encl[i] >= 0 ? (names[encl[i]] ?? `enclave ${encl[i]}`) : "no enclave";
  const lines: string[] = [];
  if (pt[i] === PT_VA) lines.push(`VA page (version slots), kept by ${owner}`);
  else if (pt[i] === PT_SECS) lines.push(`SECS of ${owner}`);
  else lines.push(`${owner} ${offset[i] >= 0 ? hex(offset[i]) : ""}`.trim());
  lines.push(`${pageTypeLabel(pt[i])}  ${permsText(f)}`);
  const fl = flagsText(f);
  if (fl) lines.push(fl);
  return { title, lines };
}

/** `maxHeight`: the tallest the canvas may be (embed mode fits it to the frame). */
export function EpcGrid({ maxHeight = 440 }: { maxHeight?: number } = {}) {
  const view = useExplorer((s) => s.view);
  const names = useExplorer((s) => s.info?.enclaveNames) ?? [];
  const selection = useExplorer((s) => s.selection);
  const select = useExplorer((s) => s.select);

  const boxRef = useRef<HTMLDivElement>(null);
  const width = useWidth(boxRef);
  const summaryId = useId();
  const count = view?.epc.flags.length ?? 0;

  const compact = useMemo(
    () =>
      chooseLayout(count, width || 480, {
        left: axisWidth(String(Math.max(0, count - 1)).length),
        top: AXIS_TOP,
        maxHeight,
        maxCell: 56,
        maxCols: wideCols(count, 1024),
        minHeight: 56,
      }),
    [count, width, maxHeight],
  );
  const { layout, fit } = useFitLayout(compact);

  const viewRef = useRef(view);
  viewRef.current = view;
  const grid = useGridRenderer(layout, {
    paint: (out, p) => {
      const v = viewRef.current;
      if (v) paintEpc(out, v.epc, p);
    },
    detail: (ctx, cells, p) => {
      const v = viewRef.current;
      if (v) drawEpcCells(ctx, cells, p, v.epc);
    },
    axes: (ctx, l, t, p) => drawAxes(ctx, l, t, p, epcRowLabel, epcColumnLabel),
    lod: () => {
      const v = viewRef.current;
      return v
        ? { kind: "epc", key: v, epc: v.epc, changed: v.changed, owners: palette().enclaveColours }
        : null;
    },
    label: (cell) => cell.toLocaleString("en-US"),
    whole: "the EPC's pages",
  });

  const lastStep = useRef<{ step: number; event: number | null } | null>(null);
  useLayoutEffect(() => {
    const r = grid.renderer.current;
    if (!r) return;
    r.invalidateCells();
    if (!view) return r.setChanged([], false);
    const prev = lastStep.current;
    lastStep.current = { step: view.step, event: view.event };
    // Flash only when moving by one step or one event, not on a jump.
    r.setChanged(view.changed, isPrevious(prev, view));
  }, [view, grid.renderer]);

  // Selection: an EPC page, or the page of an enclave that lives in one.
  let selectedIndex = -1;
  if (selection?.kind === "epc") selectedIndex = selection.epc;
  else if (selection?.kind === "page" && view) {
    const e = names.indexOf(selection.enclave);
    const { encl, offset, flags } = view.epc;
    for (let i = 0; i < flags.length; i++)
      if (encl[i] === e && offset[i] === selection.offset && flags[i] & E_VALID) {
        selectedIndex = i;
        break;
      }
  }
  useLayoutEffect(() => {
    const r = grid.renderer.current;
    if (!r) return;
    r.setSelected(selectedIndex);
    if (selectedIndex >= 0) r.reveal(selectedIndex);
  }, [selectedIndex, grid.renderer]);

  const [tip, setTip] = useState<TooltipState | null>(null);
  const hoverAt = useCallback(
    (i: number) => {
      const renderer = grid.renderer.current;
      if (!renderer) return;
      renderer.setHover(i);
      if (i < 0) return setTip(null);
      const [x, y, s] = cellRect(renderer.layout, renderer.transform, i);
      setTip((old) => (old?.i === i && old.x === x && old.y === y ? old : { i, x, y, s }));
    },
    [grid.renderer],
  );
  useLayoutEffect(() => {
    const r = grid.renderer.current;
    if (r) r.onTransform = () => hoverAt(-1);
  }, [grid.renderer, hoverAt]);

  const point = (e: React.PointerEvent<HTMLCanvasElement> | React.MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return grid.renderer.current?.cellAtPoint(e.clientX - rect.left, e.clientY - rect.top) ?? -1;
  };
  const onClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const i = point(e);
    if (i >= 0) void select({ kind: "epc", epc: i });
  };

  const counts = useMemo(() => (view ? epcCounts(view) : null), [view]);
  const tipContent = tip && view ? epcTooltip(view, names, tip.i) : null;

  return (
    <section className="grid-panel" aria-labelledby={`${summaryId}-h`}>
      <div className="grid-head">
        <h2 id={`${summaryId}-h`} className="grid-title">
          EPC view
        </h2>
        <ZoomButtons names={{ in: "Zoom in", out: "Zoom out", reset: "Reset" }} grid={grid} fit={fit} />
      </div>
      <p className="grid-summary" id={summaryId}>
        {counts ? (
          <>
            <span>{counts.total.toLocaleString()} pages</span>
            <span>used {counts.used.toLocaleString()}</span>
            <span>SECS {counts.secs.toLocaleString()}</span>
            <span>VA {counts.va.toLocaleString()}</span>
            <span>free {counts.free.toLocaleString()}</span>
          </>
        ) : (
          "Nothing loaded yet."
        )}
      </p>
      <GridCanvases
        boxRef={boxRef}
        baseRef={grid.baseRef}
        overlayRef={grid.overlayRef}
        markerRef={grid.markerRef}
        width={layout.width}
        height={layout.height}
        label="EPC pages"
        describedBy={summaryId}
        onHover={(e) => hoverAt(e ? point(e) : -1)}
        onClick={onClick}
        tip={tip}
        tipContent={tipContent}
        overview={grid}
      />
      <GridLegend kind="epc" names={names} />
    </section>
  );
}
