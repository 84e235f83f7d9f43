import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";

// The stepper, timeline, narration, events log, inspector and keyboard shortcuts, driven in the
// production build: every position shown here was computed by the engine in its Web Worker.

/** Collects console errors and uncaught exceptions; checked at the end of each test. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
  return errors;
}

/** The stepper's position text, e.g. "Step 3 of 16" (with ", event 2 of 7" inside a step). */
function position(page: Page) {
  return page.locator(".stepper-position");
}

async function open(page: Page, url = "/"): Promise<void> {
  await page.goto(url);
  await expect(position(page)).toHaveText(/^Step \d+ of 16/);
}

const events = (page: Page) => page.getByRole("log", { name: "Events" });

test("steps through the augment flow with the buttons and the arrow keys", async ({ page }) => {
  const errors = watchErrors(page);
  await open(page);
  await expect(page.getByText("Step 0 of 16", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Go to start" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Step back" })).toBeDisabled();
  await expect(events(page)).toContainText("No step has run yet");

  const forward = page.getByRole("button", { name: "Step forward" });
  await forward.click();
  await expect(page.getByText("Step 1 of 16", { exact: true })).toBeVisible();
  await expect(events(page)).toContainText("ECREATE");
  await expect(page.getByRole("region", { name: "Narration" })).toContainText("ioctl SGX_IOC_ENCLAVE_CREATE");
  await forward.click();
  await expect(page.getByText("Step 2 of 16", { exact: true })).toBeVisible();

  // The keyboard: ArrowRight on the page (not in a field) steps forward, one step per press.
  await page.locator("body").click({ position: { x: 2, y: 2 } });
  for (let k = 3; k <= 12; k++) {
    await page.keyboard.press("ArrowRight");
    await expect(page.getByText(`Step ${k} of 16`, { exact: true })).toBeVisible();
  }
  // Step 12 writes to the unbacked page: EAUG, then the EPCM fault reported to user space.
  await expect(events(page)).toContainText("#PF 0x8007");
  await expect(events(page)).toContainText("EAUG");
  const narration = page.getByRole("region", { name: "Narration" });
  await expect(narration).toContainText(
    "Got back an exception from inside the enclave, as the vDSO reports it: ERESUME #PF 0x8007 (faulting offset 0xc000)",
  );
  await expect(page.getByRole("region", { name: "What changed" })).toContainText("REG RW- PENDING");
  await expect(page.getByRole("region", { name: "CPU" })).toContainText("#PF 0x8007 (EPCM)");

  // EACCEPT clears PENDING; the next ERESUME writes; the read returns the value.
  await page.keyboard.press("ArrowRight");
  await expect(page.getByText("Step 13 of 16", { exact: true })).toBeVisible();
  await expect(narration).toContainText("SGX_SUCCESS");
  await expect(page.getByRole("region", { name: "What changed" })).toContainText(
    /REG RW- PENDING\s*→\s*became\s*REG RW-/,
  );
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect(page.getByText("Step 15 of 16", { exact: true })).toBeVisible();
  await expect(narration).toContainText("value 0x1122334455667788");

  // Back, end, start.
  await page.getByRole("button", { name: "Step back" }).click();
  await expect(page.getByText("Step 14 of 16", { exact: true })).toBeVisible();
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByText("Step 13 of 16", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Go to end" }).click();
  await expect(page.getByText("Step 16 of 16", { exact: true })).toBeVisible();
  await expect(forward).toBeDisabled();
  await expect(page.getByRole("button", { name: "Go to end" })).toBeDisabled();
  await page.keyboard.press("Home");
  await expect(page.getByText("Step 0 of 16", { exact: true })).toBeVisible();
  await page.keyboard.press("End");
  await expect(page.getByText("Step 16 of 16", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Go to start" }).click();
  await expect(page.getByText("Step 0 of 16", { exact: true })).toBeVisible();
  expect(errors).toEqual([]);
});

test("quick presses each count", async ({ page }) => {
  const errors = watchErrors(page);
  await open(page);
  await page.locator("body").click({ position: { x: 2, y: 2 } });
  for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
  await expect(page.getByText("Step 5 of 16", { exact: true })).toBeVisible();
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowLeft");
  await expect(page.getByText("Step 2 of 16", { exact: true })).toBeVisible();
  expect(errors).toEqual([]);
});

test("steps into the fault step and walks its events, then steps out", async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, "/?flow=augment&step=11");
  await expect(page.getByText("Step 11 of 16", { exact: true })).toBeVisible();
  await page.locator("body").click({ position: { x: 2, y: 2 } });

  await page.keyboard.press("Shift+ArrowRight");
  await expect(position(page)).toHaveText("Step 12 of 16, event 1 of 20");
  const current = events(page).locator('[aria-current="step"]');
  await expect(current).toContainText("EENTER on TCS e0+0x0");
  await expect(page.getByRole("button", { name: "Step out" })).toBeVisible();

  // Walk to the EAUG: the page appears PENDING, before the enclave touches it.
  for (let i = 2; i <= 14; i++) {
    await page.keyboard.press("Shift+ArrowRight");
    await expect(position(page)).toHaveText(`Step 12 of 16, event ${i} of 20`);
  }
  await expect(current).toContainText("EAUG adds a zeroed page at e0+0xc000");
  await expect(page.getByRole("region", { name: "What changed" })).toContainText(
    /free\s*→\s*became\s*REG RW- PENDING/,
  );

  // The fault itself.
  for (let i = 15; i <= 17; i++) {
    await page.getByRole("button", { name: "Next event" }).click();
    await expect(position(page)).toHaveText(`Step 12 of 16, event ${i} of 20`);
  }
  await expect(current).toContainText("#PF 0x8007");
  await expect(current).toContainText("raised by EPCM");

  // Back one event, then out of the step.
  await page.keyboard.press("Shift+ArrowLeft");
  await expect(position(page)).toHaveText("Step 12 of 16, event 16 of 20");
  await page.getByRole("button", { name: "Previous event" }).click();
  await expect(position(page)).toHaveText("Step 12 of 16, event 15 of 20");
  await expect(current).toContainText("PTE installed: e0+0xc000");
  await page.getByRole("button", { name: "Step out" }).click();
  await expect(position(page)).toHaveText("Step 12 of 16");
  await expect(events(page).locator('[aria-current="step"]')).toHaveCount(0);

  // Clicking an event steps into the op there.
  await events(page).getByRole("button").filter({ hasText: "EAUG adds" }).click();
  await expect(position(page)).toHaveText("Step 12 of 16, event 14 of 20");
  // "Step into" from a complete step enters the next op.
  await page.getByRole("button", { name: "Step out" }).click();
  await page.getByRole("button", { name: "Step into" }).click();
  await expect(position(page)).toHaveText(/^Step 13 of 16, event 1 of \d+$/);
  expect(errors).toEqual([]);
});

