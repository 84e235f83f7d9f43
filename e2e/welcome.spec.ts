import { expect, test } from "@playwright/test";
import { position, watchErrors } from "./support.ts";

// The first visit's welcome. These tests opt in to a clean browser (the config starts every
// other test with the welcome dismissed).
test.use({ storageState: { cookies: [], origins: [] } });

test("a first visit shows the welcome; its button opens the first tour at stop 1; dismissed it stays away", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto("/");
  const welcome = page.getByRole("region", { name: "New to SGX? Start here." });
  await expect(welcome).toBeVisible();
  await welcome.getByRole("button", { name: "Start the guided tour" }).click();
  await expect(welcome).toHaveCount(0);
  const tour = page.getByRole("region", { name: "Tour" });
  await expect(tour).toContainText("What is an enclave, and what is the EPC?");
  await expect(tour).toContainText("Stop 1 of");
  await expect(page.getByRole("tab", { name: "Tour" })).toHaveAttribute("aria-selected", "true");
  await expect(position(page)).toHaveText(/^Step \d+ of/);
  // Started once, never again in this browser.
  await page.goto("/");
  await expect(position(page)).toHaveText(/^Step \d+ of/);
  await expect(page.getByRole("region", { name: "New to SGX? Start here." })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("dismissing the welcome is remembered across reloads", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/");
  const welcome = page.getByRole("region", { name: "New to SGX? Start here." });
  await welcome.getByRole("button", { name: "Dismiss the welcome" }).click();
  await expect(welcome).toHaveCount(0);
  expect(await page.evaluate(() => localStorage.getItem("epcm-explorer.v1.welcome-dismissed"))).toBe("1");
  await page.reload();
  await expect(position(page)).toHaveText(/^Step \d+ of/);
  await expect(page.getByRole("region", { name: "New to SGX? Start here." })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("no welcome when the link carries state, in an embed, or with a saved scenario", async ({ page }) => {
  const errors = watchErrors(page);
  for (const url of ["/?flow=augment&step=3", "/?tour=basics", "/?flow=augment&embed=1", "/#s=1.x"]) {
    await page.goto(url);
    await expect(page.locator(".stepper-position, .alert").first()).toBeVisible();
    await expect(page.getByRole("region", { name: "New to SGX? Start here." })).toHaveCount(0);
  }
  await page.evaluate(() =>
    localStorage.setItem(
      "epcm-explorer.v1.scenario.mine",
      JSON.stringify({ name: "mine", text: "{}", savedAt: "2026-01-01T00:00:00Z" }),
    ),
  );
  await page.goto("/");
  await expect(position(page)).toHaveText(/^Step \d+ of/);
  await expect(page.getByRole("region", { name: "New to SGX? Start here." })).toHaveCount(0);
  expect(errors.filter((e) => !e.includes("s=1.x"))).toEqual([]);
});
