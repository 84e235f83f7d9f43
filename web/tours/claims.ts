// What a tour stop says about the screen, in a form a test can check: the EPCM table's rows for
// the pages the stop talks about, the grids' counts, and the step's outcome. tours.test.ts
// evaluates every stop's claims against the engine's state at the stop's step, and
// e2e/tours.spec.ts against the table on screen, so a stop cannot contradict the grid.
import type { StateView, TraceStep } from "../engine/client.ts";
import { epcCounts, pageRow, pageTable } from "../render/pages.ts";
import { tableRow } from "../views/EpcmTable.tsx";
import { outcomeSummary } from "../views/format/ops.ts";

export interface StopClaims {
  /**
   * Pages of the (first) enclave by offset, as the EPCM table shows their row: type, perms and
   * flags ("REG RW- PENDING", "TCS ---", "TRIM --- MODIFIED"); "evicted" for an evicted page,
   * "none" when the table has no row (no page at that offset).
   */
  pages?: Record<string, string>;
  /** The EPC view's "used" count: valid EPC pages of every kind (SECS and VA included). */
  epcUsed?: number;
  /** The enclave view's count of the enclave's pages in the EPC (SECS and VA not counted). */
  inEpc?: number;
  /** The enclave view's count of evicted pages. */
  evicted?: number;
  /** What user space got back, as the narration sums it up ("ERESUME #PF 0x8007", "-1 EPERM"). */
  outcome?: string;
}

/** A table row as a claim writes it. */
export function rowClaimText(row: { type: string; perms: string; flags: string; epc: string }): string {
  if (row.epc === "evicted") return "evicted";
  return [row.type, row.perms, row.flags].filter((s) => s !== "").join(" ");
}

/** What the state shows for each claim: the same keys, the values found. */
export function observe(claims: StopClaims, view: StateView, step: TraceStep | undefined): StopClaims {
  const table = pageTable(view, 0);
  const out: StopClaims = {};
  if (claims.pages) {
    out.pages = {};
    for (const offset of Object.keys(claims.pages)) {
      const index = Number(offset) / 4096;
      let text = "none";
      for (let r = 0; r < table.n; r++) {
        const row = pageRow(table, r);
        if (row.index === index) text = rowClaimText(tableRow(row));
      }
      out.pages[offset] = text;
    }
  }
  if (claims.epcUsed !== undefined) out.epcUsed = epcCounts(view).used;
  let evicted = 0;
  for (let r = 0; r < table.n; r++) if (pageRow(table, r).evicted) evicted++;
  if (claims.inEpc !== undefined) out.inEpc = table.n - evicted;
  if (claims.evicted !== undefined) out.evicted = evicted;
  if (claims.outcome !== undefined) out.outcome = step ? outcomeSummary(step) : "";
  return out;
}
