import { expect, test } from "@playwright/test";
import { segments, TOURS } from "../web/tours/tours.ts";
import { openRun, position, watchErrors } from "./support.ts";
import { expectStopClaims } from "./tour-claims.ts";

// Every guided tour, end to end in the production build: each Next lands the stepper (driven
// by the engine in its worker) on the stop's step, the stop's text is shown, what it says is on
// screen (its claims) is what the EPCM table and the grids show, a glossary entry opens and
// closes, and Back returns to the previous stop.

const tourRegion = (page: import("@playwright/test").Page) => page.getByRole("region", { name: "Tour" });

for (const tour of TOURS) {
  test(`tour "${tour.id}" walks every stop of the ${tour.flow} flow`, async ({ page }) => {
    const errors = watchErrors(page);
    await openRun(page, "/?flow=augment", 16);
    await page.getByRole("tab", { name: "Tour" }).click();
    await tourRegion(page)
      .getByRole("button", { name: new RegExp(tour.title.replace(/[()]/g, "\\$&")) })
      .click();

    let glossaryChecked = false;
    for (const [i, stop] of tour.stops.entries()) {
      if (i > 0) await page.getByRole("button", { name: "Next stop" }).click();
      await expect(position(page)).toHaveText(new RegExp(`^Step ${stop.step} of \\d+`));
      await expect(tourRegion(page)).toContainText(`Stop ${i + 1} of ${tour.stops.length}`);
      await expect(page.getByRole("article", { name: `Stop ${i + 1}: ${stop.title}` })).toBeVisible();
      await expect(page.getByRole("heading", { name: stop.title })).toBeVisible();
      await expect(tourRegion(page).getByText("You left the tour")).toHaveCount(0);
      await expectStopClaims(page, stop, `${tour.id} stop ${i + 1} (step ${stop.step})`);

      // At the first stop with a glossary link: the entry opens in the panel, Escape closes it.
      const term = segments(stop.text).find((s) => "term" in s);
      if (term && !glossaryChecked) {
        glossaryChecked = true;
        await tourRegion(page).getByRole("button", { name: term.text, exact: true }).first().click();
        const card = page.getByRole("region", { name: `Glossary: ${"term" in term ? term.term : ""}` });
        await expect(card).toBeVisible();
        await expect(card).toContainText("Source:");
        await page.keyboard.press("Escape");
        await expect(card).toHaveCount(0);
        await expect(page.getByRole("heading", { name: stop.title })).toBeVisible();
      }
    }
    expect(glossaryChecked).toBe(true);
    await expect(page.getByRole("button", { name: "Next stop" })).toBeDisabled();

    // Back returns to the previous stop and its step.
    const previous = tour.stops[tour.stops.length - 2];
    await page.getByRole("button", { name: "Previous stop" }).click();
    await expect(position(page)).toHaveText(new RegExp(`^Step ${previous.step} of \\d+`));
    await expect(tourRegion(page)).toContainText(`Stop ${tour.stops.length - 1} of ${tour.stops.length}`);
    expect(errors).toEqual([]);
  });
}

test("stepping away from a stop offers the way back", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=augment", 16);
  await page.getByRole("tab", { name: "Tour" }).click();
  await tourRegion(page)
    .getByRole("button", { name: /Adding a page on a fault/ })
    .click();
  await expect(position(page)).toHaveText(/^Step 6 of 16/);
  await page.getByRole("button", { name: "Step forward" }).click();
  await expect(position(page)).toHaveText(/^Step 7 of 16/);
  await page.getByRole("button", { name: "Return to stop 1" }).click();
  await expect(position(page)).toHaveText(/^Step 6 of 16/);
  expect(errors).toEqual([]);
});

test("a link opens a tour at a stop; the address bar follows the tour and reopens it", async ({
  page,
  context,
}) => {
  const errors = watchErrors(page);
  await page.goto("/?tour=permissions&stop=3");
  await expect(page.getByRole("tab", { name: "Tour" })).toHaveAttribute("aria-selected", "true");
  await expect(tourRegion(page)).toContainText("Stop 3 of 6");
  await expect(position(page)).toHaveText(/^Step 15 of \d+/);
  await expect(page).toHaveURL(/\?flow=epcm-permissions&step=15&tour=permissions&stop=3$/);

  await page.getByRole("button", { name: "Next stop" }).click();
  await expect(position(page)).toHaveText(/^Step 16 of \d+/);
  await expect(page).toHaveURL(/&step=16&tour=permissions&stop=4$/);

  // "Copy link" carries the tour as well.
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy link" }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(/\?flow=epcm-permissions&step=16&tour=permissions&stop=4$/);

  await page.reload();
  await expect(tourRegion(page)).toContainText("Stop 4 of 6");
  await expect(position(page)).toHaveText(/^Step 16 of \d+/);

  await page.getByRole("button", { name: "Leave the tour" }).click();
  await expect(page).toHaveURL(/\?flow=epcm-permissions&step=16$/);

  // An unknown tour is named; the default flow opens.
  await page.goto("/?tour=nope");
  await expect(page.getByText(/There is no tour named “nope”/)).toBeVisible();
  await expect(position(page)).toHaveText(/^Step 0 of \d+/);
  expect(errors).toEqual([]);
});
