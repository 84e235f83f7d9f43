import { expect, type Locator, type Page } from "@playwright/test";
import { rowClaimText } from "../web/tours/claims.ts";
import type { TourStop } from "../web/tours/tours.ts";
import { tableSettled } from "./support.ts";

/** The EPCM table's row whose Offset cell is exactly `offset`. */
export function rowAt(page: Page, offset: string): Locator {
  return page
    .getByRole("table", { name: "EPCM" })
    .locator("tbody tr")
    .filter({ has: page.getByRole("cell", { name: offset, exact: true }) });
}

/** What a tour stop says is on screen (its claims) is what the EPCM table and the grids show. */
export async function expectStopClaims(page: Page, stop: TourStop, at: string): Promise<void> {
  const c = stop.claims;
  for (const [offset, want] of Object.entries(c.pages ?? {})) {
    const row = rowAt(page, offset);
    if (want === "none") {
      await expect(row, `${at}: ${offset}`).toHaveCount(0);
      continue;
    }
    await expect(row, `${at}: ${offset}`).toHaveCount(1);
    await tableSettled(page);
    const [, type, perms, flags, epc] = (await row.getByRole("cell").allInnerTexts()).map((t) => t.trim());
    expect(rowClaimText({ type, perms, flags, epc }), `${at}: ${offset}`).toBe(want);
  }
  const summaries = page.locator(".grid-summary");
  if (c.epcUsed !== undefined) await expect(summaries.nth(1), at).toContainText(`used ${c.epcUsed}`);
  if (c.inEpc !== undefined)
    await expect(summaries.nth(0), at).toContainText(`· ${c.inEpc} of its pages in the EPC ·`);
  if (c.evicted !== undefined) await expect(summaries.nth(0), at).toContainText(`· ${c.evicted} evicted`);
}
