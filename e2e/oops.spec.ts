import { expect, test } from "@playwright/test";
import { openRun, position, watchErrors } from "./support.ts";

// A kernel oops (docs/scenario-format.md, Kernel bugs that crash): the step it happened on is
// marked in the narration, the status area and the timeline, with the steps the run left out.

test("v6.0's SECS/EAUG oops is marked on its step: narration, status and timeline", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=secs-eaug-race&step=13", 13);
  const oops = page.locator(".narration-oops");
  await expect(oops).toContainText("Kernel oops in sgx_encl_eaug_page():");
  await expect(oops).toContainText("BUG: kernel NULL pointer dereference");
  await expect(oops).toContainText("The run ended here: 1 later step was not run.");
  await expect(page.locator(".status")).toContainText(
    "Kernel oops in sgx_encl_eaug_page() at step 13: the run ended there, 1 step not run.",
  );
  const mark = page.getByRole("button", { name: /^Step 13 .*kernel oops in sgx_encl_eaug_page\(\)/ });
  await expect(mark).toBeVisible();
  await expect(page.getByRole("list", { name: "Timeline marks" })).toContainText(
    "kernel oops (the run ended)",
  );
  // The mark seeks to the step from elsewhere in the run.
  await page.goto("/?flow=secs-eaug-race&step=12");
  await expect(position(page)).toHaveText("Step 12 of 13");
  await expect(oops).toHaveCount(0);
  await mark.click();
  await expect(position(page)).toHaveText("Step 13 of 13");
  await expect(oops).toBeVisible();
  expect(errors).toEqual([]);
});

test("v6.6 loads the SECS first: no oops anywhere in the run", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=secs-eaug-race-fixed&step=13", 14);
  await expect(page.locator(".narration-oops")).toHaveCount(0);
  await expect(page.locator(".status")).not.toContainText("Kernel oops");
  await expect(page.locator("section.timeline").getByRole("button", { name: /kernel oops/ })).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Timeline marks" })).not.toContainText("kernel oops");
  expect(errors).toEqual([]);
});
