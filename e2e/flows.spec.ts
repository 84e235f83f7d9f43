// Every built-in flow, stepped forward to its middle with the keyboard, on to the end, a few steps back and home, with
// the "EPCM" table checked against the engine (run here in Node) at a middle step and at the end.
import { expect, type Page, test } from "@playwright/test";
import { flows } from "../engine/flows/index.ts";
import { parseScenario } from "../engine/scenario/parse.ts";
import { Simulation } from "../engine/scenario/run.ts";
import { tableSettled } from "./support.ts";

test.describe.configure({ timeout: 180_000 });

/** The table rows the engine implies for enclave e0 now: Offset, Type, Perms, Flags, EPC. */
function rowsOf(sim: Simulation): string[][] {
  const epcm = new Map(sim.epcmSnapshot().map((e) => [e.epc, e]));
  const rows = new Map<number, string[]>();
  for (const p of sim.pagesSnapshot().filter((x) => x.enclave === "e0")) {
    const e = p.epc === null ? undefined : epcm.get(p.epc);
    const flags = e
      ? [e.pending && "PENDING", e.modified && "MODIFIED", e.pr && "PR", e.blocked && "BLOCKED"]
      : [];
    rows.set(Number(p.offset), [
      p.offset,
      e?.type ?? p.type,
      e?.perms ?? "---",
      flags.filter(Boolean).join(" "),
      p.resident ? String(p.epc) : "evicted",
    ]);
  }
  // EPCM entries of e0 the kernel has no record of (none in a consistent state, but shown if any).
  for (const e of epcm.values())
    if (e.enclave === "e0" && e.offset !== null && !rows.has(Number(e.offset)))
      rows.set(Number(e.offset), [e.offset, e.type ?? "", e.perms, "", String(e.epc)]);
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

/**
 * What the engine (here in Node) says, from one run: the steps that ran (all of them, unless a
 * kernel oops ended the run), the middle one, and the table rows there and at the end.
 */
function engineSide(scenario: unknown): {
  m: number;
  middle: number;
  atMiddle: string[][];
  atEnd: string[][];
} {
  const parsed = parseScenario(scenario);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const run = (middle: number) => {
    const sim = new Simulation(parsed.scenario, { materialize: false });
    let atMiddle: string[][] = middle === 0 ? rowsOf(sim) : [];
    while (!sim.done) {
      sim.step();
      if (sim.steps.length === middle) atMiddle = rowsOf(sim);
    }
    return { m: sim.steps.length, middle, atMiddle, atEnd: rowsOf(sim) };
  };
  // The middle of all the steps, unless the run stopped early: then again, for its own middle.
  const first = run(Math.ceil(parsed.scenario.steps.length / 2));
  return first.m === parsed.scenario.steps.length ? first : run(Math.ceil(first.m / 2));
}

async function tableRows(page: Page): Promise<string[][]> {
  const table = page.getByRole("table", { name: "EPCM" });
  await tableSettled(page);
  // Open every range row (long runs of pages that share an entry) down to single pages.
  const closed = table.locator('button[aria-expanded="false"]');
  const all = page.getByRole("button", { name: /show all/i });
  for (;;) {
    if (await all.isVisible().catch(() => false)) await all.click();
    else if ((await closed.count()) > 0) await closed.first().click();
    else break;
  }
  return table
    .locator("tbody tr:not(.range)")
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td, th")].map((c) => (c.textContent ?? "").trim())),
    );
}

/**
 * Above this many pages the table is checked by its page count and its single-page rows (every
 * page not in a range row), not by opening tens of thousands of range rows one click at a time.
 */
const OPEN_ALL_LIMIT = 4096;

/** The table against the engine's rows: all rows when few, else the count and the single rows. */
async function expectTable(page: Page, expected: string[][]): Promise<void> {
  if (expected.length <= OPEN_ALL_LIMIT) {
    expect(await tableRows(page)).toEqual(expected);
    return;
  }
  await tableSettled(page);
  const panel = page.locator(".epcm-panel");
  await expect(panel.locator(".grid-summary")).toHaveText(`${expected.length.toLocaleString("en-US")} pages`);
  const singles = await panel
    .getByRole("table", { name: "EPCM" })
    .locator("tbody tr:not(.range)")
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td, th")].map((c) => (c.textContent ?? "").trim())),
    );
  const byOffset = new Map(expected.map((r) => [r[0], r]));
  expect(singles.length).toBeGreaterThan(0);
  for (const r of singles) expect(r).toEqual(byOffset.get(r[0]));
}

/** Steps taken back one at a time before going to the start. */
const BACK_STEPS = 4;

async function at(page: Page, n: number, m: number): Promise<void> {
  await expect(page.getByText(`Step ${n} of ${m}`, { exact: true })).toBeVisible();
}

for (const flow of flows) {
  test(`${flow.id}: forward to the end and back, EPCM table as the engine says`, async ({ page }) => {
    const { m, middle, atMiddle, atEnd } = engineSide(flow.scenario);
    await page.goto(`/?flow=${flow.id}`);
    await at(page, 0, m);
    await page.locator("body").click({ position: { x: 1, y: 1 } });
    // Forward one step at a time to the middle, then End (a seek) to the last step.
    for (let i = 1; i <= middle; i++) {
      await page.keyboard.press("ArrowRight");
      await at(page, i, m);
    }
    await expectTable(page, atMiddle);
    await page.keyboard.press("End");
    await at(page, m, m);
    await expectTable(page, atEnd);
    // Back: step by step over the last few steps (each re-seeks from a checkpoint), then Home.
    // Stepping back over every step of every flow is the stepper spec's business.
    for (let i = m - 1; i >= Math.max(0, m - BACK_STEPS); i--) {
      await page.keyboard.press("ArrowLeft");
      await at(page, i, m);
    }
    await page.keyboard.press("Home");
    await at(page, 0, m);
    expect(await tableRows(page)).toEqual([]);
  });
}
