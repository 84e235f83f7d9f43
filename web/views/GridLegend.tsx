// The key to a grid's colours and glyphs, drawn with the same CSS variables the canvases use.

import { BADGES } from "../render/pages.ts";

function Swatch(props: { className: string; colour?: string }) {
  return (
    <span
      className={`legend-swatch ${props.className}`}
      style={props.colour ? { background: `var(--${props.colour})` } : undefined}
      aria-hidden="true"
    />
  );
}

function Badges() {
  return (
    <>
      {BADGES.map((b) => (
        <li key={b.name}>
          <span className={`legend-badge legend-badge-${b.colour}`} aria-hidden="true">
            {b.short}
          </span>
          {b.name}
        </li>
      ))}
    </>
  );
}

function Marks() {
  return (
    <>
      <li>
        <Swatch className="legend-changed" />
        changed by this step
      </li>
      <li>
        <Swatch className="legend-selected" />
        selected
      </li>
    </>
  );
}

export function GridLegend(
  props: { kind: "enclave"; showPte: boolean; cached?: boolean } | { kind: "epc"; names: readonly string[] },
) {
  if (props.kind === "enclave")
    return (
      <ul className="grid-legend" aria-label="Enclave view legend">
        <li>
          <Swatch className="" colour="page-tcs" />
          TCS
        </li>
        <li>
          <Swatch className="" colour="page-reg" />
          REG
        </li>
        <li>
          <Swatch className="" colour="page-trim" />
          TRIM
        </li>
        <li>
          <Swatch className="legend-evicted" />
          evicted
        </li>
        <li>
          <Swatch className="legend-hole" />
          no page
        </li>
        <Badges />
        {props.showPte && (
          <li>
            <span className="legend-pte" aria-hidden="true">
              rw- ●
            </span>
            VMA protection, PTE present (○ none)
          </li>
        )}
        {props.cached && (
          <li>
            <span className="legend-cached" aria-hidden="true" />
            cached in a CPU's TLB (see the TLB table)
          </li>
        )}
        <Marks />
      </ul>
    );
  return (
    <ul className="grid-legend" aria-label="EPC view legend">
      {props.names.slice(0, 5).map((n, i) => (
        <li key={n}>
          <Swatch className="" colour={`enclave-${i}`} />
          {n}
        </li>
      ))}
      <li>
        <Swatch className="" colour="page-secs" />
        SECS
      </li>
      <li>
        <Swatch className="" colour="page-va" />
        VA
      </li>
      <li>
        <Swatch className="legend-free" />
        free
      </li>
      <Badges />
      <Marks />
    </ul>
  );
}
