import { expect, test } from "@playwright/test";
import { watchErrors } from "./support.ts";

// The API history tab in the built app: V1 to mainline, sources linked, the current ioctl marked.

test("the API history lists V1 to mainline with sources and marks the current ioctl's entries", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=tcs-create&step=17");
  await page.getByRole("tab", { name: "API history" }).click();
  const panel = page.getByRole("tabpanel");
  await expect(panel.getByRole("heading", { name: /^V1/ })).toBeVisible();
  await expect(panel.getByRole("heading", { name: /^Mainline/ })).toBeVisible();
  await expect(panel).toContainText("SGX_IOC_PAGE_MODP");
  const link = panel.getByRole("link", { name: /PATCH V3 00\/30/ });
  await expect(link).toHaveAttribute(
    "href",
    "https://lore.kernel.org/lkml/cover.1648847675.git.reinette.chatre@intel.com/",
  );
  await expect(panel).toContainText("Entries about SGX_IOC_ENCLAVE_MODIFY_TYPES (this step) are marked.");
  await expect(panel.locator('[aria-current="true"]').first()).toContainText("SGX_IOC_PAGE_MODT");
  expect(errors).toEqual([]);
});
