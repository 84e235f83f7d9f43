// The enclave view: the selected enclave's ELRANGE, one cell per 4 KiB page, coloured by EPCM
// page type (evicted pages hatched, unbacked holes empty), with R/W/X letters and flag badges,
// and on demand each page's VMA protection and PTE. Everything shown comes from the engine's
// StateView; the accessible twin of this canvas is the EPCM table.

import { useCallback, useId, useLayoutEffect, useMemo, useRef, useState } from "react";
import { hex, pageTypeLabel, permsText } from "../../engine/vocabulary/index.ts";
import type { EnclaveColumns, StateView } from "../../engine/vocabulary/view.ts";
import { paintEnclave } from "../render/bitmap.ts";
import {
  drawAxes,
  drawEnclaveCells,
  type EnclaveModel,
  enclaveColumnLabel,
  enclaveRowLabel,
} from "../render/cells.ts";
import { ENCLAVE_MAX_HEIGHT, enclaveLayout } from "../render/enclave-layout.ts";
import { GridCanvases, type TooltipState, ZoomButtons } from "../render/grid-ui.tsx";
import { cellRect } from "../render/layout.ts";
import {
  changedPages,
  EMPTY_TABLE,
  flagsText,
  indexOfEpc,
  isPrevious,
  NO_PAGES,
  type PageRow,
  type PageSet,
  pageTable,
  pteInfo,
  rowAt,
} from "../render/pages.ts";
import { useFitLayout, useGridRenderer, usePrevious, useWidth } from "../render/use-grid.ts";
import { useExplorer } from "../store/explorer.ts";
import { GridLegend } from "./GridLegend.tsx";
import "./grids.css";

const EMPTY_COLS: EnclaveColumns = {
  name: "",
  base: 0,
  size: 0,
  created: false,
  released: false,
  offset: new Float64Array(0),
  type: new Uint8Array(0),
  vmMaxProt: new Uint8Array(0),
  epc: new Int32Array(0),
  vaPage: new Int32Array(0),
  vaSlot: new Int32Array(0),
  pte: new Uint8Array(0),
  vmaProt: new Int8Array(0),
  vmas: [],
  secsEpc: -1,
};

function pteText(prot: number, pte: number): string {
  if (prot < 0) return "no VMA";
  const p = pte === 0 ? "no PTE" : pte === 3 ? "PTE present, accessed" : "PTE present";
  return `VMA ${permsText(prot)}, ${p}`;
}

/** Tooltip lines for an enclave page. */
export function enclaveTooltip(
  cols: EnclaveColumns,
  row: PageRow | undefined,
  index: number,
  showPte: boolean,
) {
  const offset = index * 4096;
  const lines: string[] = [];
  if (!row) lines.push("no page (unbacked)");
  else {
    lines.push(`${pageTypeLabel(row.type)}  ${row.evicted ? "evicted" : permsText(row.flags)}`);
    const f = flagsText(row.flags);
    if (f) lines.push(f);
    lines.push(row.evicted ? "not in the EPC (evicted)" : `EPC page ${row.epc}`);
  }
  if (showPte) {
    const info = pteInfo(cols, row, offset);
    lines.push(pteText(info.vmaProt, info.pte));
  }
  return { title: hex(offset), lines };
}

