import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { openRun, position, watchErrors } from "./support.ts";

// The EPC usage chart against the production build: the counts come from the engine in its Web
// Worker (Session.epcUsage); the table twin lists them, and clicking the chart seeks.
test.describe.configure({ timeout: 60_000 });

/** reclaim-reload: 10 build steps, a write, the reclaim (step 12), three reads. */
const STEPS = 15;
const RECLAIM = 12;
const KINDS = ["SECS", "TCS", "REG", "VA", "TRIM", "free", "evicted"];

async function rowOf(page: Page, step: number): Promise<number[]> {
  const row = page
    .getByRole("table", { name: "EPC usage table" })
    .locator("tbody tr")
    .filter({ has: page.getByRole("button", { name: `Go to step ${step}`, exact: true }) });
  return (await row.getByRole("cell").allInnerTexts()).map((t) => Number(t.replace(/,/g, "")));
}

test("the EPC usage chart shows the reclaim, its table twin matches, and clicking seeks", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=reclaim-reload&step=11", STEPS);
  const chart = page.getByRole("img", { name: "EPC usage" });
  await expect(chart).toBeVisible();
  await expect(chart.locator("path.usage-band")).toHaveCount(6);

  await page.getByText("EPC usage as a table").click();
  const table = page.getByRole("table", { name: "EPC usage table" });
  await expect(table.locator("tbody tr")).toHaveCount(STEPS + 1);
  const header = (await table.locator("thead th").allInnerTexts()).map((t) => t.trim());
  expect(header).toEqual(["Step", ...KINDS]);

  // Every step's kinds add up to the EPC (128 pages); nothing is evicted before the reclaim.
  for (let k = 0; k <= STEPS; k++) {
    const r = await rowOf(page, k);
    expect(
      r.slice(0, 6).reduce((a, b) => a + b, 0),
      `step ${k}`,
    ).toBe(128);
    if (k < RECLAIM) expect(r[6], `step ${k}`).toBe(0);
  }
  // Before the reclaim: SECS, 2 TCS, 10 REG, 1 VA; after it only the VA page stays, 13 evicted.
  expect(await rowOf(page, RECLAIM - 1)).toEqual([1, 2, 10, 1, 0, 114, 0]);
  expect(await rowOf(page, RECLAIM)).toEqual([0, 0, 0, 1, 0, 127, 13]);

  // The current step's row is marked, and the readout above the chart says the same numbers.
  await expect(table.locator('tr[aria-current="step"] th')).toHaveText("11");
  await expect(page.locator(".usage-readout")).toContainText(
    "Step 11: SECS 1 · TCS 2 · REG 10 · VA 1 · free 114",
  );

  // Clicking the chart at the reclaim step seeks there; the readout follows.
  const box = await chart.boundingBox();
  if (!box) throw new Error("the chart has no box");
  const pad = 14;
  await chart.click({ position: { x: pad + ((box.width - 2 * pad) * RECLAIM) / STEPS, y: 40 } });
  await expect(position(page)).toHaveText(new RegExp(`^Step ${RECLAIM} of ${STEPS}`));
  await expect(table.locator('tr[aria-current="step"] th')).toHaveText(String(RECLAIM));
  await expect(page.locator(".usage-readout")).toContainText("VA 1 · free 127 · evicted 13");

  // The table's step buttons seek too.
  await page.getByRole("button", { name: "Go to step 15", exact: true }).click();
  await expect(position(page)).toHaveText(new RegExp(`^Step ${STEPS} of ${STEPS}`));
  expect(errors).toEqual([]);
});

test("loading another flow replaces the chart's counts", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=reclaim-reload&step=12", STEPS);
  await expect(page.locator(".usage-readout")).toContainText("evicted 13");
  await page.goto("/?flow=augment&step=0");
  await expect(page.getByRole("img", { name: "EPC usage" })).toBeVisible();
  await page.getByText("EPC usage as a table").click();
  const rows = page.getByRole("table", { name: "EPC usage table" }).locator("tbody tr");
  const steps = Number((await position(page).textContent())?.match(/of (\d+)/)?.[1]);
  await expect(rows).toHaveCount(steps + 1);
  await expect(page.locator(".usage-readout")).toContainText("Step 0: free 128 · evicted 0");
  expect(errors).toEqual([]);
});

test("the EPC usage chart and its table have no serious axe violations", async ({ page }) => {
  await openRun(page, "/?flow=reclaim-reload&step=12", STEPS);
  await expect(page.getByRole("img", { name: "EPC usage" })).toBeVisible();
  await page.getByText("EPC usage as a table").click();
  for (const theme of ["light", "dark"]) {
    await page.getByLabel("Theme", { exact: true }).selectOption(theme);
    const results = await new AxeBuilder({ page }).include("section.usage").analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(
      serious.map(
        (v) => `${theme}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
      ),
    ).toEqual([]);
  }
});
