import { expect, test } from "@playwright/test";
import { position, watchErrors } from "./support.ts";

// What a teacher preparing a demo needs: links that open as prepared, an embed snippet, an
// embed that fits its frame.
test.use({ viewport: { width: 1366, height: 768 } });

test("Copy link carries the selected page, Show VMA/PTE and the theme; old links open as before", async ({
  page,
  context,
}) => {
  const errors = watchErrors(page);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  // An old link: nothing selected, VMA/PTE off.
  await page.goto("/?flow=augment&step=12");
  await expect(position(page)).toHaveText("Step 12 of 16");
  const pte = page.getByRole("checkbox", { name: "Show VMA/PTE" });
  await expect(pte).not.toBeChecked();
  await expect(page.locator("#inspector-title")).toHaveText("Inspector");

  // A prepared link opens as prepared.
  await page.goto("/?flow=augment&step=12&page=0x8000&pte=1&theme=dark");
  await expect(position(page)).toHaveText("Step 12 of 16");
  await expect(page.locator("#inspector-title")).toHaveText(/^Page .*\+0x8000$/);
  await expect(pte).toBeChecked();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.screenshot({ path: "/tmp/h16c-link-1366.png" });

  // Copy link writes what is shown now.
  await pte.uncheck();
  await page.getByLabel("Theme").selectOption("light");
  await page.getByRole("button", { name: "Copy link" }).click();
  await expect(page.getByText("Link copied")).toBeVisible();
  const link = new URL(await page.evaluate(() => navigator.clipboard.readText()));
  expect(link.searchParams.get("flow")).toBe("augment");
  expect(link.searchParams.get("step")).toBe("12");
  expect(link.searchParams.get("page")).toBe("0x8000");
  expect(link.searchParams.get("pte")).toBeNull();
  expect(link.searchParams.get("theme")).toBe("light");
  expect(errors).toEqual([]);
});

test("Export > Copy embed code gives an iframe with embed=1, the position and the open tour's stop", async ({
  page,
  context,
}) => {
  const errors = watchErrors(page);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/?flow=augment&step=12");
  await expect(position(page)).toHaveText("Step 12 of 16");
  await page.getByRole("button", { name: "Export", exact: true }).click();
  await page.getByRole("button", { name: "Copy embed code" }).click();
  await expect(page.getByText("Embed code copied")).toBeVisible();
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  expect(snippet).toMatch(/^<iframe src="[^"]+" title="[^"]+" width="800" height="500"/);
  const src = new URL((snippet.match(/src="([^"]+)"/)?.[1] ?? "").replace(/&amp;/g, "&"));
  expect(src.searchParams.get("embed")).toBe("1");
  expect(src.searchParams.get("flow")).toBe("augment");
  expect(src.searchParams.get("step")).toBe("12");
  // The snippet works as pasted, in a page of its own.
  const host = await context.newPage();
  await host.setContent(`<!doctype html><body style="margin:0">${snippet}</body>`);
  const frame = host.frameLocator("iframe");
  await expect(frame.getByText("Step 12 of 16")).toBeVisible();
  await host.screenshot({ path: "/tmp/h16c-embed-800x500.png" });
  await host.close();

  // With a tour open, the embed link keeps its stop.
  await page.goto("/?tour=add-on-fault&stop=2");
  await page.waitForFunction(() => /[?&]stop=2/.test(window.location.search));
  await page.getByRole("button", { name: "Export", exact: true }).click();
  await page.getByRole("button", { name: "Copy embed code" }).click();
  await expect(page.getByText("Embed code copied")).toBeVisible();
  const touring = await page.evaluate(() => navigator.clipboard.readText());
  expect(touring).toMatch(/(\?|&amp;)tour=add-on-fault&amp;stop=2&amp;/);
  expect(touring).toContain("embed=1");
  expect(errors).toEqual([]);
});
