// The timeline: every step of the run on one axis, with marks where something stood out
// (exceptions reported to user space, errno, SGX status codes, unmet expectations, faults taken
// inside a step). Clicking the axis or a mark seeks there. Dense runs (up to 100,000 steps and
// more) are binned so only a few hundred marks are drawn.
import { axisBottom } from "d3-axis";
import { type ScaleLinear, scaleLinear } from "d3-scale";
import { select } from "d3-selection";
import {
  type KeyboardEvent,
  type PointerEvent,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { useExplorer } from "../store/explorer.ts";
import { usePanels } from "../store/panels.ts";
import {
  binMarkers,
  buildMarkers,
  isMajor,
  MARKER_NAMES,
  MARKER_SEVERITY,
  type MarkerBin,
  type MarkerKind,
  markerLabel,
} from "./format/markers.ts";
import { opSummary } from "./format/ops.ts";
import "./time.css";
import "./oops.css";

const HEIGHT = 88;
const PAD_X = 14;
const LANE_MAJOR = 18; // centre of the upper lane (exceptions, errors)
const LANE_FAULT = 40; // centre of the lower lane (faults inside steps)
const TRACK_Y = 54;
const AXIS_Y = 60;

/** The mark's shape, centred on (0, 0). Colour and shape both tell the kind. */
export function MarkerShape({ kind, size = 6 }: { kind: MarkerKind; size?: number }) {
  const s = size;
  switch (kind) {
    case "exception":
      return <circle className={`mark mark-${kind}`} r={s} />;
    case "errno":
      return <rect className={`mark mark-${kind}`} x={-s} y={-s} width={2 * s} height={2 * s} />;
    case "status":
      return (
        <path
          className={`mark mark-${kind}`}
          d={`M0 ${-s * 1.25}L${s * 1.25} 0L0 ${s * 1.25}L${-s * 1.25} 0Z`}
        />
      );
    case "oops":
      return <path className={`mark mark-${kind}`} d={`M${-s} ${-s}L${s} ${s}M${s} ${-s}L${-s} ${s}`} />;
    case "unmet":
      return (
        <path className={`mark mark-${kind}`} d={`M0 ${-s * 1.2}L${s * 1.15} ${s}L${-s * 1.15} ${s}Z`} />
      );
    default:
      return <rect className={`mark mark-${kind}`} x={-1.5} y={-s} width={3} height={2 * s} />;
  }
}

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
  return <g ref={ref} className="timeline-axis" transform={`translate(0,${AXIS_Y})`} />;
}

function Mark({
  bin,
  x,
  y,
  current,
  onSeek,
  room = 0,
}: {
  bin: MarkerBin;
  x: number;
  y: number;
  current: boolean;
  onSeek: (step: number) => void;
  /** Pixels free to the right of the mark: its short label is drawn when it fits. */
  room?: number;
}) {
  const major = isMajor(bin.kind);
  const label = bin.label;
  const labelWidth = bin.short.length * 7.2;
  const showLabel = major && bin.count === 1 && labelWidth + 14 < room;
  const activate = () => onSeek(bin.target);
  return (
    // biome-ignore lint/a11y/useSemanticElements: an SVG mark cannot be an HTML <button>
    <g
      className={`timeline-mark${current ? " is-current" : ""}${major ? "" : " is-minor"}`}
      transform={`translate(${x},${y})`}
      role="button"
      tabIndex={major ? 0 : -1}
      aria-label={label}
      onClick={(e) => {
        e.stopPropagation();
        activate();
      }}
      onPointerDown={(e) => e.stopPropagation()}
      onKeyDown={(e: KeyboardEvent) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          activate();
        }
      }}
    >
      <title>{label}</title>
      {/* A larger invisible target makes small marks (and their labels) easy to hit. */}
      <rect className="mark-hit" x={-8} y={-10} width={showLabel ? 18 + labelWidth : 16} height={20} />
      <MarkerShape kind={bin.kind} size={major ? 7 : 6} />
      {showLabel && (
        <text className="mark-label" x={10} y={4}>
          {bin.short}
        </text>
      )}
      {major && bin.count > 1 && (
        <text className="mark-count" x={9} y={-3}>
          ×{bin.count}
        </text>
      )}
    </g>
  );
}

