import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";

// These tests drive the production build: every row below was computed by the engine in its
// Web Worker, so they fail if the worker does not start or the engine is wrong.

/** Collects console errors and uncaught exceptions; checked at the end of each test. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
  return errors;
}

async function rowIndex(page: Page, text: string | RegExp): Promise<number> {
  const rows = page.getByRole("table", { name: "Trace" }).locator("tbody tr");
  const texts = await rows.allInnerTexts();
  return texts.findIndex((t) => (typeof text === "string" ? t.includes(text) : text.test(t)));
}

test("loads the default flow (augment) and shows the engine's trace", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/");

  await expect(page.getByRole("heading", { level: 1, name: "EPCM Explorer" })).toBeVisible();
  const flow = page.getByLabel("Flow");
  await expect(flow).toHaveValue("augment");

  const table = page.getByRole("table", { name: "Trace" });
  const rows = table.locator("tbody tr");
  // The write to the unbacked page faults with #PF (P|W|U|SGX = 0x8007), reported by ERESUME...
  await expect(rows.filter({ hasText: "#PF 0x8007" }).first()).toBeVisible();
  // ...and after EACCEPT and ERESUME, a read returns the value the write stored.
  await expect(rows.filter({ hasText: "0x1122334455667788" }).last()).toBeVisible();
  const fault = await rowIndex(page, "#PF 0x8007");
  const read = await rowIndex(page, /read[\s\S]*value 0x1122334455667788/);
  expect(fault).toBeGreaterThanOrEqual(0);
  expect(read).toBeGreaterThan(fault);

  await expect(page.getByRole("status")).toContainText("all expectations met");
  await expect(page.getByRole("alert")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("?flow=epcm-permissions loads that flow", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=epcm-permissions");

  await expect(page.getByLabel("Flow")).toHaveValue("epcm-permissions");
  const rows = page.getByRole("table", { name: "Trace" }).locator("tbody tr");
  await expect(rows.filter({ hasText: "#PF 0x8007" }).first()).toBeVisible();
  await expect(page.getByRole("alert")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("choosing a flow in the picker runs it and updates the URL", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/");
  const table = page.getByRole("table", { name: "Trace" });
  await expect(table.locator("tbody tr").first()).toBeVisible();

  await page.getByLabel("Flow").selectOption("epcm-permissions");
  await expect(page).toHaveURL(/[?&]flow=epcm-permissions\b/);
  await expect(page.getByRole("status")).toContainText("epcm-permissions");
  await expect(table.locator("tbody tr").first()).toBeVisible();
  expect(errors).toEqual([]);
});

test("an unknown ?flow= falls back to the default flow", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=no-such-flow");
  await expect(page.getByText("There is no built-in flow named “no-such-flow”")).toBeVisible();
  await expect(page.getByLabel("Flow")).toHaveValue("augment");
  await expect(page.getByRole("table", { name: "Trace" }).locator("tbody tr").first()).toBeVisible();
  expect(errors).toEqual([]);
});

test("the shell has no axe violations", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("table", { name: "Trace" }).locator("tbody tr").first()).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});
