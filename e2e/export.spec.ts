import { readFile, writeFile } from "node:fs/promises";
import { expect, type Page, test } from "@playwright/test";
import { openRun, watchErrors } from "./support.ts";

// "Export": the text log and the kernel selftest on the clipboard, and the current view saved
// as SVG (real rects, one per page) and PNG (the same drawing, rasterized), in the current theme.

async function exportItem(page: Page, name: string): Promise<void> {
  await page.getByRole("button", { name: "Export", exact: true }).click();
  await page.getByRole("button", { name }).click();
}

async function downloaded(page: Page, name: string): Promise<{ file: string; bytes: Buffer }> {
  const wait = page.waitForEvent("download");
  await exportItem(page, name);
  const d = await wait;
  return { file: d.suggestedFilename(), bytes: await readFile((await d.path()) as string) };
}

test("Copy as text and Copy as kernel selftest put the engine's output on the clipboard", async ({
  page,
  context,
}) => {
  const errors = watchErrors(page);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await openRun(page, "/?flow=augment&step=12", 16);
  await exportItem(page, "Copy as text");
  await expect(page.getByText("Text log copied")).toBeVisible();
  const text = await page.evaluate(() => navigator.clipboard.readText());
  expect(text).toContain("augment: EAUG on a page fault");
  expect(text).toContain("0x8007");
  await exportItem(page, "Copy as kernel selftest");
  await expect(page.getByText("Kernel selftest copied")).toBeVisible();
  const c = await page.evaluate(() => navigator.clipboard.readText());
  expect(c).toMatch(/TEST_F\(enclave, augment\)/);
  expect(c).toContain("ENCL_CALL");
  expect(errors).toEqual([]);
});

test("a run the selftest harness cannot express is refused with the reason", async ({ page }) => {
  await openRun(page, "/?flow=reclaim-reload", await countOf(page, "/?flow=reclaim-reload"));
  await exportItem(page, "Copy as kernel selftest");
  await expect(page.getByRole("alert")).toContainText("cannot export as a kernel selftest");
});

async function countOf(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await expect(page.locator(".stepper-position")).toHaveText(/^Step \d+ of \d+/);
  return Number(/of (\d+)/.exec((await page.locator(".stepper-position").textContent()) ?? "")?.[1]);
}