export function Timeline() {
  const info = useExplorer((s) => s.info);
  const step = useExplorer((s) => s.step);
  const seek = useExplorer((s) => s.seek);
  const wrap = useRef<HTMLDivElement>(null);
  const width = useWidth(wrap);
  const [hover, setHover] = useState<number | null>(null);

  const steps = info?.steps;
  const total = steps?.length ?? 0;
  // In Predict mode the marks of the step being predicted and later ones would give the answer
  // away ("#PF 0x8007" on the very step asked about): only steps already run keep their marks.
  const predicting = usePanels((s) => s.tab === "predict");
  const hideFrom = predicting ? step + 1 : Number.POSITIVE_INFINITY;
  const allMarkers = useMemo(() => (steps ? buildMarkers(steps) : []), [steps]);
  const markers = useMemo(() => allMarkers.filter((m) => m.step < hideFrom), [allMarkers, hideFrom]);
  const x = useMemo(
    () =>
      scaleLinear()
        .domain([0, Math.max(total, 1)])
        .range([PAD_X, Math.max(PAD_X + 10, width - PAD_X)]),
    [total, width],
  );
  const major = useMemo(() => markers.filter((m) => isMajor(m.kind)), [markers]);
  const majorBins = useMemo(() => binMarkers(major, x, 14, steps), [major, x, steps]);
  const faultBins = useMemo(
    () =>
      binMarkers(
        markers.filter((m) => !isMajor(m.kind)),
        x,
        5,
        steps,
      ),
    [markers, x, steps],
  );
  // The legend lists the run's kinds of marks (not which step has them), also while predicting,
  // so it does not appear or change height as steps run.
  const kinds = useMemo(() => new Set(allMarkers.map((m) => m.kind)), [allMarkers]);

  if (!info || !steps) {
    return (
      <section className="timeline" aria-label="Timeline">
        <div ref={wrap} className="timeline-empty time-muted">
          The timeline appears when a scenario has run.
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
    const k = Math.round(x.invert(clientX - box.left));
    return Math.max(0, Math.min(total, k));
  };
  // Markers are sorted by step: the first one after the current step, and the one before it.
  let lo = 0;
  let hi = major.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (major[mid].step <= step) lo = mid + 1;
    else hi = mid;
  }
  const nextMark = major[lo];
  let before = lo - 1;
  while (before >= 0 && major[before].step >= step) before--;
  const prevMark = before >= 0 ? major[before] : undefined;
  const hovered = hover !== null && hover >= 1 ? steps[hover - 1] : undefined;
  const cx = x(step);

  return (
    <section className="timeline" aria-label="Timeline">
      <div className="timeline-head">
        <h2 className="timeline-title">Timeline</h2>
        <p className="timeline-readout" aria-hidden="true">
          {hover !== null ? (
            <>
              Step {hover.toLocaleString("en-US")}
              {hovered && (
                <>
                  {" · "}
                  <code>{opSummary(hovered.op)}</code>
                </>
              )}
            </>
          ) : (
            <span className="time-muted">
              {predicting && hideFrom <= total
                ? `Marks from step ${hideFrom} on are hidden while you predict`
                : "Click a step or a mark to go there"}
            </span>
          )}
        </p>
        <div className="timeline-nav">
          <button
            type="button"
            className="stepper-text-button"
            disabled={!prevMark}
            onClick={() => prevMark && go(prevMark.step)}
            title={prevMark ? markerLabel(prevMark, steps) : "No earlier mark"}
          >
            Previous mark
          </button>
          <button
            type="button"
            className="stepper-text-button"
            disabled={!nextMark}
            onClick={() => nextMark && go(nextMark.step)}
            title={nextMark ? markerLabel(nextMark, steps) : "No later mark"}
          >
            Next mark
          </button>
        </div>
      </div>
      <div ref={wrap} className="timeline-canvas">
        {/* biome-ignore lint/a11y/useSemanticElements: an SVG holding focusable marks is a group, not a form */}
        <svg
          width={width}
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
          role="group"
          aria-label={`Timeline of ${total.toLocaleString("en-US")} steps, ${major.length} marked${predicting && hideFrom <= total ? `; marks from step ${hideFrom} on hidden while you predict` : ""}`}
          onPointerMove={(e: PointerEvent<SVGSVGElement>) => setHover(stepAt(e.clientX, e.currentTarget))}
          onPointerLeave={() => setHover(null)}
          onPointerDown={(e: PointerEvent<SVGSVGElement>) => {
            if (e.button !== 0) return;
            go(stepAt(e.clientX, e.currentTarget));
          }}
        >
          <rect className="timeline-bg" x={0} y={0} width={width} height={HEIGHT} />
          <line className="timeline-lane" x1={PAD_X} x2={width - PAD_X} y1={LANE_MAJOR} y2={LANE_MAJOR} />
          <line className="timeline-lane" x1={PAD_X} x2={width - PAD_X} y1={LANE_FAULT} y2={LANE_FAULT} />
          <rect
            className="timeline-track"
            x={PAD_X}
            y={TRACK_Y - 3}
            width={Math.max(0, width - 2 * PAD_X)}
            height={6}
            rx={3}
          />
          <rect
            className="timeline-done"
            x={PAD_X}
            y={TRACK_Y - 3}
            width={Math.max(0, cx - PAD_X)}
            height={6}
            rx={3}
          />
          {hover !== null && (
            <line className="timeline-hover" x1={x(hover)} x2={x(hover)} y1={4} y2={TRACK_Y + 4} />
          )}
          <Axis x={x} total={total} />
          {faultBins.map((b) => (
            <Mark
              key={`f${b.from}`}
              bin={b}
              x={x(b.from)}
              y={LANE_FAULT}
              current={step >= b.from && step <= b.to}
              onSeek={go}
            />
          ))}
          {majorBins.map((b, i) => (
            <Mark
              key={`m${b.from}`}
              bin={b}
              x={x(b.from)}
              y={LANE_MAJOR}
              current={step >= b.from && step <= b.to}
              onSeek={go}
              room={(i + 1 < majorBins.length ? x(majorBins[i + 1].from) : width) - x(b.from)}
            />
          ))}
          <g className="timeline-cursor" transform={`translate(${cx},0)`}>
            <line y1={4} y2={TRACK_Y + 6} />
            <path d={`M-6 ${TRACK_Y + 9}L6 ${TRACK_Y + 9}L0 ${TRACK_Y + 1}Z`} />
          </g>
        </svg>
      </div>
      {kinds.size > 0 && (
        <ul className="timeline-legend" aria-label="Timeline marks">
          {MARKER_SEVERITY.filter((k) => kinds.has(k)).map((k) => (
            <li key={k}>
              <svg width={16} height={16} viewBox="-8 -8 16 16" aria-hidden="true">
                <MarkerShape kind={k} size={5} />
              </svg>
              {MARKER_NAMES[k]}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
