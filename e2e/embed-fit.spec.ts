import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, type Frame, type Page, test } from "@playwright/test";
import { position, watchErrors } from "./support.ts";

// An embed in the 800x500 iframe that "Copy embed code" writes, on a host page of its own:
// it fits its frame (nothing scrolls), the changed page's row and the narration are in view,
// the almost empty EPC grid folds to a strip unless the step changes what only it shows, the
// zoom buttons visibly act, and an embed of a tour stop shows the stop's text.

/**
 * The host page: a server this test starts on a free port (another origin than the app), whose
 * page holds the snippet as pasted. (A page answered by request interception counts as public to
 * Chromium, which then blocks the local app in its iframe.)
 */
let host: Server;
let snippetHtml = "";
test.beforeAll(async () => {
  host = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><title>Slides</title><body style="margin:0">${snippetHtml}</body>`);
  });
  await new Promise<void>((done) => host.listen(0, "127.0.0.1", done));
});
test.afterAll(async () => {
  await new Promise((done) => host.close(done));
});

/** The snippet "Copy embed code" gives for `url`, pasted into the host page. */
async function embedOf(page: Page, url: string): Promise<Frame> {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto(url);
  await expect(position(page)).toHaveText(/^Step \d+ of/);
  await page.getByRole("button", { name: "Export", exact: true }).click();
  await page.getByRole("button", { name: "Copy embed code" }).click();
  await expect(page.getByText("Embed code copied")).toBeVisible();
  snippetHtml = await page.evaluate(() => navigator.clipboard.readText());
  expect(snippetHtml).toContain('width="800" height="500"');
  const { port } = host.address() as AddressInfo;
  await page.goto(`http://127.0.0.1:${port}/slides.html`);
  const handle = await page.locator("iframe").elementHandle();
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error("no iframe on the host page");
  await expect(frame.locator(".stepper-position")).toHaveText(/^Step \d+ of/);
  return frame;
}

/** A rectangle inside the frame's viewport (CSS px). */
async function rect(frame: Frame, selector: string) {
  return frame
    .locator(selector)
    .first()
    .evaluate((el) => {
      const r = el.getBoundingClientRect();
      return {
        top: r.top,
        bottom: r.bottom,
        left: r.left,
        right: r.right,
        w: window.innerWidth,
        h: window.innerHeight,
      };
    });
}

async function inFrame(frame: Frame, selector: string): Promise<void> {
  const r = await rect(frame, selector);
  expect(r.w).toBe(800);
  expect(r.h).toBe(500);
  expect(r.top, `${selector} top`).toBeGreaterThanOrEqual(0);
  expect(r.left, `${selector} left`).toBeGreaterThanOrEqual(0);
  expect(r.bottom, `${selector} bottom`).toBeLessThanOrEqual(r.h);
  expect(r.right, `${selector} right`).toBeLessThanOrEqual(r.w);
}

async function scrolls(frame: Frame) {
  return frame.evaluate(() => {
    const d = document.scrollingElement ?? document.documentElement;
    return { x: d.scrollWidth - d.clientWidth, y: d.scrollHeight - d.clientHeight };
  });
}

test("an 800x500 embed of augment step 12 shows the PENDING page's row and the narration without scrolling", async ({
  page,
}) => {
  const errors = watchErrors(page);
  const frame = await embedOf(page, "/?flow=augment&step=12");
  await expect(frame.locator(".stepper-position")).toHaveText("Step 12 of 16");
  await expect(frame.getByRole("region", { name: "Narration" })).toContainText("0x8007");
  // The whole enclave grid (its last row holds the PENDING page at 0xc000) and the narration's
  // explanation are inside the frame, and the frame's page does not scroll either way.
  await inFrame(frame, 'canvas[aria-label="Enclave pages"]');
  await inFrame(frame, ".narration-note, .narration p");
  expect(await scrolls(frame)).toEqual({ x: 0, y: 0 });
  // The EPC grid is folded to a strip: this step changed only a page the enclave view shows.
  await expect(frame.getByLabel("EPC pages")).toHaveCount(0);
  await expect(frame.getByText("EPC: 15 of 128 pages used (SECS 1, VA 1)")).toBeVisible();
  const show = frame.getByRole("button", { name: "Show EPC view" });
  await show.click();
  await expect(frame.getByRole("button", { name: "Hide EPC view" })).toHaveAttribute("aria-expanded", "true");
  await inFrame(frame, 'canvas[aria-label="EPC pages"]');
  await inFrame(frame, 'canvas[aria-label="Enclave pages"]');
  expect(await scrolls(frame)).toEqual({ x: 0, y: 0 });
  expect(errors).toEqual([]);
});

test("an embed opens the EPC grid by itself when the step changes a page only it shows", async ({ page }) => {
  const errors = watchErrors(page);
  // Step 1 is ECREATE: its change is the SECS, which the enclave view has no cell for.
  const frame = await embedOf(page, "/?flow=augment&step=1");
  await expect(frame.locator(".stepper-position")).toHaveText("Step 1 of 16");
  await expect(frame.getByLabel("EPC pages")).toBeVisible();
  await inFrame(frame, 'canvas[aria-label="EPC pages"]');
  expect(await scrolls(frame)).toEqual({ x: 0, y: 0 });
  // One step on (EADD of a page the enclave view shows) it folds again.
  await frame.getByRole("button", { name: "Step forward" }).click();
  await expect(frame.locator(".stepper-position")).toHaveText("Step 2 of 16");
  await expect(frame.getByLabel("EPC pages")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("in an embed, Enlarge, Shrink and Fit visibly change the enclave grid", async ({ page }) => {
  const errors = watchErrors(page);
  const frame = await embedOf(page, "/?flow=augment&step=12");
  const canvas = frame.locator('canvas[aria-label="Enclave pages"]');
  await expect(canvas).toBeVisible();
  const fitted = await canvas.screenshot();
  await frame.getByRole("button", { name: "Enlarge enclave pages" }).click();
  await expect.poll(async () => (await canvas.screenshot()).equals(fitted)).toBe(false);
  await frame.getByRole("button", { name: "Enlarge enclave pages" }).click();
  await expect.poll(async () => (await canvas.screenshot()).equals(fitted)).toBe(false);
  const twice = await canvas.screenshot();
  await frame.getByRole("button", { name: "Shrink enclave pages" }).click();
  await expect.poll(async () => (await canvas.screenshot()).equals(twice)).toBe(false);
  await frame.getByRole("button", { name: "Fit enclave pages" }).click();
  // Fit from a zoomed-in view shows all pages again (zoom 1), as the grid first drew them.
  await expect(canvas).toHaveAttribute("data-k", "1");
  await expect.poll(async () => (await canvas.screenshot()).equals(twice)).toBe(false);
  // Fitted, the whole grid is in the frame.
  await inFrame(frame, 'canvas[aria-label="Enclave pages"]');
  expect(errors).toEqual([]);
});

test("an embed of a tour stop keeps the stop's text in view and walks the tour", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?tour=add-on-fault&stop=2");
  await page.waitForFunction(() => /[?&]stop=2/.test(window.location.search));
  const frame = await embedOf(page, page.url());
  const tour = frame.getByRole("region", { name: "Tour" });
  await expect(tour).toContainText("Stop 2 of");
  await expect(tour.getByRole("heading", { level: 3 })).toBeVisible();
  await inFrame(frame, ".tour-stop");
  expect(await scrolls(frame)).toEqual({ x: 0, y: 0 });
  await tour.getByRole("button", { name: "Next stop" }).click();
  await expect(tour).toContainText("Stop 3 of");
  await inFrame(frame, ".tour-stop");
  expect(errors).toEqual([]);
});
