import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { openRun, watchErrors } from "./support.ts";

// A race step (docs/scenario-format.md, Races: explicit interleavings) shows its listed steps
// as lanes, with the lock boundaries each passed in the order the engine ran them.

test("the EAUG race on v6.0: lanes per CPU, boundaries in order, the loser's SIGBUS", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=eaug-fault-race&step=12", 13);
  const table = page.getByRole("table", { name: /Race: the lock boundaries/ });
  await expect(table).toBeVisible();
  await expect(table.getByRole("columnheader")).toHaveText([
    "#",
    "CPU 0: access offset=0xc000 kind=read",
    "CPU 1: access offset=0xc000 kind=read",
  ]);
  // order [0, 1, 0, 1]: CPU 0, then CPU 1 pass their first boundary before either takes the lock.
  const firstRows = table.locator("tbody tr");
  await expect(firstRows.nth(0).getByRole("cell").nth(0)).toContainText(
    "mutex_lock(&encl->lock) after xa_load()",
  );
  await expect(firstRows.nth(1).getByRole("cell").nth(1)).toContainText(
    "mutex_lock(&encl->lock) after xa_load()",
  );
  await expect(table.locator("tr.race-outcome")).toContainText("SIGBUS");
  const serious = (await new AxeBuilder({ page }).include(".race-lanes").analyze()).violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  expect(serious.map((v) => v.id)).toEqual([]);
  expect(errors).toEqual([]);
});

test("the fixed kernel: the same race, and no SIGBUS for either CPU", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=eaug-fault-race-fixed&step=12", 13);
  const table = page.getByRole("table", { name: /Race: the lock boundaries/ });
  await expect(table).toBeVisible();
  await expect(table.locator("tr.race-outcome")).not.toContainText("SIGBUS");
  expect(errors).toEqual([]);
});

test("REMOVE_PAGES racing a fault, v6.6: an ioctl lane, the fault in the zap window, the stale PTE named; fixed, the fault backs off", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=remove-fault-race&step=14", 15);
  const table = page.getByRole("table", { name: /Race: the lock boundaries/ });
  await expect(table).toBeVisible();
  await expect(table.getByRole("columnheader").nth(1)).toContainText(
    "CPU 0: ioctl SGX_IOC_ENCLAVE_REMOVE_PAGES 0x5000",
  );
  await expect(table.locator("tbody tr").nth(1).getByRole("cell").nth(0)).toHaveText(
    "ioctl.c: sgx_encl_remove_pages(): unlock before sgx_zap_enclave_ptes()",
  );
  await expect(table.locator("tbody tr").nth(3).getByRole("cell").nth(1)).toHaveText(
    "encl.c: sgx_vma_fault(): mutex_lock(&encl->lock) after xa_load() found the page",
  );
  const note = page.locator(".race-lanes").getByRole("note");
  await expect(note).toContainText("Kernel bug: the PTE of e0+0x5000 still maps EPC page");
  const serious = (await new AxeBuilder({ page }).include(".race-lanes").analyze()).violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  expect(serious.map((v) => v.id)).toEqual([]);

  await openRun(page, "/?flow=remove-fault-race-fixed&step=14", 15);
  await expect(table).toBeVisible();
  await expect(table).toContainText("the page is busy: VM_FAULT_NOPAGE, the access is retried");
  await expect(page.locator(".race-lanes").getByRole("note")).toHaveCount(0);
  expect(errors).toEqual([]);
});
