import { expect, type Locator, type Page, test } from "@playwright/test";
import { cellPoint, pointAtCell, tableSettled } from "./support.ts";

// The grids and the EPCM table, against the production build: every row and cell below comes
// from the engine running in its Web Worker. The machine running them may be busy: each test
// gets a minute.
test.describe.configure({ timeout: 60_000 });

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
  return errors;
}

function epcmTable(page: Page): Locator {
  return page.getByRole("table", { name: "EPCM" });
}

/** The body row whose Offset cell is exactly `offset`. */
function rowAt(page: Page, offset: string): Locator {
  return epcmTable(page)
    .locator("tbody tr")
    .filter({ has: page.getByRole("cell", { name: offset, exact: true }) });
}

async function cellsOf(row: Locator): Promise<string[]> {
  await tableSettled(row.page());
  return (await row.getByRole("cell").allInnerTexts()).map((t) => t.trim());
}

async function openAt(page: Page, flow: string, step: number, total: number): Promise<void> {
  await page.goto(`/?flow=${flow}&step=${step}`);
  await expect(page.getByText(`Step ${step} of ${total}`)).toBeVisible();
}

test("augment: the new page appears PENDING after the fault and loses the flag after EACCEPT", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openAt(page, "augment", 11, 16);

  await expect(page.getByRole("img", { name: "Enclave pages" })).toBeVisible();
  await expect(page.getByRole("img", { name: "EPC pages" })).toBeVisible();

  const headers = await epcmTable(page).getByRole("columnheader").allInnerTexts();
  expect(headers.map((h) => h.trim())).toEqual(["Offset", "Type", "Perms", "Flags", "EPC"]);
  // Before the fault: twelve pages, none at 0xc000.
  await expect(epcmTable(page).locator("tbody tr")).toHaveCount(12);
  await expect(rowAt(page, "0xc000")).toHaveCount(0);
  expect(await cellsOf(rowAt(page, "0x0"))).toEqual(["0x0", "TCS", "---", "", "2"]);
  expect(await cellsOf(rowAt(page, "0x2000"))).toEqual(["0x2000", "REG", "R-X", "", "4"]);

  // The write faults: the kernel EAUGs 0xc000, PENDING until the enclave accepts it.
  await page.getByRole("button", { name: "Step forward" }).click();
  await expect(page.getByText("Step 12 of 16")).toBeVisible();
  await expect(rowAt(page, "0xc000")).toHaveCount(1);
  expect(await cellsOf(rowAt(page, "0xc000"))).toEqual(["0xc000", "REG", "RW-", "PENDING", "14"]);
  await expect(page.getByText("used 15")).toBeVisible();

  // EACCEPT clears PENDING.
  await page.getByRole("button", { name: "Step forward" }).click();
  await expect(page.getByText("Step 13 of 16")).toBeVisible();
  await expect(rowAt(page, "0xc000").getByRole("cell").nth(3)).toHaveText("");
  expect(await cellsOf(rowAt(page, "0xc000"))).toEqual(["0xc000", "REG", "RW-", "", "14"]);

  // And back: PENDING again.
  await page.getByRole("button", { name: "Step back" }).click();
  await expect(page.getByText("Step 12 of 16")).toBeVisible();
  await expect(rowAt(page, "0xc000").getByRole("cell").nth(3)).toHaveText("PENDING");
  expect(errors).toEqual([]);
});

test("clicking a cell of either grid selects that page", async ({ page }) => {
  const errors = watchErrors(page);
  await openAt(page, "augment", 12, 16);

  const enclave = page.getByRole("img", { name: "Enclave pages" });
  // Hovering shows the page in a tooltip.
  await pointAtCell(enclave, 0xc, "hover");
  await expect(page.locator(".grid-tooltip")).toContainText("0xc000");
  await expect(page.locator(".grid-tooltip")).toContainText("PENDING");
  await pointAtCell(enclave, 0xc);
  await expect(rowAt(page, "0xc000")).toHaveAttribute("aria-current", "true");

  // EPC page 4 holds e0+0x2000.
  const epc = page.getByRole("img", { name: "EPC pages" });
  await pointAtCell(epc, 4);
  await expect(rowAt(page, "0x2000")).toHaveAttribute("aria-current", "true");
  await expect(rowAt(page, "0xc000")).not.toHaveAttribute("aria-current", "true");
  expect(errors).toEqual([]);
});

