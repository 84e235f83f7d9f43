// EPC usage over the run: for every step, the EPC's pages stacked by kind (SECS, TCS, REG, VA,
// TRIM, free) and, in a lane below, the enclave pages evicted to the backing store. The current
// step is marked; clicking the chart seeks there. The counts come from the engine
// (store/usage.ts); the table twin lists the same numbers, steps × kinds.
//
// Names used by tests and assistive technology: the chart is an image named "EPC usage"; its
// twin is the table "EPC usage table"; each row's step button is "Go to step k".
import { axisBottom } from "d3-axis";
import { type ScaleLinear, scaleLinear } from "d3-scale";
import { select } from "d3-selection";
import { area, curveStep, stack } from "d3-shape";
import { type PointerEvent, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useExplorer } from "../store/explorer.ts";
import { followEpcUsage, useEpcUsage } from "../store/usage.ts";
import {
  CHART_KINDS,
  type ChartKind,
  MAX_TABLE_ROWS,
  maxEvicted,
  sampleSteps,
  TABLE_COLUMNS,
  type UsageRow,
  usageRow,
  usageSummary,
} from "./usage-chart.ts";
import "./usage.css";

const PAD_X = 14;
const TOP = 6;
const MAIN_H = 96;
const GAP = 8;
const EVICT_H = 28;
const AXIS_Y = TOP + MAIN_H + GAP + EVICT_H + 2;
const HEIGHT = AXIS_Y + 22;

function useWidth(ref: React.RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(640);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const w = el.clientWidth;
      if (w > 0) setWidth(w);
    };
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

function Axis({ x, total }: { x: ScaleLinear<number, number>; total: number }) {
  const ref = useRef<SVGGElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const width = x.range()[1] - x.range()[0];
    const count = Math.max(2, Math.min(total, Math.floor(width / 70)));
    const ticks = x.ticks(count).filter((t) => Number.isInteger(t));
    select(ref.current)
      .call(
        axisBottom(x)
          .tickValues(ticks)
          .tickFormat((d) => Number(d).toLocaleString("en-US"))
          .tickSizeOuter(0),
      )
      .attr("aria-hidden", "true");
  }, [x, total]);
  return <g ref={ref} className="usage-axis" transform={`translate(0,${AXIS_Y})`} />;
}

const fmt = (n: number) => n.toLocaleString("en-US");

