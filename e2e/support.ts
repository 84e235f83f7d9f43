// Helpers shared by the browser tests written after the first specs.
import { expect, type Page } from "@playwright/test";

/** Collects console errors and uncaught exceptions; tests check the list at their end. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
  return errors;
}

/** The stepper's position text, e.g. "Step 3 of 16". */
export function position(page: Page) {
  return page.locator(".stepper-position");
}

/** Opens `url` and waits until a run is shown. */
export async function openRun(page: Page, url: string, steps: number): Promise<void> {
  await page.goto(url);
  await expect(position(page)).toHaveText(new RegExp(`^Step \\d+ of ${steps}`));
}

/**
 * Samples the main thread from inside the page: the longest gap between animation frames
 * since `startFrameWatch`, read back with `longestFrameGap`.
 */
export async function startFrameWatch(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __gap: number; __last: number };
    w.__gap = 0;
    w.__last = performance.now();
    const tick = (t: number) => {
      w.__gap = Math.max(w.__gap, t - w.__last);
      w.__last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

export async function longestFrameGap(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __gap: number }).__gap);
}
