import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { openRun, watchErrors } from "./support.ts";

// Provenance in the explorer: every event shows the basis of what it says (a small mark with a
// tooltip and accessible text), the inferred (model) statements can be highlighted or shown
// alone, tour stops and glossary entries carry their mark, and "Copy as text" names each basis.

const log = (page: import("@playwright/test").Page) => page.getByRole("log", { name: "Events" });

test("events carry basis marks; inferred events can be highlighted or shown alone", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=augment&step=12", 16);
  const items = log(page).getByRole("listitem");
  await expect(items).toHaveCount(20);
  const marks = log(page).locator(".basis-mark");
  await expect(marks).toHaveCount(20);

  // The engine's faults: EENTER's own TCS access (0x4) and the first fetch (0x14) are inferred;
  // the EPCM's 0x8007 is what the selftests assert on real hardware.
  const model = log(page).locator('.basis-mark[data-basis="model"]');
  await expect(model).toHaveCount(3);
  await expect(model.first()).toHaveAttribute(
    "title",
    /^Basis: inferred by the model .*; see engine\/MODEL\.md: /,
  );
  const hw = items.filter({ hasText: "#PF 0x8007" }).locator(".basis-mark");
  await expect(hw).toHaveAttribute("data-basis", "hardware");
  await expect(hw).toHaveAttribute("title", /observed on real hardware.*epcm_permissions/);
  // The accessible text of the event's button says the basis too.
  await expect(items.filter({ hasText: "#PF 0x8007" }).getByRole("button")).toHaveAccessibleName(
    /Basis: observed on real hardware/,
  );

  const control = page.getByLabel("Inferred statements");
  await control.selectOption("highlight");
  await expect(log(page).locator(".events-item.is-inferred")).toHaveCount(3);
  await expect(items).toHaveCount(20);
  for (const li of await log(page).locator(".events-item.is-inferred").all())
    await expect(li.locator(".basis-mark")).toHaveAttribute("data-basis", "model");

  await control.selectOption("only");
  await expect(items).toHaveCount(3);
  await expect(log(page).locator('.basis-mark:not([data-basis="model"])')).toHaveCount(0);
  // On a step with no inference (step 1, ECREATE), the log says so.
  await page.goto("/?flow=augment&step=1");
  await expect(page.locator(".stepper-position")).toHaveText(/^Step 1 of 16/);
  await page.getByLabel("Inferred statements").selectOption("only");
  await expect(log(page)).toContainText("No event of this step is the model's inference");

  await control.selectOption("all");
  await expect(items.first()).toBeVisible();
  expect(errors).toEqual([]);
});

test("tour stops and glossary entries show their basis", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=epcm-permissions", 19);
  await page.getByRole("tab", { name: "Tour" }).click();
  const tour = page.getByRole("region", { name: "Tour" });
  await tour.getByRole("button", { name: /Restricting and relaxing permissions/ }).click();
  const stop = page.getByRole("article", { name: /^Stop 1:/ });
  await expect(stop.locator(".basis-mark")).toHaveAttribute("data-basis", "kernel");
  await expect(stop).toContainText("Basis: stated by the Linux driver's code");
  // The tour has the same control; a stop that states no inference is not highlighted.
  await tour.getByLabel("Inferred statements").selectOption("highlight");
  await expect(stop).not.toHaveClass(/is-inferred/);
  // The stop on the write the EPCM refuses: hardware-observed, naming the selftest.
  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Next stop" }).click();
  const refused = page.getByRole("article", { name: "Stop 4: A write the EPCM refuses" });
  await expect(refused.locator(".basis-mark")).toHaveAttribute("data-basis", "hardware");
  await expect(refused.locator(".basis-mark")).toHaveAttribute("title", /epcm_permissions/);
  await refused.getByRole("button", { name: "AEX" }).click();
  const card = page.getByRole("region", { name: "Glossary: AEX" });
  await expect(card.locator(".basis-mark")).toHaveAttribute("data-basis", "sdm");
  await expect(card).toContainText("Basis: stated by the Intel SDM");
  expect(errors).toEqual([]);
});

test("Copy as text names each event's basis", async ({ page, context }) => {
  const errors = watchErrors(page);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await openRun(page, "/?flow=augment&step=12", 16);
  await page.getByRole("button", { name: "Export", exact: true }).click();
  await page.getByRole("button", { name: "Copy as text" }).click();
  await expect(page.getByText("Text log copied")).toBeVisible();
  const text = await page.evaluate(() => navigator.clipboard.readText());
  expect(text).toMatch(/- \[model\] EENTER raises #PF \(error code 0x4\)/);
  expect(text).toMatch(/- \[hardware\] #PF 0x8007/);
  expect(text).toMatch(/- \[sdm\] ECREATE creates the SECS/);
  expect(text).toMatch(/- \[kernel\] ioctl\(e0's fd, SGX_IOC_ENCLAVE_CREATE\)/);
  expect(errors).toEqual([]);
});

test("the basis marks and the highlighted inferences have no serious accessibility violations", async ({
  page,
}) => {
  test.setTimeout(90_000);
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await openRun(page, "/?flow=augment&step=12", 16);
    await page.getByLabel("Inferred statements").selectOption("highlight");
    await expect(log(page).locator(".events-item.is-inferred")).toHaveCount(3);
    const results = await new AxeBuilder({ page }).include(".events").include(".narration").analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(
      serious.map(
        (v) => `${scheme} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
      ),
    ).toEqual([]);
  }
});
