// The EPCM table: the accessible twin of the grids. One row per page of the selected enclave that
// has an EPCM entry or a kernel record: Offset, Type, Perms, Flags, EPC. Rows select the page
// (click, or Enter/Space; ArrowUp/ArrowDown move between rows).

import { type KeyboardEvent, useId, useMemo, useRef, useState } from "react";
import { hex, pageTypeLabel, permsText } from "../../engine/vocabulary/index.ts";
import type { StateView } from "../../engine/vocabulary/view.ts";

import {
  changedPages,
  EMPTY_TABLE,
  flagsText,
  indexOfEpc,
  isPrevious,
  type PageRow,
  type PageTable,
  pageRow,
  pageTable,
} from "../render/pages.ts";
import { usePrevious } from "../render/use-grid.ts";
import { useExplorer } from "../store/explorer.ts";
import "./grids.css";

/** Rows shown before "Show all" (a huge enclave would otherwise make a huge page). */
export const ROW_LIMIT = 300;

export interface TableRow {
  key: number;
  offset: string;
  type: string;
  perms: string;
  flags: string;
  epc: string;
  page: PageRow;
}

/** The table's text for one page row. */
export function tableRow(r: PageRow): TableRow {
  return {
    key: r.index,
    offset: hex(r.offset),
    type: pageTypeLabel(r.type),
    perms: r.evicted ? "---" : permsText(r.flags),
    flags: flagsText(r.flags),
    epc: r.evicted ? "evicted" : String(r.epc),
    page: r,
  };
}

/**
 * The rows shown: the first `limit` rows of the table (all when limit is null), plus the row of
 * page `keep` when it lies past the limit (the selection stays visible).
 */
export function shownRows(t: PageTable, limit: number | null, keep: number | null): TableRow[] {
  const n = limit === null ? t.n : Math.min(limit, t.n);
  const out: TableRow[] = [];
  for (let r = 0; r < n; r++) out.push(tableRow(pageRow(t, r)));
  if (keep !== null && keep >= 0 && keep < t.pages) {
    const r = t.rowOf[keep];
    if (r >= n) out.push(tableRow(pageRow(t, r)));
  }
  return out;
}

export function EpcmTable() {
  const view = useExplorer((s) => s.view);
  const enclaveIndex = useExplorer((s) => s.enclave);
  const selection = useExplorer((s) => s.selection);
  const select = useExplorer((s) => s.select);
  const headingId = useId();
  const [showAll, setShowAll] = useState(false);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const [focusKey, setFocusKey] = useState<number | null>(null);

  const idx = Math.max(0, Math.min(enclaveIndex, (view?.enclaves.length ?? 1) - 1));
  const cols = view?.enclaves[idx];
  const name = cols?.name ?? "";
  const table = view ? pageTable(view, idx) : EMPTY_TABLE;
  const prevView = usePrevious<StateView | null>(view);
  const changed = useMemo(
    () => (view ? changedPages(view, idx, isPrevious(prevView, view) ? prevView : null) : new Set<number>()),
    [view, idx, prevView],
  );

  let selectedKey: number | null = null;
  if (selection?.kind === "page" && selection.enclave === name)
    selectedKey = Math.floor(selection.offset / 4096);
  else if (selection?.kind === "epc") {
    const i = indexOfEpc(table, selection.epc);
    selectedKey = i >= 0 ? i : null;
  }

  const total = table.n;
  const limited = !showAll && total > ROW_LIMIT;
  const shown = useMemo(
    () => shownRows(table, limited ? ROW_LIMIT : null, limited ? selectedKey : null),
    [table, limited, selectedKey],
  );
  const tabKey =
    focusKey !== null && shown.some((r) => r.key === focusKey)
      ? focusKey
      : selectedKey !== null && shown.some((r) => r.key === selectedKey)
        ? selectedKey
        : (shown[0]?.key ?? null);

  const choose = (r: TableRow) => {
    setFocusKey(r.key);
    void select({ kind: "page", enclave: name, offset: r.page.offset });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTableRowElement>, at: number) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      e.stopPropagation();
      choose(shown[at]);
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const next = shown[at + (e.key === "ArrowDown" ? 1 : -1)];
    if (!next) return;
    choose(next);
    const tr = bodyRef.current?.querySelector<HTMLTableRowElement>(`tr[data-key="${next.key}"]`);
    tr?.focus();
  };

  return (
    <section className="epcm-panel" aria-labelledby={headingId}>
      <div className="grid-head">
        <h2 id={headingId} className="grid-title">
          EPCM entries{name ? ` of ${name}` : ""}
        </h2>
        <span className="grid-summary">
          {total.toLocaleString()} page{total === 1 ? "" : "s"}
        </span>
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll it by keyboard */}
      <section className="epcm-scroll" aria-label="EPCM table" tabIndex={0}>
        <table className="epcm-table" aria-label="EPCM">
          <thead>
            <tr>
              <th scope="col">Offset</th>
              <th scope="col">Type</th>
              <th scope="col">Perms</th>
              <th scope="col">Flags</th>
              <th scope="col">EPC</th>
            </tr>
          </thead>
          <tbody ref={bodyRef}>
            {shown.map((r, at) => {
              const selected = r.key === selectedKey;
              const cls = [
                selected ? "selected" : "",
                changed.has(r.key) ? "changed" : "",
                r.page.evicted ? "evicted" : "",
              ]
                .filter(Boolean)
                .join(" ");
              return (
                <tr
                  key={r.key}
                  data-key={r.key}
                  className={cls || undefined}
                  tabIndex={r.key === tabKey ? 0 : -1}
                  aria-current={selected ? "true" : undefined}
                  onClick={() => choose(r)}
                  onKeyDown={(e) => onKeyDown(e, at)}
                >
                  <td className="mono">{r.offset}</td>
                  <td>{r.type}</td>
                  <td className="mono">{r.perms}</td>
                  <td>{r.flags}</td>
                  <td className="mono">{r.epc}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {total === 0 && (
          <p className="epcm-empty">{view ? "No pages in this enclave yet." : "Nothing loaded yet."}</p>
        )}
      </section>
      {limited && (
        <button type="button" className="epcm-more" onClick={() => setShowAll(true)}>
          Show all {total.toLocaleString()} rows
        </button>
      )}
      {showAll && total > ROW_LIMIT && (
        <button type="button" className="epcm-more" onClick={() => setShowAll(false)}>
          Show the first {ROW_LIMIT} rows
        </button>
      )}
    </section>
  );
}
