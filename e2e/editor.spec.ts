import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { ENCLAVE_CALLS, STEP_OPS } from "../engine/scenario/parse.ts";
import { editorText, expectEditorText, fillEditor, scenarioEditor, watchErrors } from "./support.ts";

// The scenario editor: CodeMirror with JSON highlighting, completion from the scenario's JSON
// Schema (a listbox of options) and the engine's validation messages marked at their JSON path.

const panel = (page: Page) => page.getByRole("complementary", { name: "Scenarios" });
const minimal = (steps: unknown[]) =>
  JSON.stringify({ format: "epcm-scenario/1", title: "typed", steps }, null, 2);

async function openEmpty(page: Page): Promise<void> {
  await page.goto("/?flow=augment");
  await expectEditorText(page, /"steps"/);
}

/**
 * Waits as a person would before acting on the completion list: CodeMirror ignores Enter and
 * the arrow keys for 75 ms after the list opens or changes (its interactionDelay, so that a list
 * appearing just as one presses Enter for a new line does not swallow it).
 */
async function listSettled(page: Page): Promise<void> {
  await expect(page.getByRole("listbox").getByRole("option", { selected: true })).toBeVisible();
  await page.waitForTimeout(150);
}

/** Accepts the selected completion with Enter. */
async function acceptWithEnter(page: Page): Promise<void> {
  await listSettled(page);
  await page.keyboard.press("Enter");
}

/** Puts the cursor after the first occurrence of `marker` (a text the editor holds once). */
async function cursorAfter(page: Page, marker: string): Promise<void> {
  const editor = await scenarioEditor(page);
  const text = await editorText(page);
  const at = text.indexOf(marker);
  expect(at, `${marker} in the editor`).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, at + marker.length);
  const lines = before.split("\n");
  const cursor = () =>
    page
      .locator(".scn-code .cm-editor")
      .evaluate((el) => (el as unknown as { editorCursor: number }).editorCursor);
  // A key the editor took before it settled (a busy machine) leaves the cursor elsewhere: then
  // the walk starts again from the top.
  await expect(async () => {
    await editor.focus();
    // No completion list open: the arrow keys must move the cursor, not the list's selection.
    await page.keyboard.press("Escape");
    await expect(page.getByRole("listbox")).toHaveCount(0);
    // From the start, by lines (staying in column 0), then by characters.
    await page.keyboard.press("ControlOrMeta+Home");
    for (let i = 1; i < lines.length; i++) await page.keyboard.press("ArrowDown");
    for (let i = 0; i < lines[lines.length - 1].length; i++) await page.keyboard.press("ArrowRight");
    await expect.poll(cursor, { message: `the cursor after ${marker}`, timeout: 3_000 }).toBe(before.length);
  }).toPass({ timeout: 20_000 });
}

