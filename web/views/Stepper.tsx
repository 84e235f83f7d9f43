// The stepper: go to start, step back, play/pause, step forward, go to end, the play speed, the
// position ("Step N of M"), and stepping into an op to walk its events one by one.
import type { ReactNode } from "react";
import { useExplorer } from "../store/explorer.ts";
import { opSummary } from "./format/ops.ts";
import { useLegend } from "./keyboard.ts";
import "./time.css";

export const SPEEDS = [0.5, 1, 2, 4, 8, 16, 30, 60];

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path d={d} fill="currentColor" />
    </svg>
  );
}

const ICONS = {
  start: "M6 5h2v14H6zM20 5v14L9 12z",
  back: "M18 5v14L7 12z",
  play: "M7 4v16l13-8z",
  pause: "M6 4h4v16H6zM14 4h4v16h-4z",
  forward: "M6 5v14l11-7z",
  end: "M16 5h2v14h-2zM4 5v14l11-7z",
};

function ToolButton(props: {
  name: string;
  hint?: string;
  icon: string;
  onClick: () => void;
  disabled?: boolean;
  pressed?: boolean;
  className?: string;
}) {
  return (
    <button
      type="button"
      className={`stepper-button ${props.className ?? ""}`}
      aria-label={props.name}
      title={props.hint ? `${props.name} (${props.hint})` : props.name}
      onClick={props.onClick}
      disabled={props.disabled}
      {...(props.pressed !== undefined ? { "aria-pressed": props.pressed } : {})}
    >
      <Icon d={props.icon} />
    </button>
  );
}

function TextButton(props: { children: ReactNode; hint: string; onClick: () => void; disabled?: boolean }) {
  return (
    <button
      type="button"
      className="stepper-text-button"
      title={props.hint}
      onClick={props.onClick}
      disabled={props.disabled}
    >
      {props.children}
    </button>
  );
}

export function Stepper() {
  const info = useExplorer((s) => s.info);
  const step = useExplorer((s) => s.step);
  const event = useExplorer((s) => s.event);
  const playing = useExplorer((s) => s.playing);
  const speed = useExplorer((s) => s.speed);
  const loading = useExplorer((s) => s.loading);
  const actions = useExplorer.getState;
  const toggleLegend = useLegend((s) => s.toggle);

  const total = info?.steps.length ?? 0;
  const ready = info !== null && !loading;
  const inside = event !== null && step >= 1;
  const eventTotal = inside ? (info?.steps[step - 1]?.events.length ?? 0) : 0;
  const atStart = step === 0 && !inside;
  const atEnd = step >= total && !inside;
  const current = step >= 1 ? info?.steps[step - 1] : undefined;
  const next = step < total ? info?.steps[step] : undefined;

  /** A manual move pauses playback first. */
  const move = (fn: () => Promise<void>) => () => {
    if (actions().playing) actions().pause();
    void fn();
  };

  return (
    <section className="stepper" aria-label="Stepper">
      <div className="stepper-row">
        <div className="stepper-buttons">
          <ToolButton
            name="Go to start"
            hint="Home"
            icon={ICONS.start}
            onClick={move(() => actions().toStart())}
            disabled={!ready || atStart}
          />
          <ToolButton
            name="Step back"
            hint="←"
            icon={ICONS.back}
            onClick={move(() => actions().stepBack())}
            disabled={!ready || step === 0}
          />
          <ToolButton
            name={playing ? "Pause" : "Play"}
            hint="Space"
            icon={playing ? ICONS.pause : ICONS.play}
            className="stepper-play"
            onClick={() => (playing ? actions().pause() : actions().play())}
            disabled={!ready || total === 0}
          />
          <ToolButton
            name="Step forward"
            hint="→"
            icon={ICONS.forward}
            onClick={move(() => actions().stepForward())}
            disabled={!ready || atEnd}
          />
          <ToolButton
            name="Go to end"
            hint="End"
            icon={ICONS.end}
            onClick={move(() => actions().toEnd())}
            disabled={!ready || atEnd}
          />
        </div>

        <p className="stepper-position" aria-live="polite" aria-atomic="true">
          {info ? (
            <>
              <span className="stepper-step">
                Step {step} of {total}
              </span>
              {inside && (
                <span className="stepper-event">
                  , event {Math.min((event ?? 0) + 1, eventTotal)} of {eventTotal}
                </span>
              )}
            </>
          ) : (
            <span className="stepper-step time-muted">
              {loading ? "Running the scenario…" : "No scenario loaded"}
            </span>
          )}
        </p>

        <label className="stepper-speed">
          <span>Speed</span>
          <select value={String(speed)} onChange={(e) => actions().setSpeed(Number(e.target.value))}>
            {(SPEEDS.includes(speed) ? SPEEDS : [...SPEEDS, speed].sort((a, b) => a - b)).map((v) => (
              <option key={v} value={String(v)}>
                {v} step{v === 1 ? "" : "s"}/s
              </option>
            ))}
          </select>
        </label>
      </div>

      <div className="stepper-row stepper-events">
        {inside ? (
          <>
            <TextButton hint="Previous event (Shift+←)" onClick={move(() => actions().eventBack())}>
              Previous event
            </TextButton>
            <TextButton hint="Next event (Shift+→)" onClick={move(() => actions().eventForward())}>
              Next event
            </TextButton>
            <TextButton hint="Finish this op and leave its events" onClick={move(() => actions().stepOut())}>
              Step out
            </TextButton>
            <span className="stepper-context" title={current ? opSummary(current.op) : undefined}>
              Inside step {step}: <code>{current ? opSummary(current.op) : ""}</code>
            </span>
          </>
        ) : (
          <>
            <TextButton
              hint="Walk the next op's events one by one (Shift+→)"
              onClick={move(() => actions().eventForward())}
              disabled={!ready || step >= total}
            >
              Step into
            </TextButton>
            <span className="stepper-context" title={next ? opSummary(next.op) : undefined}>
              {next ? (
                <>
                  Next: <code>{opSummary(next.op)}</code>
                </>
              ) : info ? (
                "The scenario is complete."
              ) : (
                ""
              )}
            </span>
          </>
        )}
        <button
          type="button"
          className="stepper-text-button stepper-keys"
          onClick={toggleLegend}
          aria-haspopup="dialog"
          title="Keyboard shortcuts (?)"
        >
          Keyboard shortcuts
        </button>
      </div>
    </section>
  );
}
