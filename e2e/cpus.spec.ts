import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { openRun, position, watchErrors } from "./support.ts";

// Several CPUs in the browser: the CPU lanes and the "TLB" table follow the stepper, a lane
// click seeks, the narration names the CPU, and axe finds nothing serious in the panel.

test("eaccept-from-inside: the TLB table and the CPU lanes follow the run", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=eaccept-from-inside&step=11", 18);
  const tlb = page.getByRole("table", { name: "TLB" });
  await expect(tlb.getByRole("columnheader")).toHaveText(["CPU", "Offset", "Rights", "Stale"]);
  await expect(tlb.getByRole("row", { name: /e0\+0x5000/ })).toContainText("RW-");
  await expect(page.getByRole("region", { name: "Narration" })).toContainText("On CPU 1, called");
  await expect(page.getByRole("list", { name: "Enclave view legend" })).toContainText(
    "cached in a CPU's TLB",
  );

  // The IPI's AEX on CPU 1 during the restriction (step 13); a click on the lane seeks there.
  await page
    .getByRole("list", { name: "CPU 1 over the steps" })
    .getByRole("button", { name: /after step 13: .*AEX/ })
    .click();
  await expect(position(page)).toHaveText(/^Step 13 of 18/);
  await expect(tlb).toContainText("No CPU caches an enclave translation after this step.");

  // After the EACCEPT and a read, the page is cached with R only.
  await page
    .getByRole("list", { name: "CPU 1 over the steps" })
    .getByRole("button", { name: /after step 15:/ })
    .click();
  await expect(position(page)).toHaveText(/^Step 15 of 18/);
  await expect(tlb.getByRole("row", { name: /e0\+0x5000/ })).toContainText("R--");

  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const results = await new AxeBuilder({ page }).include(".cpus").analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${scheme} ${v.id}: ${v.help}`)).toEqual([]);
  }
  expect(errors).toEqual([]);
});

test("a single-CPU flow shows no CPU panel", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=augment&step=3", 16);
  await expect(page.getByRole("table", { name: "TLB" })).toHaveCount(0);
  expect(errors).toEqual([]);
});