test("plays, pauses and changes speed", async ({ page }) => {
  const errors = watchErrors(page);
  await open(page);
  await page.getByLabel("Speed").selectOption("16");
  await page.getByRole("button", { name: "Play" }).click();
  await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();
  await expect(position(page)).toHaveText(/^Step ([3-9]|1[0-6]) of 16/);
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByRole("button", { name: "Play" })).toBeVisible();
  const paused = await position(page).textContent();
  await page.waitForTimeout(400);
  await expect(position(page)).toHaveText(paused ?? "");

  // Space plays from the page; playing to the end stops there.
  await page.locator("body").click({ position: { x: 2, y: 2 } });
  await page.keyboard.press("Space");
  await expect(page.getByText("Step 16 of 16", { exact: true })).toBeVisible({ timeout: 10_000 });
  await expect(page.getByRole("button", { name: "Play" })).toBeVisible();
  expect(errors).toEqual([]);
});

test("shortcuts never fire while typing in a field", async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, "/?flow=augment&step=3");
  const field = page.locator('input[type="text"], input:not([type]), textarea').first();
  await field.click();
  for (const key of ["ArrowRight", "ArrowLeft", "Shift+ArrowRight", "End", "Home", "Space", "?"])
    await page.keyboard.press(key);
  await page.waitForTimeout(300);
  await expect(position(page)).toHaveText("Step 3 of 16");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeHidden();
  await expect(page.getByRole("button", { name: "Play" })).toBeVisible();
  // Modifiers: Ctrl/Alt + arrow are the browser's, not ours.
  await page.locator("body").click({ position: { x: 2, y: 2 } });
  await page.keyboard.press("Alt+ArrowRight").catch(() => {});
  await page.keyboard.press("Control+ArrowRight");
  await page.waitForTimeout(200);
  await expect(position(page)).toHaveText("Step 3 of 16");
  expect(errors).toEqual([]);
});

