// Helpers shared by the browser tests written after the first specs.
import { expect, type Locator, type Page } from "@playwright/test";

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

/** Chooses a file of this `name` and `text` in "Import scenario", as a user picking it. */
export async function importScenarioFile(page: Page, name: string, text: string): Promise<void> {
  await page.getByLabel("Import scenario").setInputFiles({
    name,
    mimeType: "application/json",
    buffer: Buffer.from(text),
  });
}

/**
 * Opens the app (augment loaded), imports `scenario` as the file `name` and waits until its run
 * is shown at step 0 (a large run takes a while: `timeout`). Returns the run's step count.
 */
export async function openImported(
  page: Page,
  name: string,
  scenario: unknown,
  timeout?: number,
): Promise<number> {
  await page.goto("/?flow=augment");
  await expect(position(page)).toHaveText(/^Step 0 of 16/);
  const text = JSON.stringify(scenario);
  await importScenarioFile(page, name, text);
  const steps = (JSON.parse(text) as { steps: unknown[] }).steps.length;
  await expect(position(page)).toHaveText(`Step 0 of ${steps}`, { timeout });
  return steps;
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

/**
 * The scenario editor ("Scenario JSON"): CodeMirror once it has loaded, which this waits for so
 * that a test never types into the textarea that stands in before it.
 */
export async function scenarioEditor(page: Page) {
  await expect(page.locator(".scn-code[data-ready]")).toBeAttached();
  return page.getByLabel("Scenario JSON");
}

/** The editor's whole text (CodeMirror draws only the lines in view, so not its DOM text). */
export async function editorText(page: Page): Promise<string> {
  await expect(page.locator(".scn-code[data-ready]")).toBeAttached();
  return page
    .locator(".scn-code .cm-editor")
    .evaluate((el) => (el as unknown as { editorText: string }).editorText);
}

/** Waits until the editor's text matches `pattern` (a flow has loaded into it). */
export async function expectEditorText(page: Page, pattern: RegExp): Promise<void> {
  await expect.poll(() => editorText(page)).toMatch(pattern);
}

/** The editor's text parsed as JSON, once it holds a scenario. */
export async function editorJson<T = { title: string; steps: unknown[] }>(page: Page): Promise<T> {
  await expectEditorText(page, /"steps"/);
  return JSON.parse(await editorText(page)) as T;
}

/**
 * Replaces the editor's whole text as a user does: select all (the editor's own Ctrl+A, since
 * it draws only the lines in view), then type the text in one input ("" deletes it all).
 * Locator.fill() would select only the lines drawn.
 */
export async function fillEditor(page: Page, text: string): Promise<void> {
  const editor = await scenarioEditor(page);
  await editor.focus();
  await page.keyboard.press("ControlOrMeta+a");
  if (text === "") await page.keyboard.press("Delete");
  else await page.keyboard.insertText(text);
  await expect.poll(() => editorText(page)).toBe(text);
}

/**
 * Waits until the EPCM table shows the step the stepper shows: it renders after the grids (a
 * step that rewrites hundreds of rows does not hold up the frame), aria-busy while it catches up.
 * Call before reading rows with a call that does not retry (allInnerTexts, evaluateAll, count).
 */
export async function tableSettled(page: Page): Promise<void> {
  await expect(page.getByRole("table", { name: "EPCM" })).not.toHaveAttribute("aria-busy", "true");
}

/**
 * Where cell `i` of a grid canvas is, in its CSS pixels, from the layout the canvas publishes
 * (zoom 1), once that layout holds still: while the page settles (a panel loading beside the
 * grids), the cell size still follows the panel's size, and a point read too early misses.
 */
export async function cellPoint(canvas: Locator, i: number): Promise<{ x: number; y: number }> {
  const layout = () =>
    canvas.evaluate(
      (el) =>
        new Promise<string>((done) =>
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              const box = el.getBoundingClientRect();
              done(JSON.stringify({ ...(el as HTMLElement).dataset, w: box.width, h: box.height }));
            }),
          ),
        ),
    );
  let last = "";
  await expect
    .poll(async () => {
      const now = await layout();
      const still = now === last;
      last = now;
      return still;
    })
    .toBe(true);
  const d = JSON.parse(last) as Record<string, string>;
  const cols = Number(d.cols);
  const cell = Number(d.cell);
  return {
    x: Number(d.left) + (i % cols) * cell + cell / 2,
    y: Number(d.top) + Math.floor(i / cols) * cell + cell / 2,
  };
}

/**
 * Clicks (or hovers) cell `i` of a grid canvas as a user points at it. Should the grid move
 * between reading the point and the click (the click then lands on whatever is there now), the
 * point is read again and the click tried again.
 */
export async function pointAtCell(
  canvas: Locator,
  i: number,
  how: "click" | "hover" = "click",
): Promise<void> {
  await expect(async () => {
    const position = await cellPoint(canvas, i);
    if (how === "click") await canvas.click({ position, timeout: 5_000 });
    else await canvas.hover({ position, timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
}
