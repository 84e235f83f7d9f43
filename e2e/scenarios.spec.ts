import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { editorJson, expectEditorText, fillEditor, importScenarioFile } from "./support.ts";

// Scenarios, share links and the theme, against the production build: the flows, validation
// messages and step counts all come from the engine in its Web Worker.

/** Collects console errors and uncaught exceptions; checked at the end of each test. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
  return errors;
}

// The machine running these may be busy: these tests walk whole flows in two pages.
test.describe.configure({ timeout: 90_000 });

const scenarios = (page: Page) => page.getByRole("complementary", { name: "Scenarios" });

async function stepCount(page: Page): Promise<number> {
  const text =
    (await page
      .getByText(/Step \d+ of \d+/)
      .first()
      .textContent()) ?? "";
  return Number(/of (\d+)/.exec(text)?.[1]);
}

async function copyLink(page: Page, context: BrowserContext): Promise<string> {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy link" }).click();
  await expect(page.getByText("Link copied")).toBeVisible();
  return page.evaluate(() => navigator.clipboard.readText());
}

test("share link round trip: a built-in flow at step 5", async ({ page, context }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=augment");
  await expect(page.getByText(/Step 0 of \d+/)).toBeVisible();
  const total = await stepCount(page);
  for (let i = 1; i <= 5; i++) {
    await page.getByRole("button", { name: "Step forward" }).click();
    await expect(page.getByText(`Step ${i} of ${total}`)).toBeVisible();
  }
  // The address bar follows the stepper.
  await expect(page).toHaveURL(/\?flow=augment&step=5$/);
  const link = await copyLink(page, context);
  expect(link).toMatch(/\/\?flow=augment&step=5$/);

  const other = await context.newPage();
  const otherErrors = watchErrors(other);
  await other.goto(link);
  await expect(other.getByText(`Step 5 of ${total}`)).toBeVisible();
  await expect(
    scenarios(other).getByRole("button", { name: "augment: EAUG on a page fault" }),
  ).toHaveAttribute("aria-current", "true");
  await expect(other.getByRole("alert")).toHaveCount(0);
  expect([...errors, ...otherErrors]).toEqual([]);
});

test("a step-into position travels in the link too", async ({ page, context }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=augment&step=6&event=2");
  await expect(page).toHaveURL(/\?flow=augment&step=6&event=2$/);
  const link = await copyLink(page, context);
  expect(link).toMatch(/\?flow=augment&step=6&event=2$/);
  await expect(page.getByRole("alert")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("a custom scenario: edited, run, linked, reopened", async ({ page, context }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=augment");
  await expectEditorText(page, /"title": "augment: EAUG on a page fault"/);

  // Edit: a new title and only the first 8 steps, then add a 9th with the form.
  const json = await editorJson(page);
  json.title = "my shortened augment";
  json.steps = json.steps.slice(0, 8);
  await fillEditor(page, JSON.stringify(json, null, 2));
  await expect(scenarios(page).getByText("Valid scenario, 8 steps: press Run to see it.")).toBeVisible();
  await page.getByLabel("Operation", { exact: true }).selectOption("mprotect");
  await page.getByLabel("offset", { exact: true }).fill("0x5000");
  await page.getByLabel("PROT_WRITE", { exact: true }).uncheck();
  await page.getByRole("button", { name: "Append step" }).click();
  await expect(scenarios(page).getByText("Added as step 9 (steps[8]). Press Run to see it.")).toBeVisible();
  expect((await editorJson(page)).steps[8]).toEqual({
    op: "mprotect",
    offset: "0x5000",
    length: "0x1000",
    prot: "PROT_READ",
  });

  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByText("Step 0 of 9")).toBeVisible();
  await expect(page.locator(".app-title")).toHaveText("my shortened augment");
  for (let i = 1; i <= 3; i++) await page.getByRole("button", { name: "Step forward" }).click();
  await expect(page.getByText("Step 3 of 9")).toBeVisible();
  await expect(page).toHaveURL(/#s=1\.[A-Za-z0-9_-]+&step=3$/);

  const link = await copyLink(page, context);
  expect(link).toMatch(/\/#s=1\.[A-Za-z0-9_-]+&step=3$/);
  const other = await context.newPage();
  const otherErrors = watchErrors(other);
  await other.goto(link);
  await expect(other.getByText("Step 3 of 9")).toBeVisible();
  await expect(other.locator(".app-title")).toHaveText("my shortened augment");
  await expectEditorText(other, /"title": "my shortened augment"/);
  expect((await editorJson(other)).steps[8]).toMatchObject({ op: "mprotect", prot: "PROT_READ" });
  await expect(other.getByRole("alert")).toHaveCount(0);
  expect([...errors, ...otherErrors]).toEqual([]);
});

test("a bad field in the Add a step form is named, and nothing is added", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=augment");
  await expectEditorText(page, /"format"/);
  const before = (await editorJson(page)).steps.length;
  await page.getByLabel("Operation", { exact: true }).selectOption("EENTER");
  await page.getByLabel("call", { exact: true }).selectOption("EACCEPT");
  await page.getByLabel("addr", { exact: true }).fill("8k");
  await page.getByRole("button", { name: "Append step" }).click();
  const alert = scenarios(page).getByRole("alert");
  await expect(alert).toContainText("The step was not added");
  await expect(alert).toContainText('addr: expected a number or a hex string, got "8k"');
  expect((await editorJson(page)).steps.length).toBe(before);
  expect(errors).toEqual([]);
});

test("the editor shows the engine's JSON-path messages live", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=augment");
  await expectEditorText(page, /"format"/);
  const json = await editorJson(page);
  (json.steps[0] as { arg: { size: string } }).arg.size = "8k";
  await fillEditor(page, JSON.stringify(json, null, 2));
  await expect(scenarios(page).getByRole("alert")).toContainText(
    'steps[0].arg.size: expected a number or a hex string, got "8k"',
  );
  await fillEditor(page, "{ not json");
  await expect(scenarios(page).getByRole("alert")).toContainText("not valid JSON");
  expect(errors).toEqual([]);
});

test("import a scenario file, and export the editor's scenario", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=augment");
  await expectEditorText(page, /"format"/);
  const json = await editorJson(page);
  json.title = "imported augment";
  json.steps = json.steps.slice(0, 10);
  await importScenarioFile(page, "imported.json", JSON.stringify(json));
  await expect(scenarios(page).getByText("Imported “imported.json”.")).toBeVisible();
  await expect(page.getByText("Step 0 of 10")).toBeVisible();
  await expect(page.locator(".app-title")).toHaveText("imported augment");

  // A file that is not a scenario changes nothing.
  await importScenarioFile(page, "notes.json", '{"format": "epcm-scenario/9", "steps": []}');
  const alert = scenarios(page).getByRole("alert");
  await expect(alert).toContainText("“notes.json” is not a scenario EPCM Explorer can run");
  await expect(alert).toContainText("written by a newer version?");
  await expect(page.getByText("Step 0 of 10")).toBeVisible();
  expect((await editorJson(page)).title).toBe("imported augment");

  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export scenario" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("imported-augment.json");
  const path = await download.path();
  const exported = JSON.parse(await readFile(path, "utf8"));
  expect(exported).toEqual(json);
  expect(errors).toEqual([]);
});

test("a garbled link shows an alert, opens augment and keeps saved scenarios", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=tcs-create");
  await expectEditorText(page, /"format"/);
  await page.getByLabel("Scenario name", { exact: true }).fill("my saved work");
  await page.getByRole("button", { name: "Save scenario" }).click();
  await expect(scenarios(page).getByText("Saved “my saved work”.")).toBeVisible();

  await page.goto("/#s=1.garbage");
  await expect(page.getByRole("alert").filter({ hasText: "This link's scenario is damaged" })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText("Showing the built-in flow “augment” instead.");
  await expect(page.getByText(/Step 0 of \d+/)).toBeVisible();
  await expect(
    scenarios(page).getByRole("button", { name: "augment: EAUG on a page fault" }),
  ).toHaveAttribute("aria-current", "true");
  const saved = page.getByRole("list", { name: "Saved scenarios" });
  await expect(saved.locator(".saved-name")).toHaveText(["my saved work"]);
  // And the saved scenario still loads.
  await saved.getByRole("button", { name: "Load my saved work" }).click();
  await expect(page.locator(".app-title")).toHaveText(/tcs_create/);
  expect(errors).toEqual([]);
});

test("a link from a newer version says so", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/#s=2.eJyrVkrLz1eyUlBKSsxLSSxRqgUAQ6sGdA&step=3");
  await expect(page.getByRole("alert")).toContainText(
    "This link was made by a newer version of EPCM Explorer (link format 2); this version reads format 1.",
  );
  await expect(page.getByText(/Step 0 of \d+/)).toBeVisible();
  expect(errors).toEqual([]);
});

test("?flow=nope names the unknown flow and falls back to augment", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=nope&step=3");
  await expect(page.getByRole("alert")).toContainText("There is no built-in flow named “nope”");
  await expect(page.getByRole("alert")).toContainText("Showing the built-in flow “augment” instead.");
  await expect(page.getByText(/Step 0 of \d+/)).toBeVisible();
  await expect(page).toHaveURL(/\?flow=augment$/);
  expect(errors).toEqual([]);
});

test("choosing a built-in flow loads it and updates the URL", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/");
  await expect(page.getByText(/Step 0 of \d+/)).toBeVisible();
  await scenarios(page).getByRole("button", { name: "epcm_permissions: EMODPR, EACCEPT, EMODPE" }).click();
  await expect(page).toHaveURL(/\?flow=epcm-permissions$/);
  await expectEditorText(page, /"title": "epcm_permissions/);
  expect(errors).toEqual([]);
});

test("dark mode: the toggle changes data-theme and the background, and is remembered", async ({ page }) => {
  const errors = watchErrors(page);
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/?flow=augment");
  await expect(page.getByText(/Step 0 of \d+/)).toBeVisible();
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const html = page.locator("html");
  await expect(html).not.toHaveAttribute("data-theme");
  const light = await background();

  await page.getByLabel("Theme", { exact: true }).selectOption("dark");
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect.poll(background).not.toBe(light);
  const dark = await background();

  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(page.getByLabel("Theme", { exact: true })).toHaveValue("dark");
  expect(await background()).toBe(dark);

  // "System" follows prefers-color-scheme.
  await page.getByLabel("Theme", { exact: true }).selectOption("system");
  await expect(html).not.toHaveAttribute("data-theme");
  await expect.poll(background).toBe(light);
  await page.emulateMedia({ colorScheme: "dark" });
  await expect.poll(background).toBe(dark);
  expect(errors).toEqual([]);
});

test("the scenarios panel and header controls have no serious axe violations", async ({ page }) => {
  await page.goto("/?flow=augment");
  await expectEditorText(page, /"format"/);
  for (const theme of ["light", "dark"]) {
    await page.getByLabel("Theme", { exact: true }).selectOption(theme);
    const results = await new AxeBuilder({ page })
      .include("aside[aria-label='Scenarios']")
      .include("header")
      .analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(
      serious.map(
        (v) => `${theme}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
      ),
    ).toEqual([]);
  }
});
