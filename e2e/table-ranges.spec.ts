import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { openRun, position, tableSettled, watchErrors } from "./support.ts";

// The EPCM table's range rows: at the end of augment_via_eaccept_long the data pages (0x4000 on)
// and the first 500 EAUGed pages are RW- REG pages on consecutive EPC pages (a VA page follows),
// so the table shows them as one range of 508 pages that opens, by keyboard, into parts and then
// single pages; the table stays accessible.
test.describe.configure({ timeout: 60_000 });

test("a run of 508 pages is one range row that opens by keyboard down to single pages", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=augment-via-eaccept-long", 15);
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  await page.keyboard.press("End");
  await expect(position(page)).toHaveText(/^Step 15 of 15/);
  const table = page.getByRole("table", { name: "EPCM" });
  const range = table.locator("tbody tr.range").filter({ hasText: "0x4000–0x200000" });
  await expect(range).toHaveCount(1);
  await tableSettled(page);
  const cells = (await range.getByRole("cell").allInnerTexts()).map((t) => t.trim());
  expect(cells).toEqual(["0x4000–0x200000 ×508", "REG", "RW-", "", "6–513"]);
  const button = range.getByRole("button", { name: "Expand the 508 pages 0x4000–0x200000" });
  await expect(button).toHaveAttribute("aria-expanded", "false");

  await range.focus();
  await page.keyboard.press("Enter");
  await expect(table.getByRole("button", { name: "Collapse the 508 pages 0x4000–0x200000" })).toHaveAttribute(
    "aria-expanded",
    "true",
  );
  // Parts of 64 pages (the last one 60): 0x4000–0x44000 first.
  const part = table.locator("tbody tr.range").filter({ hasText: "0x4000–0x44000 ×64" });
  await expect(part).toHaveCount(1);
  await page.keyboard.press("ArrowDown");
  await expect(part).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(
    table.locator("tbody tr").filter({ has: page.getByRole("cell", { name: "0x43000", exact: true }) }),
  ).toHaveCount(1);

  const axe = await new AxeBuilder({ page }).include(".epcm-panel").analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  expect(errors).toEqual([]);
});
