import { expect, test } from "@playwright/test";
import { openRun, position, watchErrors } from "./support.ts";

// The kernel and what-if pickers: the engine re-runs the flow, the status line and the link say so.
test("kernel and mutation pickers re-run the flow, and the link carries them", async ({ page }) => {
  const errors = watchErrors(page);
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
