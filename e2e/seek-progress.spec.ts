import { expect, test } from "@playwright/test";
import { augmentViaEacceptLong } from "../engine/flows/augment-via-eaccept-long.ts";
import { position, watchErrors } from "./support.ts";

// A seek that re-runs a long step shows how far it is, with Cancel. 2^20 EACCEPT-driven EAUGs on
// a 2^21-page EPC: a copy of the run after that step is over the session's checkpoint budget, so
// stepping back from the end re-runs it (a second or more). Cancel keeps the step shown and loads
// the run again up to it in a new worker.
test.describe.configure({ timeout: 120_000 });

const PAGES = 2 ** 20;

test("stepping back over a step of a million EAUGs shows the replay's progress, and Cancel stays where you are", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=augment");
  await expect(position(page)).toHaveText(/^Step 0 of 16/);
  const scenario = augmentViaEacceptLong(PAGES, 2 * PAGES);
  const steps = (scenario.steps as unknown[]).length;
  await page.getByLabel("Import scenario").setInputFiles({
    name: "million.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(scenario)),
  });
  await expect(position(page)).toHaveText(`Step 0 of ${steps}`, { timeout: 90_000 });
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
