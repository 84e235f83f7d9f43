import { expect, test } from "@playwright/test";
import { augmentViaEacceptLong } from "../engine/flows/augment-via-eaccept-long.ts";
import { openImported, position, watchErrors } from "./support.ts";

// A seek that re-runs a long step shows how far it is, with Cancel. 2^20 EACCEPT-driven EAUGs on
// a 2^21-page EPC, in two steps of 600,000 and 448,576 entries: the session keeps a copy of the
// run after the first, and the copy after the second would take its checkpoint budget past
// 256 MB, so stepping back from the end re-runs the second (about a second). Cancel keeps the
// step shown and loads the run again up to it in a new worker.
test.describe.configure({ timeout: 120_000 });

const PAGES = 2 ** 20;
const FIRST = 600_000;

function twoLongSteps() {
  const raw = augmentViaEacceptLong(PAGES, 2 * PAGES);
  const steps = raw.steps as Array<Record<string, unknown>>;
  const i = steps.findIndex((st) => st.pages === PAGES);
  const { expect: _, ...long } = steps[i];
  const second = {
    ...long,
    addr: `0x${(Number(long.addr) + FIRST * 4096).toString(16)}`,
    pages: PAGES - FIRST,
  };
  steps.splice(i, 1, { ...long, pages: FIRST }, second);
  return raw;
}

test("stepping back over a long step shows the replay's progress, and Cancel stays where you are", async ({
  page,
}) => {
  const errors = watchErrors(page);
  const steps = await openImported(page, "million.json", twoLongSteps(), 90_000);
  await page.getByRole("button", { name: "Go to end" }).click();
  await expect(position(page)).toHaveText(`Step ${steps} of ${steps}`, { timeout: 30_000 });

  await page.getByRole("button", { name: "Step back" }).click();
  const status = page.getByRole("status").filter({ hasText: "Going to step" });
  await expect(status).toContainText(`Going to step ${steps - 1}: re-running step`);
  await expect(status.getByRole("progressbar", { name: "Replay progress" })).toBeVisible();
  // Meanwhile the step shown stays.
  await expect(position(page)).toHaveText(`Step ${steps} of ${steps}`);
  await status.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "was cancelled" })).toContainText(
    `Going to step ${steps - 1} was cancelled. The engine runs the scenario again up to step ${steps}, where you are.`,
  );
  // The run is loaded again (a load, with its own progress), and lands where the reader was.
  await expect(page.getByRole("status").filter({ hasText: /Going to step|Running/ })).toHaveCount(0, {
    timeout: 90_000,
  });
  await expect(position(page)).toHaveText(`Step ${steps} of ${steps}`);
  expect(errors).toEqual([]);
});