/** `maxHeight`: the tallest the canvas may be (embed mode fits it to the frame). */
export function EnclaveGrid({ maxHeight = ENCLAVE_MAX_HEIGHT }: { maxHeight?: number } = {}) {
  const view = useExplorer((s) => s.view);
  const enclaveIndex = useExplorer((s) => s.enclave);
  const names = useExplorer((s) => s.info?.enclaveNames);
  const selection = useExplorer((s) => s.selection);
  const showPte = useExplorer((s) => s.showPte);
  const select = useExplorer((s) => s.select);
  const selectEnclave = useExplorer((s) => s.selectEnclave);
  const setShowPte = useExplorer((s) => s.setShowPte);

  const boxRef = useRef<HTMLDivElement>(null);
  const width = useWidth(boxRef);
  const summaryId = useId();
  const pteId = useId();

  const enclaveCount = view?.enclaves.length ?? 0;
  const idx = Math.max(0, Math.min(enclaveIndex, enclaveCount - 1));
  const cols = view?.enclaves[idx] ?? EMPTY_COLS;
  const count = Math.ceil(cols.size / 4096);
  const table = view ? pageTable(view, idx) : EMPTY_TABLE;
  const prevView = usePrevious<StateView | null>(view);

  const compact = useMemo(() => enclaveLayout(count, width || 480, maxHeight), [count, width, maxHeight]);
  const { layout, fit } = useFitLayout(compact);

  const model = useRef<EnclaveModel>({ cols, table, showPte });
  model.current = { cols, table, showPte };
  /** The changed pages the grid marks (set with the renderer's, below): the tiles count them too. */
  const changedNow = useRef<PageSet>(NO_PAGES);

  const grid = useGridRenderer(layout, {
    paint: (out, p) => paintEnclave(out, count, model.current.table, p),
    detail: (ctx, cells, p) => drawEnclaveCells(ctx, cells, p, model.current),
    axes: (ctx, l, t, p) => drawAxes(ctx, l, t, p, enclaveRowLabel, enclaveColumnLabel),
    lod: () => {
      const m = model.current;
      const n = Math.ceil(m.cols.size / 4096);
      return { kind: "enclave", key: m.table, table: m.table, count: n, changed: changedNow.current.list };
    },
    label: enclaveRowLabel,
    whole: "ELRANGE",
  });

  // New state (or another enclave): repaint the cells and mark what changed.
  const lastIdx = useRef(-1);
  useLayoutEffect(() => {
    const r = grid.renderer.current;
    if (!r) return;
    const sameEnclave = lastIdx.current === idx;
    lastIdx.current = idx;
    r.invalidateCells();
    if (!view) {
      changedNow.current = NO_PAGES;
      return r.setChanged([], false);
    }
    const adjacent = sameEnclave && isPrevious(prevView, view);
    changedNow.current = changedPages(view, idx, adjacent ? prevView : null);
    r.setChanged(changedNow.current.list, adjacent);
  }, [view, idx, prevView, grid.renderer]);

  // Pages some CPU's TLB caches after this step (the engine's report, RunInfo.cpus).
  const info = useExplorer((s) => s.info);
  const step = useExplorer((s) => s.step);
  const threads = step >= 1 ? info?.cpus?.threads[step - 1] : undefined;
  const cachedKey = (threads ?? [])
    .flatMap((t) =>
      t.tlb.filter((e) => e.enclave === cols.name).map((e) => Number.parseInt(e.offset, 16) / 4096),
    )
    .sort((a, b) => a - b)
    .join(",");
  useLayoutEffect(() => {
    grid.renderer.current?.setCached(cachedKey === "" ? [] : [...new Set(cachedKey.split(",").map(Number))]);
  }, [cachedKey, grid.renderer]);

  // Selection: a page of this enclave, or the EPC page one of its pages occupies.
  let selectedIndex = -1;
  if (selection?.kind === "page" && selection.enclave === cols.name)
    selectedIndex = Math.floor(selection.offset / 4096);
  else if (selection?.kind === "epc") selectedIndex = indexOfEpc(table, selection.epc);
  useLayoutEffect(() => {
    const r = grid.renderer.current;
    if (!r) return;
    r.setSelected(selectedIndex);
    if (selectedIndex >= 0) r.reveal(selectedIndex);
  }, [selectedIndex, grid.renderer]);

  useLayoutEffect(() => {
    if (showPte !== undefined) grid.renderer.current?.redraw();
  }, [showPte, grid.renderer]);

  const [tip, setTip] = useState<TooltipState | null>(null);
  const hoverAt = useCallback(
    (i: number) => {
      const renderer = grid.renderer.current;
      if (!renderer) return;
      renderer.setHover(i);
      if (i < 0) return setTip(null);
      const [x, y, s] = cellRect(renderer.layout, renderer.transform, i);
      setTip((old) => (old?.i === i ? old : { i, x, y, s }));
    },
    [grid.renderer],
  );

  const point = (e: React.PointerEvent<HTMLCanvasElement> | React.MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return grid.renderer.current?.cellAtPoint(e.clientX - rect.left, e.clientY - rect.top) ?? -1;
  };

  const onClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const i = point(e);
    if (i >= 0 && cols.name) void select({ kind: "page", enclave: cols.name, offset: i * 4096 });
  };

  useLayoutEffect(() => {
    const r = grid.renderer.current;
    if (r) r.onTransform = () => hoverAt(-1);
  }, [grid.renderer, hoverAt]);

  const evicted = useMemo(() => table.epc.reduce((n, e) => n + (e < 0 ? 1 : 0), 0), [table]);
  const backed = table.n - evicted;
  const multi = (names?.length ?? 0) > 1;
  const tipContent = tip ? enclaveTooltip(cols, rowAt(table, tip.i), tip.i, showPte) : null;

  return (
    <section className="grid-panel" aria-labelledby={`${summaryId}-h`}>
      <div className="grid-head">
        <h2 id={`${summaryId}-h`} className="grid-title">
          Enclave view
        </h2>
        {multi && (
          <label className="grid-control">
            Enclave{" "}
            <select value={idx} onChange={(e) => selectEnclave(Number(e.target.value))}>
              {names?.map((n, i) => (
                <option key={n} value={i}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="grid-control grid-check" htmlFor={pteId}>
          <input
            id={pteId}
            type="checkbox"
            checked={showPte}
            onChange={(e) => setShowPte(e.target.checked)}
          />
          Show VMA/PTE
        </label>
        <ZoomButtons
          names={{ in: "Enlarge enclave pages", out: "Shrink enclave pages", reset: "Fit enclave pages" }}
          grid={grid}
          fit={fit}
        />
      </div>
      <p className="grid-summary" id={summaryId}>
        {!view
          ? "Nothing loaded yet."
          : cols.size === 0
            ? `${cols.name || "The enclave"} has no ELRANGE yet: SGX_IOC_ENCLAVE_CREATE (ECREATE) makes it.`
            : `${cols.name}: ELRANGE ${hex(cols.size)} bytes (${count.toLocaleString()} pages) · ${backed.toLocaleString()} of its pages in the EPC · ${evicted.toLocaleString()} evicted${cols.released ? " · released" : ""}`}
      </p>
      <GridCanvases
        boxRef={boxRef}
        baseRef={grid.baseRef}
        overlayRef={grid.overlayRef}
        markerRef={grid.markerRef}
        width={layout.width}
        height={layout.height}
        label="Enclave pages"
        describedBy={summaryId}
        onHover={(e) => hoverAt(e ? point(e) : -1)}
        onClick={onClick}
        tip={tip}
        tipContent={tipContent}
        overview={grid}
      />
      <GridLegend kind="enclave" showPte={showPte} cached={Boolean(info?.cpus)} />
    </section>
  );
}
