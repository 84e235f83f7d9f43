import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { decodeScenario } from "../web/share/link.ts";
import { editorJson, fillEditor, openRun, position, scenarioEditor, watchErrors } from "./support.ts";

// "Explore interleavings" under a race step's lanes: the engine (in a worker of its own) tries
// every order of the race and lists the distinct outcomes; "Load this order" loads the scenario
// with that order at the race, and the lanes, the editor and the share link follow.

type Steps = { steps: Array<{ op: string; order?: number[] }> };

/** The scenario the address bar carries in its hash (a custom scenario's link). */
function linkedScenario(page: Page): Steps {
  const m = /#s=([^&]+)/.exec(page.url());
  if (!m) throw new Error(`no scenario in the link: ${page.url()}`);
  const d = decodeScenario(m[1]);
  if (!d.ok) throw new Error(d.message);
  return d.scenario as Steps;
}

test("the EAUG fault race: distinct outcomes with counts; loading one changes the lanes and the link", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=eaug-fault-race&step=12", 13);
  const lanes = page.getByRole("table", { name: /Race: the lock boundaries/ });
  // The flow's order [0, 1, 0, 1]: thread 1 loses and gets SIGBUS.
  await expect(lanes.locator("tr.race-outcome")).toContainText("SIGBUS");

  const panel = page.getByRole("region", { name: "Interleavings" });
  await panel.getByRole("button", { name: "Explore interleavings" }).click();
  const outcomes = panel.getByRole("list", { name: "Distinct outcomes" });
  await expect(outcomes).toBeVisible();
  await expect(panel.locator(".explore-summary")).toHaveText(
    "16 interleavings tried in 51 runs of the scenario (bound 2,000 runs): every interleaving was tried. 3 distinct outcomes.",
  );
  const items = outcomes.locator(":scope > li");
  await expect(items).toHaveCount(3);
  await expect(items.nth(0).locator(".explore-head")).toHaveText("Outcome 1: 4 interleavings of 16 end so");
  await expect(items.nth(0)).toContainText("[0, 0, 0, 1]");
  // The outcomes where one thread gets SIGBUS say so in words.
  await expect(items.nth(1).locator(".explore-head")).toContainText("6 interleavings of 16 end so");
  await expect(items.nth(1).locator(".explore-mark")).toHaveText("⚠ SIGBUS to user space");
  await expect(items.nth(0).locator(".explore-mark")).toHaveCount(0);

  for (const theme of ["light", "dark"]) {
    await page.getByLabel("Theme", { exact: true }).selectOption(theme);
    const axe = await new AxeBuilder({ page }).include(".explore").include(".race-lanes").analyze();
    expect(axe.violations.map((v) => `${theme}: ${v.id}: ${v.help}`)).toEqual([]);
  }

  // Load the order in which both threads read the page: one thread runs to the end first.
  await panel.getByRole("button", { name: "Load this order (outcome 1)" }).click();
  await expect(position(page)).toHaveText("Step 12 of 13");
  await expect(lanes.locator("tr.race-outcome")).not.toContainText("SIGBUS");
  const rows = lanes.locator("tbody tr");
  // [0, 0, 0, 1]: CPU 0 passes both of its boundaries before CPU 1 passes any.
  await expect(rows.nth(0).getByRole("cell").nth(0)).toContainText("mutex_lock(&encl->lock)");
  await expect(rows.nth(1).getByRole("cell").nth(0)).toContainText("mutex_unlock(&encl->lock)");
  await expect(rows.nth(1).getByRole("cell").nth(1)).toHaveText("");
  await expect(items.nth(0).locator(".explore-shown")).toHaveText("shown now");

  // The link carries the scenario with the new order, at the race step.
  await expect(page).toHaveURL(/#s=1\.[A-Za-z0-9_-]+&step=12$/);
  expect(linkedScenario(page).steps[11]).toMatchObject({ op: "race", order: [0, 0, 0, 1] });
  // The editor shows it, and its undo goes back to the flow's order.
  expect((await editorJson<Steps>(page)).steps[11].order).toEqual([0, 0, 0, 1]);
  await (await scenarioEditor(page)).focus();
  await page.keyboard.press("ControlOrMeta+z");
  await expect.poll(async () => (await editorJson<Steps>(page)).steps[11].order).toEqual([0, 1, 0, 1]);

  // The link reopens the chosen interleaving.
  const url = page.url();
  await page.goto("/?flow=augment");
  await page.goto(url);
  await expect(position(page)).toHaveText("Step 12 of 13");
  await expect(lanes.locator("tr.race-outcome")).not.toContainText("SIGBUS");
  expect(errors).toEqual([]);
});

