import { expect, test } from "@playwright/test";
import { editorJson, fillEditor, position, watchErrors } from "./support.ts";

// Embed mode: `?embed=1` shows only the stepper, the grids and the narration, works inside a
// real iframe, and its "Open in EPCM Explorer" link opens the same view in the full explorer.

test("embed=1 shows the stepper, both grids and the narration, and nothing else", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=augment&step=12&embed=1");
  await expect(position(page)).toHaveText("Step 12 of 16");
  await expect(page.getByRole("region", { name: "Narration" })).toContainText("0x8007");
  await expect(page.getByText("Enclave view")).toBeVisible();
  await expect(page.getByText("EPC view")).toBeVisible();
  await expect(page.getByRole("complementary", { name: "Scenarios" })).toHaveCount(0);
  await expect(page.getByRole("tablist")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Copy link" })).toHaveCount(0);
  await expect(page.getByText("EPCM entries of")).toHaveCount(0);

  // Stepping moves the "Open" link along; it keeps the position and drops embed=1.
  await page.getByRole("button", { name: "Step forward" }).click();
  await expect(position(page)).toHaveText("Step 13 of 16");
  const open = page.getByRole("link", { name: "Open in EPCM Explorer" });
  await expect(open).toHaveAttribute("href", /[?&]step=13(&|$)/);
  const href = (await open.getAttribute("href")) ?? "";
  expect(href).toContain("flow=augment");
  expect(href).not.toContain("embed");
  await expect(open).toHaveAttribute("target", "_blank");

  const [full] = await Promise.all([page.context().waitForEvent("page"), open.click()]);
  await expect(position(full)).toHaveText("Step 13 of 16");
  await expect(full.getByRole("complementary", { name: "Scenarios" })).toBeVisible();
  expect(errors).toEqual([]);
});

test("an embedded custom scenario (share link) runs inside an iframe on another page", async ({
  page,
  context,
}) => {
  // A share link for a custom scenario, made by the full app.
  await page.goto("/?flow=tcs-create");
  // The editor is filled once the worker has loaded the flow.
  const scenario = await editorJson(page);
  scenario.title = "my embedded demo";
  await fillEditor(page, JSON.stringify(scenario));
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.locator(".app-title")).toHaveText("my embedded demo");
  await page.getByRole("button", { name: "Step forward" }).click();
  await page.getByRole("button", { name: "Step forward" }).click();
  await expect(position(page)).toHaveText(/^Step 2 of/);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy link" }).click();
  await expect(page.getByText("Link copied")).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  const embedUrl = link.replace("?", "?embed=1&").replace(/^([^?#]*)#/, "$1?embed=1#");

  // The host page: an iframe sized as a slide would size it.
  const host = await context.newPage();
  await host.setContent(
    `<h1>Talk</h1><iframe title="demo" src="${embedUrl}" width="900" height="640"></iframe>`,
  );
  const frame = host.frameLocator('iframe[title="demo"]');
  await expect(frame.locator(".stepper-position")).toHaveText(/^Step 2 of/);
  await expect(frame.locator(".app-title")).toHaveText("my embedded demo");
  await expect(frame.getByRole("complementary", { name: "Scenarios" })).toHaveCount(0);
  await frame.getByRole("button", { name: "Step forward" }).click();
  await expect(frame.locator(".stepper-position")).toHaveText(/^Step 3 of/);
  const href = (await frame.getByRole("link", { name: "Open in EPCM Explorer" }).getAttribute("href")) ?? "";
  expect(href).toContain("#s=1.");
  expect(href).toContain("step=3");
  expect(href).not.toContain("embed");
});
