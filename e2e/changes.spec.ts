import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { augmentViaEacceptLong } from "../engine/flows/augment-via-eaccept-long.ts";
import { TOTAL_SIZE } from "../engine/flows/standard-build.ts";
import { openImported, position, tableSettled, watchErrors } from "./support.ts";

// "What changed" comes from the engine's exact before/after (Session.changes), however many
// pages a step or an event changed: the trace's per-event lists stop at 64 entries, and a view
// built from them said "not recorded" for earlier states and showed only part of an event.

test.describe.configure({ timeout: 90_000 });

const PAGES = 200;
const hex = (n: number) => `0x${n.toString(16)}`;

/** EACCEPT-driven EAUG of 200 pages, then one RESTRICT_PERMISSIONS to R over all 200. */
function restrict200(): unknown {
  const s = augmentViaEacceptLong(PAGES) as { steps: unknown[] };
  return {
    ...s,
    title: "restrict 200 pages",
    // The build, the mmap and the 200 EACCEPTs (the flow's write, read and munmap are left out).
    steps: [
      ...s.steps.slice(0, -3),
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
        arg: { offset: hex(TOTAL_SIZE), length: hex(PAGES * 4096), permissions: "R" },
      },
    ],
  };
}

const FIRST = hex(TOTAL_SIZE);
const LAST = hex(TOTAL_SIZE + (PAGES - 1) * 4096);

const whatChanged = (page: Page) => page.getByRole("region", { name: "What changed" });

/** The "What changed" row of enclave page e0+`offset`. */
function changeOf(page: Page, offset: string) {
  return whatChanged(page)
    .getByRole("listitem")
    .filter({ hasText: new RegExp(`e0\\+${offset} `) });
}

test("restricting 200 pages in one ioctl: every page's earlier state, and all pages an inner event changed", async ({
  page,
}) => {
  const errors = watchErrors(page);
  expect(await openImported(page, "restrict-200.json", restrict200())).toBe(13);

  // The RESTRICT_PERMISSIONS step: each page was REG RW- and is now REG R-- PR.
  await page.getByRole("button", { name: "Go to end" }).click();
  await expect(position(page)).toHaveText("Step 13 of 13");
  await expect(whatChanged(page)).toContainText(`and ${PAGES - 12} more EPC pages`);
  const axe = await new AxeBuilder({ page }).include(".narration").analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  await expect(changeOf(page, FIRST)).toContainText(/REG RW-\s*→\s*became\s*REG R-- PR/);
  await expect(whatChanged(page)).not.toContainText("not recorded");
  await whatChanged(page)
    .getByRole("button", { name: `Show ${PAGES - 12} more` })
    .click();
  await expect(whatChanged(page).getByRole("listitem")).toHaveCount(PAGES);
  await expect(changeOf(page, LAST)).toContainText(/REG RW-\s*→\s*became\s*REG R-- PR/);
  await expect(whatChanged(page)).not.toContainText("not recorded");

  // Inside the step, the kernel's quiet loop ("the same EMODPR + ETRACK for the other 198
  // pages") is one event that is not the last: it changed 198 pages, all of them shown.
  await page.getByRole("button", { name: "Step back" }).click();
  await expect(position(page)).toHaveText("Step 12 of 13");
  await page.locator("body").click({ position: { x: 2, y: 2 } });
  for (let i = 1; i <= 8; i++) {
    await page.keyboard.press("Shift+ArrowRight");
    await expect(position(page)).toHaveText(`Step 13 of 13, event ${i} of 9`);
  }
  await expect(page.locator(".narration-current")).toContainText("the other 198 page(s)");
  await expect(whatChanged(page)).toContainText("(this event)");
  await expect(whatChanged(page)).toContainText(`and ${PAGES - 2 - 12} more EPC pages`);
  // The EPCM table shows the state after that event: the 200th page is restricted already.
  const table = page.getByRole("table", { name: "EPCM" });
  // Pages that share an entry are grouped into range rows: open them down to single pages.
  const closed = table.locator('button[aria-expanded="false"]');
  await tableSettled(page);
  while ((await closed.count()) > 0) await closed.first().click();
  const lastRow = table.getByRole("row").filter({ has: page.getByRole("cell", { name: LAST, exact: true }) });
  await expect(lastRow.getByRole("cell").nth(2)).toHaveText("R--");
  await expect(lastRow.getByRole("cell").nth(3)).toHaveText("PR");
  await whatChanged(page)
    .getByRole("button", { name: `Show ${PAGES - 2 - 12} more` })
    .click();
  await expect(whatChanged(page).getByRole("listitem")).toHaveCount(PAGES - 2);
  await expect(changeOf(page, LAST)).toContainText(/REG RW-\s*→\s*became\s*REG R-- PR/);
  expect(errors).toEqual([]);
});