test("the editor is CodeMirror, named Scenario JSON, holding the loaded flow", async ({ page }) => {
  const errors = watchErrors(page);
  await openEmpty(page);
  const editor = await scenarioEditor(page);
  await expect(editor).toHaveAttribute("contenteditable", "true");
  await expect(editor).toHaveAttribute("role", "textbox");
  await expect(page.locator(".scn-code textarea")).toHaveCount(0);
  // Highlighting from the JSON language: property names are styled tokens.
  await expect(page.locator(".scn-code .cm-line span").first()).toBeVisible();
  expect(JSON.parse(await editorText(page)).title).toBe("augment: EAUG on a page fault");
  // Fast typing keeps every key: the app's echo of an earlier text never undoes a later one.
  await cursorAfter(page, '"title": "');
  await page.keyboard.type("0123456789 ");
  await expectEditorText(page, /"title": "0123456789 augment: EAUG/);
  await expect(panel(page).getByText(/Valid scenario, 16 steps/)).toBeVisible();
  await expectEditorText(page, /"title": "0123456789 augment: EAUG/);
  expect(errors).toEqual([]);
});

test("typing in the editor (inside its shadow root) fires no keyboard shortcut", async ({ page }) => {
  const errors = watchErrors(page);
  await openEmpty(page);
  await expect(page.locator(".stepper-position")).toHaveText(/^Step 0 of 16/);
  await cursorAfter(page, '"title": "');
  for (const key of ["?", "Space", "ArrowRight", "ArrowLeft", "End", "Home"]) await page.keyboard.press(key);
  await expectEditorText(page, /"title": "\? augment: EAUG/);
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeHidden();
  await expect(page.getByRole("button", { name: "Play" })).toBeVisible();
  await expect(page.locator(".stepper-position")).toHaveText(/^Step 0 of 16/);
  expect(errors).toEqual([]);
});

test("completion offers the ops, ioctl commands, calls and SECINFO flags, as a listbox of options", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openEmpty(page);
  await fillEditor(page, minimal([{ op: "" }]));
  await expect(
    panel(page)
      .getByText(/Not valid|Problems/)
      .first(),
  ).toBeVisible();

  await cursorAfter(page, '"op": "');
  await page.keyboard.press("Control+Space");
  const list = page.getByRole("listbox");
  await expect(list).toBeVisible();
  const ops = await list.getByRole("option").allTextContents();
  expect(ops).toEqual([...STEP_OPS]);
  await page.keyboard.type("EEN");
  await expect(list.getByRole("option")).toHaveText(["EENTER"]);
  await acceptWithEnter(page);
  await expectEditorText(page, /"op": "EENTER"/);

  // Fields that exist for EENTER, then the calls, then SECINFO names after "|".
  await fillEditor(page, minimal([{ op: "EENTER", call: "EACCEPT", addr: "0x5000", secinfo: "R|W|" }]));
  await cursorAfter(page, '"op": "EENTER",');
  await page.keyboard.press("Enter");
  await page.keyboard.type('"');
  await expect(list).toBeVisible();
  await expect(list.getByRole("option")).toHaveText([
    "enclave",
    "note",
    "expect",
    "cpu",
    "tcs",
    "pages",
    "clobbered",
    "stay",
  ]);
  await page.keyboard.press("Escape");
  await cursorAfter(page, '"secinfo": "R|W|');
  await page.keyboard.type("P");
  await expect(list.getByRole("option")).toHaveText(["PENDING", "PR"]);
  await acceptWithEnter(page);
  await expectEditorText(page, /"secinfo": "R\|W\|PENDING"/);

  // ioctl commands, and the fields of the chosen command's arg.
  await fillEditor(page, minimal([{ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_", arg: {} }]));
  await cursorAfter(page, '"cmd": "SGX_IOC_ENCLAVE_');
  await page.keyboard.press("Control+Space");
  await expect(list.getByRole("option")).toHaveText([
    "SGX_IOC_ENCLAVE_CREATE",
    "SGX_IOC_ENCLAVE_ADD_PAGES",
    "SGX_IOC_ENCLAVE_INIT",
    "SGX_IOC_ENCLAVE_PROVISION",
    "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
    "SGX_IOC_ENCLAVE_MODIFY_TYPES",
    "SGX_IOC_ENCLAVE_REMOVE_PAGES",
  ]);
  await page.keyboard.type("MOD");
  await acceptWithEnter(page);
  await expectEditorText(page, /"cmd": "SGX_IOC_ENCLAVE_MODIFY_TYPES"/);
  await cursorAfter(page, '"arg": {');
  await page.keyboard.press("Control+Space");
  await expect(list.getByRole("option")).toHaveText(["offset", "length", "page_type", "result", "count"]);
  await page.keyboard.press("Escape");
  expect(errors).toEqual([]);
});

test("completion offers the calls, the machine's CPU and kernel fields, and is driven by the keyboard", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openEmpty(page);
  const list = page.getByRole("listbox");
  await fillEditor(
    page,
    JSON.stringify(
      {
        format: "epcm-scenario/1",
        machine: { kernel: "", mutate: [""] },
        steps: [{ op: "run", call: "" }],
      },
      null,
      2,
    ),
  );
  await cursorAfter(page, '"call": "');
  await page.keyboard.press("Control+Space");
  await expect(list.getByRole("option")).toHaveText([...ENCLAVE_CALLS]);
  await page.keyboard.press("Escape");
  await expect(list).toHaveCount(0);

  // The machine's fields: a new key inside "machine".
  await cursorAfter(page, '"machine": {');
  await page.keyboard.press("Enter");
  await page.keyboard.type('"');
  await expect(list.getByRole("option")).toHaveText(["epcPages", "sgx2", "cpus"]);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Backspace");

  // Kernel versions, chosen with the arrow keys.
  await cursorAfter(page, '"kernel": "');
  await page.keyboard.press("Control+Space");
  await expect(list.getByRole("option")).toHaveText(["v6.0", "v6.1", "v6.6", "v6.6+edmm-races"]);
  await listSettled(page);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await expect(list.getByRole("option", { selected: true })).toHaveText("v6.6");
  await acceptWithEnter(page);
  await expectEditorText(page, /"kernel": "v6\.6"/);

  // What-if mutations, inside the list.
  await cursorAfter(page, '"mutate": [\n      "');
  await page.keyboard.press("Control+Space");
  await expect(list.getByRole("option")).toHaveText([
    "no-ipi",
    "no-etrack",
    "no-accept-probe",
    "no-type-check",
    "no-ioctl-busy",
  ]);
  await page.keyboard.type("no-e");
  await acceptWithEnter(page);
  await expectEditorText(page, /"mutate": \[\s*"no-etrack"\s*\]/);
  expect(errors).toEqual([]);
});

test("each validation message is marked at its JSON path in the text", async ({ page }) => {
  const errors = watchErrors(page);
  await openEmpty(page);
  const editor = await scenarioEditor(page);
  await fillEditor(
    page,
    minimal([
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_CREATE", arg: { size: "8k" } },
      { op: "mmap", offset: 0, length: 4096, prot: "PROT_READ", flag: 1 },
    ]),
  );
  const alert = panel(page).getByRole("alert");
  await expect(alert).toContainText('steps[0].arg.size: expected a number or a hex string, got "8k"');
  await expect(alert).toContainText("steps[1].flag: unknown field");
  const marks = page.locator(".scn-code .cm-lintRange-error");
  await expect(marks).toHaveText(['"8k"', '"flag"']);
  await expect(editor).toHaveAttribute("aria-invalid", "true");
  // Hovering a mark shows its message.
  await marks.first().hover();
  await expect(page.locator(".cm-tooltip-lint")).toContainText("steps[0].arg.size");

  // Fixed: the marks go.
  await fillEditor(page, minimal([{ op: "close" }]));
  await expect(panel(page).getByText("Valid scenario, 1 step: press Run to see it.")).toBeVisible();
  await expect(marks).toHaveCount(0);
  await expect(editor).not.toHaveAttribute("aria-invalid", "true");
  expect(errors).toEqual([]);
});

test("a $schema key is accepted by the engine and the run starts", async ({ page }) => {
  const errors = watchErrors(page);
  await openEmpty(page);
  await fillEditor(
    page,
    JSON.stringify({
      $schema: "./scenario.schema.json",
      format: "epcm-scenario/1",
      title: "with a schema",
      steps: [{ op: "close" }],
    }),
  );
  await expect(panel(page).getByText("Valid scenario, 1 step: press Run to see it.")).toBeVisible();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.locator(".app-title")).toHaveText("with a schema");
  expect(errors).toEqual([]);
});

test("CodeMirror is not in the page's initial JavaScript: it loads after the first paint", async ({
  page,
}) => {
  const scripts: string[] = [];
  page.on("request", (r) => {
    if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
  });
  await page.goto("/?flow=augment");
  await expectEditorText(page, /"steps"/);
  const html = await (await page.request.get("/?flow=augment")).text();
  const editorChunk = scripts.find((s) => /code-editor/.test(s));
  expect(editorChunk, "the editor's own chunk was fetched").toBeTruthy();
  expect(html).not.toContain("code-editor");
});

test("if the editor's chunk cannot load, the textarea stays and the scenario can still be edited and run", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.route(/code-editor-[^/]*\.js$/, (route) => route.abort());
  await page.goto("/?flow=augment");
  const area = page.getByRole("textbox", { name: "Scenario JSON" });
  await expect(area).toHaveValue(/"title": "augment: EAUG on a page fault"/);
  await expect(page.locator(".scn-code textarea")).toHaveCount(1);
  await area.fill(minimal([{ op: "close" }]));
  await expect(panel(page).getByText("Valid scenario, 1 step: press Run to see it.")).toBeVisible();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.locator(".app-title")).toHaveText("typed");
  await expect(page.locator(".scn-code[data-ready]")).toHaveCount(0);
  // Only the refused fetch itself is reported; the app raised nothing.
  expect(errors.filter((e) => !/Failed to load resource|net::ERR_FAILED/.test(e))).toEqual([]);
});

test("the editor and its completion list have no serious axe violations", async ({ page }) => {
  await openEmpty(page);
  await fillEditor(page, minimal([{ op: "" }]));
  await cursorAfter(page, '"op": "');
  await page.keyboard.press("Control+Space");
  await expect(page.getByRole("listbox")).toBeVisible();
  for (const theme of ["light", "dark"]) {
    await page.evaluate((t) => document.documentElement.setAttribute("data-theme", t), theme);
    const results = await new AxeBuilder({ page }).include(".scn-editor").analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${theme}: ${v.id}: ${v.help}`)).toEqual([]);
  }
});
