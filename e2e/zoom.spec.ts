import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { openRun, position, watchErrors } from "./support.ts";

// Zooming the grids at a projector's 1366x768: Enlarge and Shrink zoom around the pages the step
// changed (the engine's report), the wheel and a pinch around the pointer, Fit shows all pages
// (and, when they already fit, lets them fill the width). In `augment` at step 12 the kernel has
// just EAUGed 0xc000 (PENDING), the bottom-left cell of the enclave's 4x4 grid.
test.use({ viewport: { width: 1366, height: 768 } });
test.describe.configure({ timeout: 60_000 });

const PENDING = 0xc; // the cell of 0xc000

interface Grid {
  cols: number;
  cell: number;
  left: number;
  top: number;
  width: number;
  height: number;
  k: number;
  x: number;
  y: number;
  /** The canvas's place in the window. */
  box: { x: number; y: number };
  count: number;
}

/** The layout and zoom a grid canvas publishes, and where it sits in the window. */
async function grid(canvas: Locator, count: number): Promise<Grid> {
  const g = await canvas.evaluate((el) => {
    const d = (el as HTMLElement).dataset;
    const r = el.getBoundingClientRect();
    return {
      cols: Number(d.cols),
      cell: Number(d.cell),
      left: Number(d.left),
      top: Number(d.top),
      k: Number(d.k),
      x: Number(d.x),
      y: Number(d.y),
      width: r.width,
      height: r.height,
      box: { x: r.x, y: r.y },
    };
  });
  return { ...g, count };
}

/** Cell `i` on screen, relative to the canvas: left, top, right, bottom. */
function cellOnCanvas(g: Grid, i: number) {
  const s = g.cell * g.k;
  const x = (g.left + (i % g.cols) * g.cell) * g.k + g.x;
  const y = (g.top + Math.floor(i / g.cols) * g.cell) * g.k + g.y;
  return { x0: x, y0: y, x1: x + s, y1: y + s };
}

/** Whether cell `i` is whole inside the grid's area of the canvas and inside the window. */
async function wholeInView(page: Page, g: Grid, i: number): Promise<boolean> {
  const c = cellOnCanvas(g, i);
  const inGrid =
    c.x0 >= g.left - 0.5 && c.y0 >= g.top - 0.5 && c.x1 <= g.width + 0.5 && c.y1 <= g.height + 0.5;
  const vh = await page.evaluate(() => innerHeight);
  const vw = await page.evaluate(() => innerWidth);
  const inWindow = g.box.y + c.y0 >= -0.5 && g.box.y + c.y1 <= vh + 0.5 && g.box.x + c.x1 <= vw + 0.5;
  return inGrid && inWindow;
}

/** The cell under a point of the canvas (canvas CSS px), from the published layout and zoom. */
function cellUnder(g: Grid, px: number, py: number): number {
  const c = Math.floor(((px - g.x) / g.k - g.left) / g.cell);
  const r = Math.floor(((py - g.y) / g.k - g.top) / g.cell);
  return r * g.cols + c;
}

const enclave = (page: Page) => page.getByRole("img", { name: "Enclave pages" });
const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });

async function openAugment12(page: Page): Promise<void> {
  await openRun(page, "/?flow=augment&step=12", 16);
  await expect(position(page)).toHaveText("Step 12 of 16");
  await expect(enclave(page)).toHaveAttribute("data-cols", "4");
}

test("Enlarge twice keeps the PENDING page whole in the grid and in the window", async ({ page }) => {
  const errors = watchErrors(page);
  await openAugment12(page);
  await button(page, "Enlarge enclave pages").click();
  await button(page, "Enlarge enclave pages").click();
  const g = await grid(enclave(page), 16);
  expect(await wholeInView(page, g, PENDING)).toBe(true);
  expect(g.k).toBeGreaterThanOrEqual(2); // it did enlarge
  // The cell in the middle of the grid's area is the PENDING page (zoomed around it)...
  const mid = cellUnder(g, (g.left + g.width) / 2, (g.top + g.height) / 2);
  expect([PENDING, PENDING + 1, PENDING - g.cols]).toContain(mid);
  // ...and pointing there says so.
  await enclave(page).hover({ position: cellCentre(g, PENDING) });
  await expect(page.locator(".grid-tooltip strong")).toHaveText("0xc000");
  await page.screenshot({ path: test.info().outputPath("enlarged.png") });
  // Shrink zooms back out around it, down to the grid as laid out.
  await button(page, "Shrink enclave pages").click();
  const half = await grid(enclave(page), 16);
  expect(half.k).toBeCloseTo(g.k / 2, 5);
  expect(await wholeInView(page, half, PENDING)).toBe(true);
  expect(errors).toEqual([]);
});

function cellCentre(g: Grid, i: number): { x: number; y: number } {
  const c = cellOnCanvas(g, i);
  return { x: (c.x0 + Math.min(c.x1, g.width)) / 2, y: (c.y0 + Math.min(c.y1, g.height)) / 2 };
}