test("the fixed kernel: no outcome marked; outcomes stay when stepping away and back; none in an embed", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=eaug-fault-race-fixed&step=12", 13);
  const panel = page.getByRole("region", { name: "Interleavings" });
  await panel.getByRole("button", { name: "Explore interleavings" }).click();
  // The exploration runs in its own worker, and belongs to the run, not to the panel on screen.
  await page.getByRole("button", { name: "Step forward" }).click();
  await expect(position(page)).toHaveText("Step 13 of 13");
  await expect(panel).toHaveCount(0);
  await page.getByRole("button", { name: "Step back" }).click();
  const outcomes = panel.getByRole("list", { name: "Distinct outcomes" });
  // Every one of the 16 interleavings ends with both threads reading the page.
  await expect(outcomes.locator(":scope > li")).toHaveCount(1);
  await expect(outcomes.locator(".explore-head")).toHaveText("Outcome 1: 16 interleavings of 16 end so");
  await expect(outcomes.locator(".explore-mark")).toHaveCount(0);
  await expect(outcomes).not.toContainText("SIGBUS");

  // An embedded frame shows the lanes only.
  await page.goto("/?flow=eaug-fault-race-fixed&step=12&embed=1");
  await expect(position(page)).toHaveText("Step 12 of 13");
  await expect(page.getByRole("table", { name: /Race: the lock boundaries/ })).toBeVisible();
  await expect(panel).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("three threads: the bound cuts the search, Cancel stops it, Explore further raises the bound", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const errors = watchErrors(page);
  await openRun(page, "/?flow=eaug-fault-race", 13);
  // The same race with a third thread reading the page on CPU 2.
  const scenario = await editorJson<Steps & { machine: Record<string, unknown> }>(page);
  const race = scenario.steps[11] as unknown as { steps: Array<Record<string, unknown>> };
  race.steps.push({
    ...race.steps[1],
    cpu: 2,
    expect: undefined,
    note: "A third thread reads the page too.",
  });
  scenario.machine = { ...scenario.machine, cpus: 3 };
  await fillEditor(page, JSON.stringify(scenario, null, 2));
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByRole("table", { name: /Race: the lock boundaries/ })).toHaveCount(0);
  for (let i = 0; i < 12; i++) await page.getByRole("button", { name: "Step forward" }).click();
  await expect(position(page)).toHaveText("Step 12 of 13");
  const panel = page.getByRole("region", { name: "Interleavings" });
  await expect(
    page.getByRole("table", { name: /Race: the lock boundaries/ }).getByRole("columnheader"),
  ).toHaveCount(4);

  // A few thousand replays take a moment: progress and Cancel show, and Cancel stops it.
  await panel.getByRole("button", { name: "Explore interleavings" }).click();
  await expect(panel.getByRole("progressbar", { name: "Exploring interleavings" })).toBeVisible();
  await panel.getByRole("button", { name: "Cancel" }).click();
  await expect(panel.getByRole("alert")).toHaveText("The exploration was cancelled.");
  await expect(panel.getByRole("button", { name: "Cancel" })).toHaveCount(0);

  await panel.getByRole("button", { name: "Explore interleavings" }).click();
  const summary = panel.locator(".explore-summary");
  await expect(summary).toContainText("tried in 2,000 runs of the scenario (bound 2,000 runs)", {
    timeout: 30_000,
  });
  await expect(summary).toContainText("the bound cut the search; more interleavings exist.");
  await expect(
    panel.getByRole("list", { name: "Distinct outcomes" }).locator(":scope > li").nth(1),
  ).toBeVisible();
  await expect(panel.getByRole("button", { name: "Explore further (bound 20,000 runs)" })).toBeVisible();
  const axe = await new AxeBuilder({ page }).include(".explore").analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  expect(errors).toEqual([]);
});

test("REMOVE_PAGES racing a fault: exploring finds the stale-PTE bug on v6.6, and loading its order shows it", async ({
  page,
}) => {
  const errors = watchErrors(page);
  // The flow's own order [0, 0, 0, 1, 1] shows the bug already; the search finds the one
  // interleaving class that does, and its first order is a different, longer one.
  await openRun(page, "/?flow=remove-fault-race&step=14", 15);
  const panel = page.getByRole("region", { name: "Interleavings" });
  await panel.getByRole("button", { name: "Explore interleavings" }).click();
  const items = panel.getByRole("list", { name: "Distinct outcomes" }).locator(":scope > li");
  await expect(items).toHaveCount(4);
  const buggy = items.filter({ hasText: "Kernel bug: a PTE to a freed page" });
  await expect(buggy).toHaveCount(1);
  await expect(buggy).toContainText("[0, 0, 0, 1, 1, 0, 0, 1]");
  await buggy.getByRole("button", { name: /Load this order/ }).click();
  await expect(position(page)).toHaveText("Step 14 of 15");
  await expect(page.locator(".race-lanes").getByRole("note")).toContainText(
    "Kernel bug: the PTE of e0+0x5000",
  );
  // The stepper read "Step 14 of 15" before the load too: wait for the link to carry the scenario.
  await expect(page).toHaveURL(/#s=1\.[A-Za-z0-9_-]+&step=14$/);
  expect(linkedScenario(page).steps[13].order).toEqual([0, 0, 0, 1, 1, 0, 0, 1]);
  expect(errors).toEqual([]);
});
