import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { augmentViaEacceptLong } from "../engine/flows/augment-via-eaccept-long.ts";
import { openImported, position, watchErrors } from "./support.ts";

// Real size: 2^18 pages EAUGed (1 GiB) into a 64 GiB ELRANGE (2^24 pages) on a 2^19-page EPC.
// Both grids are drawn as summary tiles at first (a cell is far under a pixel): the enclave's
// tiles show REG where its pages are and "no page" elsewhere, in proportion; the overview says
// the whole ELRANGE is shown; zooming in with the wheel reaches single pages big enough for
// their labels; the EPCM table (the grids' twin) shows the pages as range rows.
test.describe.configure({ timeout: 90_000 });

const PAGES = 2 ** 18;
const ELRANGE = 2 ** 24;

function largeScenario() {
  const raw = augmentViaEacceptLong(PAGES, 2 ** 19);
  const create = (raw.steps as Array<{ cmd?: string; arg?: { size?: string } }>)[0];
  if (create.cmd !== "SGX_IOC_ENCLAVE_CREATE" || !create.arg) throw new Error("the flow starts with ECREATE");
  create.arg.size = `0x${(ELRANGE * 4096).toString(16)}`;
  raw.title = "64 GiB ELRANGE";
  return raw;
}

/** Pixels of the enclave grid's cell layer, inside the grid, that have each colour variable's colour. */
function countColours(page: Page, vars: string[]) {
  return page.evaluate((names) => {
    const overlay = document.querySelector<HTMLCanvasElement>('canvas[aria-label="Enclave pages"]');
    const base = overlay?.previousElementSibling as HTMLCanvasElement | null;
    const ctx = base?.getContext("2d");
    if (!overlay || !base || !ctx) return null;
    const k = base.width / base.getBoundingClientRect().width;
    const left = Math.ceil(Number(overlay.dataset.left) * k);
    const top = Math.ceil(Number(overlay.dataset.top) * k);
    const data = ctx.getImageData(left, top, base.width - left, base.height - top).data;
    const want = names.map((name) => {
      const probe = document.createElement("div");
      probe.style.color = `var(--${name})`;
      document.body.append(probe);
      const [r, g, b] = (getComputedStyle(probe).color.match(/\d+/g) ?? []).map(Number);
      probe.remove();
      return (r << 16) | (g << 8) | b;
    });
    const counts = names.map(() => 0);
    let all = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      all++;
      const c = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      const at = want.indexOf(c);
      if (at >= 0) counts[at]++;
    }
    return { counts, all };
  }, vars);
}

test("a 64 GiB ELRANGE: summary tiles, an overview, and the wheel zooms down to single labelled pages", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1440, height: 1000 });
  const steps = await openImported(page, "large.json", largeScenario(), 60_000);
  await page.getByRole("button", { name: "Go to end" }).click();
  await expect(position(page)).toHaveText(`Step ${steps} of ${steps}`, { timeout: 30_000 });

  const grid = page.getByRole("img", { name: "Enclave pages", exact: true });
  expect(Number(await grid.getAttribute("data-cell"))).toBeLessThan(0.25);
  // The overview of the whole range and its text alternative.
  const overview = page.getByRole("img", { name: "Enclave pages: overview of the whole range" });
  await expect(overview).toBeVisible();
  await expect(overview).toHaveAccessibleDescription(
    "Shown: 0x0–0xffffff000, all of ELRANGE (0x0–0xffffff000, 16,777,216 pages).",
  );
  await expect(page.getByRole("img", { name: "EPC pages: overview of the whole range" })).toBeVisible();
  const axe = await new AxeBuilder({ page }).include(".grid-panel").analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  // Tiles: REG where the pages are (1/64 of ELRANGE), "no page" elsewhere, in that proportion.
  await expect
    .poll(async () => (await countColours(page, ["page-reg"]))?.counts[0] ?? 0, { timeout: 10_000 })
    .toBeGreaterThan(0);
  const tiles = await countColours(page, ["page-reg", "page-hole"]);
  if (!tiles) throw new Error("no enclave canvas");
  const [reg, hole] = tiles.counts;
  expect(reg / tiles.all).toBeGreaterThan(0.5 / 64);
  expect(reg / tiles.all).toBeLessThan(2 / 64);
  expect(hole / tiles.all).toBeGreaterThan(0.9);

  // The twin: the EPCM table shows the committed pages as range rows.
  const table = page.getByRole("table", { name: "EPCM" });
  await expect(table.locator("tbody tr.range").first()).toContainText("0x4000–0x200000 ×508");

  // Zoom in with the wheel at the top left, where the pages are, down to single pages.
  const box = await grid.boundingBox();
  if (!box) throw new Error("the enclave grid is not visible");
  const left = Number(await grid.getAttribute("data-left"));
  const top = Number(await grid.getAttribute("data-top"));
  await page.mouse.move(box.x + left + 3, box.y + top + 1);
  const cellPx = async () =>
    Number(await grid.getAttribute("data-cell")) * Number(await grid.getAttribute("data-k"));
  for (let i = 0; i < 80 && (await cellPx()) < 48; i++) await page.mouse.wheel(0, -120);
  expect(await cellPx()).toBeGreaterThanOrEqual(48);
  await expect(overview).toHaveAccessibleDescription(/^Shown: 0x[0-9a-f]+–0x[0-9a-f]+, 0\.\d+% of ELRANGE/);
  // The page under the pointer is one page: its tooltip names its offset, type and permissions.
  const k = Number(await grid.getAttribute("data-k"));
  const s = Number(await grid.getAttribute("data-cell")) * k;
  const x = Number(await grid.getAttribute("data-x"));
  const y = Number(await grid.getAttribute("data-y"));
  const cols = Number(await grid.getAttribute("data-cols"));
  // A visible page at least 16 pages into ELRANGE (past the build's TCS and code pages).
  const col0 = Math.ceil((left - left * k - x) / s);
  const row0 = Math.ceil((top - top * k - y) / s);
  const col = Math.max(col0, 16);
  const index = row0 * cols + col;
  await page.mouse.move(box.x + left * k + x + (col + 0.5) * s, box.y + top * k + y + (row0 + 0.5) * s);
  const tip = page.locator(".grid-tooltip");
  await expect(tip).toContainText(`0x${(index * 4096).toString(16)}`);
  await expect(tip).toContainText("REG");
  await expect(tip).toContainText("RW-");
  const zoomed = await countColours(page, ["page-reg"]);
  expect((zoomed?.counts[0] ?? 0) / (zoomed?.all ?? 1)).toBeGreaterThan(0.3);
  expect(errors).toEqual([]);
});
