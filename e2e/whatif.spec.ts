import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { openRun, position, watchErrors } from "./support.ts";

// The kernel and what-if pickers: the engine re-runs the flow, the status line and the link say so.
test("kernel and mutation pickers re-run the flow, and the link carries them", async ({ page, context }) => {
  const errors = watchErrors(page);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await openRun(page, "/?flow=remove-added-page-no-eaccept&step=5", 15);
  const status = page.getByTestId("machine-status");
  await expect(status).toHaveCount(0);
  const kernel = page.getByRole("combobox", { name: "Kernel" });
  await expect(kernel).toHaveValue("v6.0");

  await kernel.selectOption("v6.6");
  await expect(status).toHaveText("Kernel v6.6");
  await expect(position(page)).toHaveText(/^Step 5 of/);
  await expect(page).toHaveURL(/kernel=v6\.6/);

  // Without the accept probe REMOVE_PAGES removes a page the enclave never accepted: the flow's
  // expectation (EPERM) no longer holds. Only the engine can say that.
  await page.getByText("What-if mutations").first().click();
  const probe = page.getByRole("checkbox", { name: /no-accept-probe/ });
  await probe.click();
  await expect(probe).toBeChecked();
  await expect(status).toHaveText("Kernel v6.6 with the what-if mutation no-accept-probe");
  await expect(page.getByText(/expectation\(s\) of this scenario did not hold/)).toBeVisible();
  await expect(page).toHaveURL(/step=5&kernel=v6\.6&mutate=no-accept-probe/);
  // The text export names them too.
  await page.getByRole("button", { name: "Export", exact: true }).click();
  await page.getByRole("button", { name: "Copy as text" }).click();
  await expect(page.getByText("Text log copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(
    "Kernel: v6.6, what-if: no-accept-probe",
  );

  // The link reopens the same run.
  const url = page.url();
  await page.goto("/?flow=augment");
  await expect(status).toHaveCount(0);
  await page.goto(url);
  await expect(status).toHaveText("Kernel v6.6 with the what-if mutation no-accept-probe");
  await expect(position(page)).toHaveText(/^Step 5 of/);
  expect(errors).toEqual([]);
});

test("a link with an unknown kernel names it and opens the rest", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=augment&step=3&kernel=v5.99&mutate=no-ipi");
  await expect(position(page)).toHaveText("Step 3 of 16");
  await expect(page.getByRole("alert")).toContainText("“v5.99”");
  await expect(page.getByTestId("machine-status")).toHaveText("Kernel v6.0 with the what-if mutation no-ipi");
  expect(errors).toEqual([]);
});

// The Reviewer tab's what-ifs: the version diff of the loaded flow with a button to its step, and
// the matrix computed in a worker with the uncaught mutation named as a finding. Axe-clean.
test("Reviewer tab: version diff seeks to the first divergence; the what-if matrix names the gap", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=refusals");
  await expect(position(page)).toHaveText(/^Step 0 of/);
  await page.getByRole("tab", { name: "Reviewer" }).click();
  const diff = page.getByRole("region", { name: "Version diff" });
  await diff.getByRole("combobox", { name: "Second kernel" }).selectOption("v6.1");
  await diff.getByRole("button", { name: "Compare" }).click();
  await expect(diff).toContainText("v6.0 and v6.1 first diverge at step 2");
  await expect(diff.getByRole("list", { name: "Differences" })).toContainText("range.overflow");
  await diff.getByRole("button", { name: "Go to step 2" }).click();
  await expect(position(page)).toHaveText(/^Step 2 of/);
  // The other kernel at that step: the run is redone on v6.1, and the diff stays.
  await page.getByRole("button", { name: "Step forward" }).click();
  await diff.getByRole("button", { name: "Show it on v6.1" }).click();
  await expect(page.getByTestId("machine-status")).toHaveText("Kernel v6.1");
  await expect(position(page)).toHaveText(/^Step 2 of/);
  await expect(diff).toContainText("first diverge at step 2");

  const matrix = page.getByRole("region", { name: "What-if matrix", exact: true });
  const compute = matrix.getByRole("button", { name: "Compute the what-if matrix" });
  // Cancel stops the spare worker: no table, and the explorer still answers.
  await compute.click();
  await matrix.getByRole("button", { name: "Cancel" }).click();
  await expect(compute).toBeEnabled();
  await expect(matrix.getByRole("table")).toHaveCount(0);
  await page.getByRole("button", { name: "Step back" }).click();
  await expect(position(page)).toHaveText(/^Step 1 of/);
  await compute.click();
  const table = matrix.getByRole("table", { name: /What-if matrix/ });
  await expect(table).toBeVisible({ timeout: 30_000 });
  const row = table.getByRole("row", { name: /^remove-added-page-no-eaccept / });
  await expect(row.getByRole("cell").nth(2)).toHaveText("caught at step 15");
  await expect(table.locator("tfoot")).toContainText("no selftest catches this");
  await expect(matrix.getByRole("list", { name: "Mutations" })).toContainText(
    "no kernel selftest catches this (a finding)",
  );
  for (const theme of ["light", "dark"]) {
    await page.getByLabel("Theme", { exact: true }).selectOption(theme);
    const axe = await new AxeBuilder({ page }).include(".whatif").include(".machine-picker").analyze();
    expect(axe.violations.map((v) => `${theme}: ${v.id}: ${v.help}`)).toEqual([]);
  }
  expect(errors).toEqual([]);
});