test("Save view as SVG and PNG: the view as on screen, with the step's caption, what changed and a legend", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await openRun(page, "/?flow=augment&step=12", 16);
  const light = await downloaded(page, "Save view as SVG");
  expect(light.file).toBe("epcm-augment-step-12.svg");
  const svg = light.bytes.toString("utf8");
  const facts = await page.evaluate((markup) => {
    const doc = new DOMParser().parseFromString(markup, "image/svg+xml");
    // Colours compared as a 2D context normalizes them ("#rrggbb").
    const ctx = document.createElement("canvas").getContext("2d") as CanvasRenderingContext2D;
    const norm = (c: string | null | undefined) => {
      ctx.fillStyle = c ?? "";
      return String(ctx.fillStyle);
    };
    const bg = norm(getComputedStyle(document.documentElement).getPropertyValue("--bg").trim());
    const enclave = [...doc.querySelectorAll(".cells-enclave rect[data-cell]")];
    const xs = new Set(enclave.map((r) => r.getAttribute("x")));
    const texts = (sel: string) => [...doc.querySelectorAll(`${sel} text`)].map((t) => t.textContent ?? "");
    return {
      parsed: doc.querySelector("parsererror") === null,
      epcCells: doc.querySelectorAll(".cells-epc rect[data-cell]").length,
      enclaveCells: enclave.length,
      columns: xs.size,
      changed: [...doc.querySelectorAll(".changed-enclave rect")].map((r) => r.getAttribute("data-cell")),
      caption: texts(".caption").join("\n"),
      axis: texts(".axis"),
      badges: texts(".cells-enclave").filter((t) => t === "PENDING").length,
      legend: texts(".legend").join(" "),
      background: norm(doc.querySelector("svg > rect")?.getAttribute("fill")),
      bg,
      firstEpcFill: norm(doc.querySelector(".cells-epc rect")?.getAttribute("fill")),
      firstEpcX: Number(doc.querySelector(".cells-epc rect")?.getAttribute("x")),
      firstEpcY: Number(doc.querySelector(".cells-epc rect")?.getAttribute("y")),
    };
  }, svg);
  expect(facts.parsed).toBe(true);
  // Every page of ELRANGE (0x10000 = 16 pages, the three empty ones too), in the screen's columns.
  expect(facts.enclaveCells).toBe(16);
  expect(facts.columns).toBe(4); // the enclave grid's columns at 1366x768
  // The page the fault EAUGed is outlined as changed by this step, and badged PENDING in words.
  expect(facts.changed).toEqual(["12"]);
  expect(facts.badges).toBe(1);
  // The caption is the step's op and what user space got back, as the narration shows them.
  const op = (await page.locator(".narration-op").first().textContent()) ?? "";
  expect(facts.caption).toContain(`Step 12 of 16: ${op}`);
  const outcome = (await page.locator(".narration-outcome-text").first().textContent()) ?? "";
  expect(facts.caption).toContain(`Got back: ${outcome}`);
  expect(facts.caption).toContain("0x8007");
  // Offsets into ELRANGE, as the grid's axes show them.
  for (const label of ["0x0", "0x4000", "0x8000", "0xc000", "+0x1000"]) expect(facts.axis).toContain(label);
  expect(facts.legend).toContain("changed by this step");
  expect(facts.legend).toContain("the page was added by EAUG");
  expect(facts.legend).not.toContain("PR = PR");
  // The EPC is cropped to the pages in use (the grid's summary names the count).
  const used = Number(
    (
      await page
        .locator(".grid-summary")
        .getByText(/^used /)
        .textContent()
    )?.replace(/\D/g, ""),
  );
  expect(facts.epcCells).toBe(used);
  expect(facts.background).toBe(facts.bg);

  // The PNG is the same drawing at twice the size: its background and first EPC page have the SVG's colours.
  const width = Number(/<svg [^>]*width="(\d+)"/.exec(svg)?.[1]);
  const height = Number(/<svg [^>]*height="(\d+)"/.exec(svg)?.[1]);
  const png = await downloaded(page, "Save view as PNG");
  expect(png.file).toBe("epcm-augment-step-12.png");
  expect(png.bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
  const pixels = await page.evaluate(
    async ({ b64, x, y }) => {
      // (The site's CSP allows no fetch of data: URLs, so the bytes are decoded by hand.)
      const blob = new Blob([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], { type: "image/png" });
      const bmp = await createImageBitmap(blob);
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext("2d") as OffscreenCanvasRenderingContext2D;
      ctx.drawImage(bmp, 0, 0);
      const at = (px: number, py: number) => [...ctx.getImageData(px, py, 1, 1).data.slice(0, 3)];
      const hex = (v: number[]) => `#${v.map((n) => n.toString(16).padStart(2, "0")).join("")}`;
      return {
        width: bmp.width,
        height: bmp.height,
        corner: hex(at(4, 4)),
        cell: hex(at(2 * x + 4, 2 * y + 4)),
      };
    },
    { b64: png.bytes.toString("base64"), x: facts.firstEpcX, y: facts.firstEpcY },
  );
  expect(pixels.width).toBe(2 * width);
  expect(pixels.height).toBe(2 * height);
  expect(width).toBe(800);
  expect(height).toBeLessThan(900);
  expect(pixels.corner).toBe(facts.bg);
  expect(pixels.cell).toBe(facts.firstEpcFill);
  // Kept beside the test's results, to look at.
  await writeFile(test.info().outputPath("export-light.png"), png.bytes);

  // Dark theme: the export follows it.
  await page.getByLabel("Theme", { exact: true }).selectOption("dark");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  const dark = (await downloaded(page, "Save view as SVG")).bytes.toString("utf8");
  const darkColours = await page.evaluate((markup) => {
    const doc = new DOMParser().parseFromString(markup, "image/svg+xml");
    const ctx = document.createElement("canvas").getContext("2d") as CanvasRenderingContext2D;
    const norm = (c: string | null | undefined) => {
      ctx.fillStyle = c ?? "";
      return String(ctx.fillStyle);
    };
    return {
      svg: norm(doc.querySelector("svg > rect")?.getAttribute("fill")),
      page: norm(getComputedStyle(document.documentElement).getPropertyValue("--bg").trim()),
    };
  }, dark);
  expect(darkColours.page).not.toBe(facts.bg);
  expect(darkColours.svg).toBe(darkColours.page);
  await writeFile(
    test.info().outputPath("export-dark.png"),
    (await downloaded(page, "Save view as PNG")).bytes,
  );
  expect(errors).toEqual([]);
});