test("the table selects pages from the keyboard", async ({ page }) => {
  const errors = watchErrors(page);
  await openAt(page, "augment", 12, 16);
  await rowAt(page, "0x4000").click();
  await expect(rowAt(page, "0x4000")).toHaveAttribute("aria-current", "true");
  await page.keyboard.press("ArrowDown");
  await expect(rowAt(page, "0x5000")).toHaveAttribute("aria-current", "true");
  await expect(rowAt(page, "0x5000")).toBeFocused();
  // Space selects the focused row; it does not start playing.
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press(" ");
  await expect(rowAt(page, "0x4000")).toHaveAttribute("aria-current", "true");
  await expect(page.getByText("Step 12 of 16")).toBeVisible();
  await expect(page.getByRole("button", { name: "Play" })).toBeVisible();
  expect(errors).toEqual([]);
});

test("evicted pages read 'evicted' and come back with an EPC page", async ({ page }) => {
  const errors = watchErrors(page);
  await openAt(page, "reclaim-reload", 12, 15);
  expect(await cellsOf(rowAt(page, "0x5000"))).toEqual(["0x5000", "REG", "---", "", "evicted"]);
  await expect(page.getByText("used 1", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Step forward" }).click();
  await expect(page.getByText("Step 13 of 15")).toBeVisible();
  const cells = await cellsOf(rowAt(page, "0x5000"));
  expect(cells.slice(0, 4)).toEqual(["0x5000", "REG", "RW-", ""]);
  expect(cells[4]).toMatch(/^\d+$/);
  expect(errors).toEqual([]);
});

test("with two enclaves, the Enclave picker switches the grid and the table", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=two-enclaves&step=24");
  await expect(page.getByText("Step 24 of 24")).toBeVisible();
  const picker = page.getByRole("combobox", { name: "Enclave", exact: true });
  await expect(picker).toHaveValue("0");
  await expect(page.getByRole("heading", { name: "EPCM entries of e0" })).toBeVisible();
  await picker.selectOption({ label: "e1" });
  await expect(page.getByRole("heading", { name: "EPCM entries of e1" })).toBeVisible();
  await expect(epcmTable(page).locator("tbody tr").first()).toBeVisible();
  expect(errors).toEqual([]);
});

test("VMA/PTE overlay, zoom buttons and the dark theme draw without errors", async ({ page }) => {
  const errors = watchErrors(page);
  await page.emulateMedia({ colorScheme: "dark" });
  await openAt(page, "augment", 12, 16);
  const pte = page.getByRole("checkbox", { name: "Show VMA/PTE" });
  await pte.check();
  await expect(pte).toBeChecked();
  for (const name of ["Zoom in", "Zoom out", "Reset", "Enlarge enclave pages", "Fit enclave pages"])
    await page.getByRole("button", { name, exact: true }).click();

  // The canvases painted something (not blank) in the dark theme.
  const painted = await page.evaluate(() => {
    const canvases = [...document.querySelectorAll<HTMLCanvasElement>(".grid-canvas:not(.grid-overlay)")];
    return canvases.map((c) => {
      const ctx = c.getContext("2d");
      if (!ctx) return 0;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 97)
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      return colours.size;
    });
  });
  expect(painted).toHaveLength(2);
  for (const n of painted) expect(n).toBeGreaterThan(3);
  expect(errors).toEqual([]);
});

test("switching the theme repaints the canvases with the theme's colours", async ({ page }) => {
  const errors = watchErrors(page);
  await page.emulateMedia({ colorScheme: "light" });
  await openAt(page, "augment", 12, 16);
  const epc = page.getByRole("img", { name: "EPC pages" });
  const free = await cellPoint(epc, 100); // a free EPC page
  /** The colour the EPC view's cell layer has under the point, and the theme's --page-free. */
  const sample = () =>
    page.evaluate(({ x, y }) => {
      const c = document.querySelectorAll<HTMLCanvasElement>(".grid-canvas:not(.grid-overlay)")[1];
      const k = c.width / c.getBoundingClientRect().width;
      const [r, g, b] =
        c.getContext("2d")?.getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data ?? [];
      const probe = document.createElement("div");
      probe.style.color = "var(--page-free)";
      document.body.append(probe);
      const want = getComputedStyle(probe).color;
      probe.remove();
      return { got: `rgb(${r}, ${g}, ${b})`, want };
    }, free);
  await expect.poll(async () => ((s) => s.got === s.want)(await sample())).toBe(true);
  const light = (await sample()).got;
  await page.getByLabel("Theme").selectOption("dark");
  await expect.poll(async () => ((s) => s.got === s.want)(await sample())).toBe(true);
  expect((await sample()).got).not.toBe(light);
  expect(errors).toEqual([]);
});
