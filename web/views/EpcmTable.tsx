// The EPCM table: the accessible twin of the grids. One row per page of the selected enclave that
// has an EPCM entry or a kernel record: Offset, Type, Perms, Flags, EPC. Rows select the page
// (click, or Enter/Space; ArrowUp/ArrowDown move between rows). Long runs of pages that share an
// entry are one range row (render/table-ranges.ts) that expands with its button or Enter/Space.

import {
  type KeyboardEvent,
  memo,
  type RefObject,
  useCallback,
  useDeferredValue,
  useId,
  useMemo,
  useRef,
  useState,
} from "react";
import { hex, pageTypeLabel, permsText } from "../../engine/vocabulary/index.ts";
import type { StateView } from "../../engine/vocabulary/view.ts";

import {
  changedPages,
  EMPTY_TABLE,
  flagsText,
  indexOfEpc,
  isPrevious,
  type PageRow,
  type PageSet,
  type PageTable,
  pageRow,
  pageTable,
  rowIndex,
} from "../render/pages.ts";
import { type DisplayRow, displayRows, rangeKey, runEnds } from "../render/table-ranges.ts";
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
    const r = rowIndex(t, keep);
    if (r >= n) out.push(tableRow(pageRow(t, r)));
  }
  return out;
}

/** A row of the table: a page, or a range of pages that share an entry. */
type Item =
  | { kind: "page"; key: number; row: TableRow; depth: number }
  | (Extract<DisplayRow, { kind: "range" }> & { id: string });

function itemsOf(t: PageTable, rows: DisplayRow[]): Item[] {
  return rows.map((d) =>
    d.kind === "page"
      ? { kind: "page", key: t.index[d.r], row: tableRow(pageRow(t, d.r)), depth: d.depth }
      : { ...d, id: `range-${d.from}-${d.to}` },
  );
}

/** Parts of an open range sit one step further in. */
const indent = (depth: number) => (depth > 0 ? { paddingInlineStart: `${depth}em` } : undefined);

const itemKey = (it: Item): string => (it.kind === "page" ? String(it.key) : it.id);

export function EpcmTable() {
  const current = useExplorer((s) => s.view);
  // The table follows the grids: a step that rewrites hundreds of rows renders them after the
  // frame that shows the step, not in it (aria-busy says the table is catching up meanwhile).
  const view = useDeferredValue(current);
  const catchingUp = view !== current;
  const enclaveIndex = useExplorer((s) => s.enclave);
  const selection = useExplorer((s) => s.selection);
  const select = useExplorer((s) => s.select);
  const headingId = useId();
  const [showAll, setShowAll] = useState(false);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  const idx = Math.max(0, Math.min(enclaveIndex, (view?.enclaves.length ?? 1) - 1));
  const cols = view?.enclaves[idx];
  const name = cols?.name ?? "";
  const table = view ? pageTable(view, idx) : EMPTY_TABLE;
  const prevView = usePrevious<StateView | null>(view);
  const changed = useMemo(
    () => changedPages(view, idx, view && isPrevious(prevView, view) ? prevView : null),
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
  const ends = useMemo(() => runEnds(table), [table]);
  const keepRow = selectedKey !== null && selectedKey < table.pages ? rowIndex(table, selectedKey) : -1;
  const all = useMemo(
    () => itemsOf(table, displayRows(table, ends, expanded, keepRow >= 0 ? keepRow : null)),
    [table, ends, expanded, keepRow],
  );
  const limited = !showAll && all.length > ROW_LIMIT;
  const shown = useMemo(() => {
    if (!limited) return all;
    const head = all.slice(0, ROW_LIMIT);
    const sel = all.findIndex((it) => it.kind === "page" && it.key === selectedKey);
    if (sel >= ROW_LIMIT) head.push(all[sel]);
    return head;
  }, [all, limited, selectedKey]);
  const tabKey =
    focusKey !== null && shown.some((it) => itemKey(it) === focusKey)
      ? focusKey
      : selectedKey !== null && shown.some((it) => it.kind === "page" && it.key === selectedKey)
        ? String(selectedKey)
        : shown[0]
          ? itemKey(shown[0])
          : null;

  // The rows are their own memoized component: in the urgent render after a step the deferred
  // view has not changed, so React skips them instead of re-creating hundreds of rows in the
  // frame that shows the step.
  const choose = useCallback(
    (it: Item) => {
      setFocusKey(itemKey(it));
      if (it.kind === "page") void select({ kind: "page", enclave: name, offset: it.row.page.offset });
    },
    [name, select],
  );

  const toggle = useCallback((it: Item) => {
    if (it.kind !== "range") return;
    setFocusKey(itemKey(it));
    setExpanded((old) => {
      const next = new Set(old);
      const k = rangeKey(it.from, it.to);
      if (next.has(k)) next.delete(k);
      else next.add(k);
      return next;
    });
  }, []);

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
        <table className="epcm-table" aria-label="EPCM" aria-busy={catchingUp || undefined}>
          <thead>
            <tr>
              <th scope="col">Offset</th>
              <th scope="col">Type</th>
              <th scope="col">Perms</th>
              <th scope="col">Flags</th>
              <th scope="col">EPC</th>
            </tr>
          </thead>
          <Rows
            shown={shown}
            tabKey={tabKey}
            selectedKey={selectedKey}
            changed={changed}
            bodyRef={bodyRef}
            choose={choose}
            toggle={toggle}
          />
        </table>
        {total === 0 && (
          <p className="epcm-empty">{view ? "No pages in this enclave yet." : "Nothing loaded yet."}</p>
        )}
      </section>
      {limited && (
        <button type="button" className="epcm-more" onClick={() => setShowAll(true)}>
          Show all {all.length.toLocaleString()} rows
        </button>
      )}
      {showAll && all.length > ROW_LIMIT && (
        <button type="button" className="epcm-more" onClick={() => setShowAll(false)}>
          Show the first {ROW_LIMIT} rows
        </button>
      )}
    </section>
  );
}

