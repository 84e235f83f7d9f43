import { expect, test } from "@playwright/test";
import { position, watchErrors } from "./support.ts";

// Reviewer mode in the built app: the driver's checks for an ioctl step, the one that decided
// highlighted, and the kernel call path, all from the engine's record of the call.

test("a refused ioctl shows the deciding check; a new TCS shows its whole call path", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=refusals&step=17");
  await expect(position(page)).toHaveText(/^Step 17 of/);
  await page.getByRole("tab", { name: "Reviewer" }).click();
  const checks = page.getByRole("list", { name: "Driver checks" });
  const decided = checks.locator('[aria-current="true"]');
  await expect(decided).toContainText("vm_max_prot_bits include R and W");
  await expect(decided).toContainText("EPERM");
  await expect(page.locator(".review-errno")).toHaveText("EPERM");

  // Next ioctl step: MODIFY_TYPES to REG, refused earlier, by the page-type check.
  await page.getByRole("button", { name: "Next ioctl step" }).click();
  await expect(position(page)).toHaveText(/^Step 18 of/);
  await expect(decided).toContainText("SGX_PAGE_TYPE_TCS or SGX_PAGE_TYPE_TRIM");

  await page.goto("/?flow=tcs-create&step=17");
  await page.getByRole("tab", { name: "Reviewer" }).click();
  const path = page.getByRole("list", { name: "Kernel call path" });
  await expect(path).toContainText("sgx_ioc_enclave_modify_types");
  await expect(path).toContainText("sgx_zap_enclave_ptes");
  await expect(path).toContainText("__emodt");
  await expect(path).toContainText("sgx_enclave_etrack");
  await expect(page.getByText("Checks, in the driver's order: all passed")).toBeVisible();
  await expect(checks.locator('[aria-current="true"]')).toHaveCount(0);
  expect(errors).toEqual([]);
});