export function EpcUsageChart() {
  const info = useExplorer((s) => s.info);
  const step = useExplorer((s) => s.step);
  const seek = useExplorer((s) => s.seek);
  const usage = useEpcUsage((s) => (s.forInfo === info ? s.usage : null));
  const wrap = useRef<HTMLDivElement>(null);
  const width = useWidth(wrap);
  const [hover, setHover] = useState<number | null>(null);
  // The table's rows are only built while it is open (closed, its content is hidden from everyone).
  const [tableOpen, setTableOpen] = useState(false);
  const headingId = useId();
  const summaryId = useId();

  useEffect(() => followEpcUsage(), []);

  const total = usage ? usage.evicted.length - 1 : 0;
  const x = useMemo(
    () =>
      scaleLinear()
        .domain([0, Math.max(total, 1)])
        .range([PAD_X, Math.max(PAD_X + 10, width - PAD_X)]),
    [total, width],
  );
  const drawn = useMemo(() => {
    if (!usage) return null;
    // More steps than pixels: draw an evenly spread sample (two points per pixel at most).
    const steps = sampleSteps(total, Math.max(2, Math.floor(width * 2)));
    const rows = steps.map((k) => usageRow(usage, k));
    const y = scaleLinear()
      .domain([0, Math.max(usage.epcPages, 1)])
      .range([TOP + MAIN_H, TOP]);
    const layers = stack<UsageRow, ChartKind>().keys(CHART_KINDS)(rows);
    const band = area<[number, number] & { data: UsageRow }>()
      .x((d) => x(d.data.step))
      .y0((d) => y(d[0]))
      .y1((d) => y(d[1]))
      .curve(curveStep);
    const paths = layers.map((layer, i) => ({
      kind: CHART_KINDS[i],
      d: band(layer as unknown as Array<[number, number] & { data: UsageRow }>) ?? "",
    }));
    const peak = maxEvicted(usage);
    const ye = scaleLinear()
      .domain([0, Math.max(peak, 1)])
      .range([TOP + MAIN_H + GAP + EVICT_H, TOP + MAIN_H + GAP]);
    const evicted =
      area<UsageRow>()
        .x((d) => x(d.step))
        .y0(ye(0))
        .y1((d) => ye(d.evicted))
        .curve(curveStep)(rows) ?? "";
    return { paths, evicted, peak };
  }, [usage, total, width, x]);
  const tableSteps = useMemo(() => sampleSteps(total, MAX_TABLE_ROWS), [total]);

  if (!info || !usage || !drawn) {
    return (
      <section className="usage" aria-labelledby={headingId}>
        <h2 id={headingId} className="usage-title">
          EPC usage
        </h2>
        <div ref={wrap} className="usage-empty time-muted">
          {info ? "Counting EPC pages…" : "The EPC usage chart appears when a scenario has run."}
        </div>
      </section>
    );
  }

  const go = (k: number) => {
    const s = useExplorer.getState();
    if (s.playing) s.pause();
    void seek(k);
  };
  const stepAt = (clientX: number, target: Element) => {
    const box = target.getBoundingClientRect();
    return Math.max(0, Math.min(total, Math.round(x.invert(clientX - box.left))));
  };
  const shown = Math.min(step, total);
  const at = usageRow(usage, hover ?? shown);
  const cx = x(shown);

  return (
    <section className="usage" aria-labelledby={headingId}>
      <div className="usage-head">
        <h2 id={headingId} className="usage-title">
          EPC usage
        </h2>
        <p className="usage-readout" aria-hidden="true">
          Step {fmt(at.step)}:{" "}
          {[
            ...CHART_KINDS.filter((k) => k === "free" || at[k] > 0).map((k) => `${k} ${fmt(at[k])}`),
            `evicted ${fmt(at.evicted)}`,
          ].join(" · ")}
        </p>
      </div>
      <div ref={wrap} className="usage-canvas">
        <svg
          width={width}
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
          role="img"
          aria-label="EPC usage"
          aria-describedby={summaryId}
          onPointerMove={(e: PointerEvent<SVGSVGElement>) => setHover(stepAt(e.clientX, e.currentTarget))}
          onPointerLeave={() => setHover(null)}
          onPointerDown={(e: PointerEvent<SVGSVGElement>) => {
            if (e.button !== 0) return;
            go(stepAt(e.clientX, e.currentTarget));
          }}
        >
          {drawn.paths.map((p) => (
            <path key={p.kind} className={`usage-band usage-${p.kind}`} d={p.d} />
          ))}
          <rect
            className="usage-frame"
            x={PAD_X}
            y={TOP}
            width={Math.max(0, width - 2 * PAD_X)}
            height={MAIN_H}
          />
          <path className="usage-evicted" d={drawn.evicted} />
          <line
            className="usage-lane"
            x1={PAD_X}
            x2={width - PAD_X}
            y1={TOP + MAIN_H + GAP + EVICT_H}
            y2={TOP + MAIN_H + GAP + EVICT_H}
          />
          <text className="usage-lane-label" x={PAD_X + 4} y={TOP + MAIN_H + GAP + 10}>
            evicted (max {fmt(drawn.peak)})
          </text>
          {hover !== null && (
            <line className="usage-hover" x1={x(hover)} x2={x(hover)} y1={TOP} y2={AXIS_Y} />
          )}
          <Axis x={x} total={total} />
          <g className="usage-cursor" transform={`translate(${cx},0)`}>
            <line y1={TOP - 2} y2={AXIS_Y} />
          </g>
        </svg>
      </div>
      <p id={summaryId} className="sr-only">
        {usageSummary(usage)} Current step {fmt(shown)}: {fmt(at.free)} free, {fmt(at.evicted)} evicted.
      </p>
      <ul className="usage-legend" aria-label="EPC usage legend">
        {CHART_KINDS.map((k) => (
          <li key={k}>
            <span className={`usage-swatch usage-${k}`} aria-hidden="true" />
            {k}
          </li>
        ))}
        <li>
          <span className="usage-swatch usage-swatch-evicted" aria-hidden="true" />
          evicted (below)
        </li>
      </ul>
      <details className="usage-details" onToggle={(e) => setTableOpen(e.currentTarget.open)}>
        <summary>EPC usage as a table</summary>
        {tableOpen && (
          <>
            {tableSteps.length < total + 1 && (
              <p className="time-muted">
                {fmt(tableSteps.length)} of {fmt(total + 1)} steps listed, evenly spread.
              </p>
            )}
            <div className="usage-scroll">
              <table className="usage-table" aria-label="EPC usage table">
                <thead>
                  <tr>
                    <th scope="col">Step</th>
                    {TABLE_COLUMNS.map((c) => (
                      <th key={c} scope="col">
                        {c}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {tableSteps.map((k) => {
                    const r = usageRow(usage, k);
                    return (
                      <tr key={k} aria-current={k === shown ? "step" : undefined}>
                        <th scope="row">
                          <button
                            type="button"
                            className="usage-go"
                            aria-label={`Go to step ${k}`}
                            onClick={() => go(k)}
                          >
                            {fmt(k)}
                          </button>
                        </th>
                        {TABLE_COLUMNS.map((c) => (
                          <td key={c}>{fmt(r[c])}</td>
                        ))}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        )}
      </details>
    </section>
  );
}
