import { expect, test } from "@playwright/test";
import { findFlow } from "../engine/flows/index.ts";
import { openRun, position, watchErrors } from "./support.ts";

// The flows shaped like real runtimes, in the production build: each flow card shows the flow's
// title with its description (naming the project it mirrors), and choosing it runs the flow in
// the worker to its last step with every expectation met.
test.describe.configure({ timeout: 60_000 });

for (const id of ["sgx-emm-commit-on-demand", "gramine-lazy-alloc", "enarx-zero-page-accept"]) {
  test(`${id}: its flow card names the project, and the flow runs clean`, async ({ page }) => {
    const errors = watchErrors(page);
    const flow = findFlow(id);
    if (!flow) throw new Error(`no flow ${id}`);
    const steps = (flow.scenario.steps as unknown[]).length;
    await openRun(page, "/?flow=augment", 16);
    const card = page.getByRole("button", { name: flow.title, exact: true });
    await expect(card).toHaveAccessibleDescription(`${flow.description} Link: ?flow=${id}`);
    await expect(page.locator(`li[data-flow="${id}"] p`)).toHaveText(`${flow.description} Link: ?flow=${id}`);
    await card.click();
    await expect(position(page)).toHaveText(new RegExp(`^Step 0 of ${steps}`));
    // The timeline marks unmet expectations: there are none (its legend lists what it marks).
    await expect(page.getByRole("list", { name: "Timeline marks" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Timeline marks" })).not.toContainText("unmet expectation");
    await page.keyboard.press("End");
    await expect(position(page)).toHaveText(new RegExp(`^Step ${steps} of ${steps}`));
    expect(errors).toEqual([]);
  });
}