test("? shows the shortcut legend; Escape closes it", async ({ page }) => {
  const errors = watchErrors(page);
  await open(page);
  await page.locator("body").click({ position: { x: 2, y: 2 } });
  await page.keyboard.press("?");
  const legend = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(legend).toBeVisible();
  for (const text of [
    "Step forward",
    "Step back",
    "Next event",
    "Previous event",
    "Play / Pause",
    "Go to start",
    "Go to end",
  ])
    await expect(legend).toContainText(text);
  // While it is open, the arrows do not step behind it.
  await page.keyboard.press("ArrowRight");
  await expect(position(page)).toHaveText("Step 0 of 16");
  await page.keyboard.press("Escape");
  await expect(legend).toBeHidden();
  // The visible button opens it too, and its Close button closes it.
  await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
  await expect(legend).toBeVisible();
  await legend.getByRole("button", { name: "Close" }).click();
  await expect(legend).toBeHidden();
  await expect(page.getByRole("button", { name: "Keyboard shortcuts" })).toBeFocused();
  expect(errors).toEqual([]);
});

test("the timeline marks the fault and seeks on click", async ({ page }) => {
  const errors = watchErrors(page);
  await open(page);
  const mark = page.getByRole("button", {
    name: /#PF 0x8007 at offset 0xc000, reported to user space by ERESUME/,
  });
  await expect(mark).toBeVisible();
  await mark.click();
  await expect(position(page)).toHaveText("Step 12 of 16");
  await page.getByRole("button", { name: "Go to start" }).click();
  await page.getByRole("button", { name: "Next mark" }).click();
  await expect(position(page)).toHaveText("Step 12 of 16");
  // Clicking the axis seeks to the nearest step.
  const svg = page.locator(".timeline-canvas svg");
  const box = await svg.boundingBox();
  if (!box) throw new Error("no timeline");
  const pad = 14;
  const xOf = (k: number) => pad + ((box.width - 2 * pad) * k) / 16;
  await svg.click({ position: { x: xOf(5), y: box.height - 30 } });
  await expect(position(page)).toHaveText("Step 5 of 16");
  // A mark is reachable from the keyboard.
  await mark.focus();
  await page.keyboard.press("Enter");
  await expect(position(page)).toHaveText("Step 12 of 16");
  expect(errors).toEqual([]);
});

test("the inspector shows the selected page as the steps change it", async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, "/?flow=augment&step=12");
  const inspector = page.locator(".inspector");
  await expect(inspector).toContainText("Click a page in either grid");
  await page.getByRole("table", { name: "EPCM" }).getByRole("row").filter({ hasText: "0xc000" }).click();
  await expect(page.getByRole("heading", { name: "Page e0+0xc000" })).toBeVisible();
  const epcm = page.getByRole("region", { name: "EPCM entry" });
  await expect(epcm).toContainText(/PENDING\s*PENDING set/);
  await expect(page.getByRole("region", { name: "Kernel record" })).toContainText("RWX");
  await expect(page.getByRole("region", { name: "Page tables" })).toContainText("0xc000–0xd000");
  await page.locator("body").click({ position: { x: 2, y: 2 } });
  await page.keyboard.press("ArrowRight");
  await expect(position(page)).toHaveText("Step 13 of 16");
  await expect(epcm).toContainText(/PENDING\s*PENDING clear/);
  await page.keyboard.press("ArrowRight");
  await expect(position(page)).toHaveText("Step 14 of 16");
  await expect(page.getByRole("region", { name: "Data" })).toContainText("0x1122334455667788");
  await page.getByRole("button", { name: "Clear selection" }).click();
  await expect(inspector).toContainText("Click a page in either grid");
  expect(errors).toEqual([]);
});

test("the stepper and the time views have no serious accessibility violations, light and dark", async ({
  page,
}) => {
  test.setTimeout(90_000); // two loads and two scans
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await open(page, "/?flow=augment&step=12");
    await page.getByRole("button", { name: "Step into" }).waitFor({ state: "visible" });
    await page.keyboard.press("Shift+ArrowLeft");
    await expect(position(page)).toHaveText("Step 12 of 16, event 19 of 20");
    const results = await new AxeBuilder({ page })
      .include(".stepper")
      .include(".timeline")
      .include(".narration")
      .include(".events")
      .include(".inspector")
      .analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(
      serious.map(
        (v) => `${scheme} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
      ),
    ).toEqual([]);
  }
});
