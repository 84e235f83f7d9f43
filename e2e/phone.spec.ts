import { type CDPSession, devices, expect, type Locator, type Page, test } from "@playwright/test";
import { position, watchErrors } from "./support.ts";

// Phone layout, with mobile emulation (iPhone 13: 390 px wide, touch): the stepper and grids come
// first and the scenario editor last, folded; nothing scrolls sideways; the grids take pinch-zoom
// and a one-finger drag, and a tap on a page inspects it.
const { defaultBrowserType: _, ...iphone } = devices["iPhone 13"];
test.use({ ...iphone });

async function top(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  if (!box) throw new Error("not laid out");
  return box.y;
}

async function sideways(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test("at 390 px the stepper and grids come first, the editor last and folded, nothing scrolls sideways", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=augment&step=12");
  await expect(position(page)).toHaveText("Step 12 of 16");
  expect(page.viewportSize()?.width).toBe(390);
  const stepper = page.getByRole("region", { name: "Stepper" });
  const grid = page.getByRole("img", { name: "Enclave pages" });
  // The stepper and the top of the enclave grid are on the first screen.
  expect(await top(stepper)).toBeLessThan(200);
  expect(await top(grid)).toBeLessThan(844);
  // The editor is folded behind a button that comes after the grids.
  const fold = page.getByRole("button", { name: "Scenarios and editor" });
  await expect(fold).toHaveAttribute("aria-expanded", "false");
  await expect(page.getByLabel("Scenario JSON")).toBeHidden();
  expect(await top(fold)).toBeGreaterThan(await top(grid));
  await expect.poll(() => sideways(page)).toBe(0);
  await fold.tap();
  await expect(fold).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByLabel("Scenario JSON")).toBeVisible();
  expect(await top(page.getByLabel("Scenario JSON"))).toBeGreaterThan(await top(grid));
  await expect.poll(() => sideways(page)).toBe(0);
  // Every step of the run keeps to the screen's width.
  await page.getByRole("button", { name: "Step into" }).tap();
  await expect.poll(() => sideways(page)).toBe(0);
  expect(errors).toEqual([]);
});

/** Touch points through the DevTools protocol: Playwright's own touch API taps only. */
async function touch(
  cdp: CDPSession,
  type: "touchStart" | "touchMove" | "touchEnd",
  points: Array<[number, number]>,
): Promise<void> {
  await cdp.send("Input.dispatchTouchEvent", {
    type,
    touchPoints: points.map(([x, y], id) => ({ x, y, id })),
  });
}

test("on a phone the enclave grid pinch-zooms, drags with one finger, and a tap inspects a page", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=augment&step=12");
  await expect(position(page)).toHaveText("Step 12 of 16");
  const grid = page.getByRole("img", { name: "Enclave pages" });
  await grid.scrollIntoViewIfNeeded();
  const box = await grid.boundingBox();
  if (!box) throw new Error("grid not laid out");
  const before = await grid.screenshot();

  // Tap the first page (TCS at 0x0): the Inspector shows it and comes into view.
  await page.touchscreen.tap(box.x + 90, box.y + 55);
  const inspector = page.getByRole("heading", { name: "Page e0+0x0" });
  await expect(inspector).toBeVisible();
  await expect(inspector).toBeInViewport();
  await grid.scrollIntoViewIfNeeded();
  const at = await grid.boundingBox();
  if (!at) throw new Error("grid not laid out");

  // Pinch out around the grid's middle: the cells grow.
  const cdp = await page.context().newCDPSession(page);
  const mx = at.x + at.width / 2;
  const my = at.y + at.height / 2;
  await touch(cdp, "touchStart", [
    [mx - 20, my],
    [mx + 20, my],
  ]);
  for (let d = 30; d <= 110; d += 20)
    await touch(cdp, "touchMove", [
      [mx - d, my],
      [mx + d, my],
    ]);
  await touch(cdp, "touchEnd", []);
  await expect.poll(async () => (await grid.screenshot()).equals(before)).toBe(false);
  const zoomed = await grid.screenshot();

  // One finger drags the zoomed grid.
  await touch(cdp, "touchStart", [[mx, my]]);
  for (let d = 10; d <= 80; d += 10) await touch(cdp, "touchMove", [[mx - d, my - d / 2]]);
  await touch(cdp, "touchEnd", []);
  await expect.poll(async () => (await grid.screenshot()).equals(zoomed)).toBe(false);
  expect(errors).toEqual([]);
});