interface RowsProps {
  shown: Item[];
  tabKey: string | null;
  selectedKey: number | null;
  changed: PageSet;
  bodyRef: RefObject<HTMLTableSectionElement | null>;
  choose(it: Item): void;
  toggle(it: Item): void;
}

/** The table's rows, with keyboard moves between them (Enter/Space, ArrowUp/ArrowDown). */
const Rows = memo(function Rows({ shown, tabKey, selectedKey, changed, bodyRef, choose, toggle }: RowsProps) {
  const onKeyDown = (e: KeyboardEvent<HTMLTableRowElement>, at: number) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      e.stopPropagation();
      if (shown[at].kind === "range") toggle(shown[at]);
      else choose(shown[at]);
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const next = shown[at + (e.key === "ArrowDown" ? 1 : -1)];
    if (!next) return;
    choose(next);
    const tr = bodyRef.current?.querySelector<HTMLTableRowElement>(`tr[data-key="${itemKey(next)}"]`);
    tr?.focus();
  };

  return (
    <tbody ref={bodyRef}>
      {shown.map((it, at) => {
        if (it.kind === "range") {
          const count = it.to - it.from;
          const open = it.open;
          const { first, last } = it;
          return (
            <tr
              key={it.id}
              data-key={it.id}
              className="range"
              tabIndex={it.id === tabKey ? 0 : -1}
              onKeyDown={(e) => onKeyDown(e, at)}
            >
              <td className="mono" style={indent(it.depth)}>
                {hex(first.offset)}–{hex(last.offset + 4096)}{" "}
                <button
                  type="button"
                  className="epcm-range"
                  tabIndex={-1}
                  aria-expanded={open}
                  aria-label={`${open ? "Collapse" : "Expand"} the ${count.toLocaleString("en-US")} pages ${hex(first.offset)}–${hex(last.offset + 4096)}`}
                  onClick={() => toggle(it)}
                >
                  ×{count.toLocaleString("en-US")}
                </button>
              </td>
              <td>{pageTypeLabel(first.type)}</td>
              <td className="mono">{first.evicted ? "---" : permsText(first.flags)}</td>
              <td>{flagsText(first.flags)}</td>
              <td className="mono">{first.evicted ? "evicted" : `${first.epc}–${last.epc}`}</td>
            </tr>
          );
        }
        const r = it.row;
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
            tabIndex={String(r.key) === tabKey ? 0 : -1}
            aria-current={selected ? "true" : undefined}
            onClick={() => choose(it)}
            onKeyDown={(e) => onKeyDown(e, at)}
          >
            <td className="mono" style={indent(it.depth)}>
              {r.offset}
            </td>
            <td>{r.type}</td>
            <td className="mono">{r.perms}</td>
            <td>{r.flags}</td>
            <td className="mono">{r.epc}</td>
          </tr>
        );
      })}
    </tbody>
  );
});
