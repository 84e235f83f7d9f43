import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { position, watchErrors } from "./support.ts";

// Projector use at 1366x768: presentation mode (larger type, fewer panels), switched from the
// header and carried by `&present=1`; in it the enclave grid, with the row where the action
// happens, stays above the fold while stepping through a step's events.
test.use({ viewport: { width: 1366, height: 768 } });

async function gridBottom(page: Page): Promise<number> {
  const box = await page.getByRole("img", { name: "Enclave pages" }).boundingBox();
  if (!box) throw new Error("grid not laid out");
  return box.y + box.height;
}

async function px(page: Page, selector: string): Promise<number> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
}

test("presentation mode: larger type, fewer panels, the grid above the fold in step-into mode at 1366x768", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=augment&step=12&event=3");
  await expect(position(page)).toHaveText(/^Step 12 of 16, event 3 of 20/);
  const label = await px(page, ".mark-label");
  const toggle = page.getByRole("button", { name: "Presentation mode" });
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("complementary", { name: "Scenarios" })).toBeHidden();
  await expect(page.locator(".usage")).toBeHidden();
  expect(await px(page, "html")).toBeGreaterThanOrEqual(18);
  expect(await px(page, ".mark-label")).toBeGreaterThanOrEqual(label + 4);
  expect(await px(page, ".timeline-axis text")).toBeGreaterThanOrEqual(16);
  // Through the step's events the whole enclave grid (the PENDING page's row included) stays
  // on the first screen.
  for (let i = 0; i < 6; i++) {
    await expect.poll(() => gridBottom(page)).toBeLessThanOrEqual(768);
    await page.getByRole("button", { name: "Next event" }).click();
  }
  await expect(position(page)).toHaveText(/^Step 12 of 16, event 9 of 20/);
  const results = await new AxeBuilder({ page })
    .include(".app-header")
    .include(".stepper")
    .include(".timeline")
    .analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  expect(errors).toEqual([]);
});

test("Copy link carries presentation mode as &present=1; links without it open as before", async ({
  page,
  context,
}) => {
  const errors = watchErrors(page);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/?flow=augment&step=12");
  await expect(position(page)).toHaveText("Step 12 of 16");
  await expect(page.getByRole("button", { name: "Presentation mode" })).toHaveAttribute(
    "aria-pressed",
    "false",
  );
  await expect(page.getByRole("complementary", { name: "Scenarios" })).toBeVisible();
  await page.getByRole("button", { name: "Presentation mode" }).click();
  await page.getByRole("button", { name: "Copy link" }).click();
  await expect(page.getByText("Link copied")).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(new URL(link).searchParams.get("present")).toBe("1");
  const other = await context.newPage();
  await other.goto(link);
  await expect(position(other)).toHaveText("Step 12 of 16");
  await expect(other.getByRole("button", { name: "Presentation mode" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(other.getByRole("complementary", { name: "Scenarios" })).toBeHidden();
  expect(await gridBottom(other)).toBeLessThanOrEqual(768);
  expect(errors).toEqual([]);
});