test("Fit after Enlarge shows all pages; Fit again lets them fill the width, and back", async ({ page }) => {
  const errors = watchErrors(page);
  await openAugment12(page);
  const fit = button(page, "Fit enclave pages");
  await expect(fit).toHaveAttribute("title", /fill the width/);
  await button(page, "Enlarge enclave pages").click();
  await button(page, "Enlarge enclave pages").click();
  await expect(fit).toHaveAttribute("title", /show all pages/);
  await fit.click();
  const all = await grid(enclave(page), 16);
  expect(all.k).toBe(1);
  for (let i = 0; i < 16; i++) expect(await wholeInView(page, all, i)).toBe(true);

  // Everything fits already: Fit now sizes the cells to fill the width (and brings them into view).
  await expect(fit).toHaveAttribute("title", /fill the width/);
  await fit.click();
  await expect.poll(async () => (await grid(enclave(page), 16)).cell).toBeGreaterThan(all.cell * 1.1);
  const filled = await grid(enclave(page), 16);
  expect(filled.k).toBe(1);
  expect(filled.left + filled.cols * filled.cell).toBeGreaterThan(filled.width - 8);
  for (let i = 0; i < 16; i++) expect(await wholeInView(page, filled, i)).toBe(true);
  await page.screenshot({ path: test.info().outputPath("filled.png") });

  // Fit once more (or Shrink) returns to the usual size.
  await expect(fit).toHaveAttribute("title", /back to the usual size/);
  await fit.click();
  await expect.poll(async () => (await grid(enclave(page), 16)).cell).toBe(all.cell);
  await fit.click();
  await expect.poll(async () => (await grid(enclave(page), 16)).cell).toBeGreaterThan(all.cell);
  await button(page, "Shrink enclave pages").click();
  await expect.poll(async () => (await grid(enclave(page), 16)).cell).toBe(all.cell);
  expect(errors).toEqual([]);
});

test("the wheel and a pinch zoom around the pointer: the page under it stays under it", async ({ page }) => {
  const errors = watchErrors(page);
  await openAugment12(page);
  const canvas = enclave(page);
  await canvas.scrollIntoViewIfNeeded();
  for (const [cellIndex, pinch] of [
    [0x5, false],
    [PENDING, true],
  ] as const) {
    if ((await grid(canvas, 16)).k > 1) await button(page, "Fit enclave pages").click();
    const g0 = await grid(canvas, 16);
    expect(g0.k).toBe(1);
    // A point off the cell's centre, so zooming around the centre of anything else would move it.
    const c = cellOnCanvas(g0, cellIndex);
    const p = { x: c.x0 + (c.x1 - c.x0) * 0.3, y: c.y0 + (c.y1 - c.y0) * 0.25 };
    await page.mouse.move(g0.box.x + p.x, g0.box.y + p.y);
    if (pinch) await page.keyboard.down("Control");
    for (let n = 0; n < 8; n++) await page.mouse.wheel(0, pinch ? -20 : -120);
    if (pinch) await page.keyboard.up("Control");
    await expect.poll(async () => (await grid(canvas, 16)).k).toBeGreaterThanOrEqual(2);
    const g = await grid(canvas, 16);
    expect(cellUnder(g, p.x, p.y)).toBe(cellIndex);
    // The very point of the grid under the pointer stayed under it (within a pixel at zoom 1).
    expect(Math.abs((p.x - g.x) / g.k - p.x)).toBeLessThan(1);
    expect(Math.abs((p.y - g.y) / g.k - p.y)).toBeLessThan(1);
    await page.mouse.move(g0.box.x + p.x + 1, g0.box.y + p.y);
    await expect(page.locator(".grid-tooltip strong")).toHaveText(`0x${cellIndex.toString(16)}000`);
  }
  // The page itself was not zoomed by the pinch.
  expect(await page.evaluate(() => visualViewport?.scale ?? 1)).toBe(1);
  expect(errors).toEqual([]);
});

test("zoomed in elsewhere, the next step pans to the page it changes", async ({ page }) => {
  const errors = watchErrors(page);
  await openAugment12(page);
  const canvas = enclave(page);
  await canvas.scrollIntoViewIfNeeded();
  const g0 = await grid(canvas, 16);
  // Zoom in with the wheel over the TCS at 0x0: 0xc000 leaves the view.
  const tcs = cellOnCanvas(g0, 0);
  await page.mouse.move(g0.box.x + tcs.x0 + 10, g0.box.y + tcs.y0 + 10);
  for (let n = 0; n < 10; n++) await page.mouse.wheel(0, -150);
  await expect.poll(async () => (await grid(canvas, 16)).k).toBeGreaterThanOrEqual(3);
  expect(await wholeInView(page, await grid(canvas, 16), PENDING)).toBe(false);
  // EACCEPT (step 13) changes 0xc000: the view follows, keeping the zoom.
  await page.mouse.move(0, 0);
  await page.keyboard.press("ArrowRight");
  await expect(position(page)).toHaveText("Step 13 of 16");
  await expect.poll(async () => wholeInView(page, await grid(canvas, 16), PENDING)).toBe(true);
  expect((await grid(canvas, 16)).k).toBeGreaterThanOrEqual(3);
  expect(errors).toEqual([]);
});

test("the zoom buttons work from the keyboard, keep their names and pass axe", async ({ page }) => {
  const errors = watchErrors(page);
  await openAugment12(page);
  for (const name of ["Zoom in", "Zoom out", "Reset", "Enlarge enclave pages", "Shrink enclave pages"])
    await expect(button(page, name)).toBeVisible();
  await button(page, "Shrink enclave pages").focus();
  await page.keyboard.press("Shift+Tab");
  await expect(button(page, "Enlarge enclave pages")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await grid(enclave(page), 16)).k).toBe(2);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect(button(page, "Fit enclave pages")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await grid(enclave(page), 16)).k).toBe(1);
  await page.keyboard.press("Space");
  await expect.poll(async () => (await grid(enclave(page), 16)).cell).toBeGreaterThan(84);
  await expect(position(page)).toHaveText("Step 12 of 16"); // Space did not start playing
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const results = await new AxeBuilder({ page }).include(".grid-panel").analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${scheme} ${v.id}: ${v.help}`)).toEqual([]);
  }
  expect(errors).toEqual([]);
});
