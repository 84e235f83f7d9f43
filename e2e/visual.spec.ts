// Screenshot comparisons of key states (baselines in visual.spec.ts-snapshots/, looked at before
// they were committed). Regenerate with `npx playwright test e2e/visual.spec.ts --update-snapshots`
// after checking the new pictures are right.
import { expect, test } from "@playwright/test";

test.use({ viewport: { width: 1500, height: 1000 } });

const states = [
  {
    name: "augment-fault-light",
    url: "/?flow=augment&step=12",
    scheme: "light" as const,
    step: "Step 12 of 16",
  },
  {
    name: "tcs-create-new-tcs-dark",
    url: "/?flow=tcs-create&step=17",
    scheme: "dark" as const,
    step: "Step 17 of 29",
  },
  {
    name: "reclaim-reload-evicted-light",
    url: "/?flow=reclaim-reload&step=12",
    scheme: "light" as const,
    step: "Step 12 of",
  },
];

for (const s of states) {
  test(`key state: ${s.name}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: s.scheme, reducedMotion: "reduce" });
    await page.goto(s.url);
    await expect(page.getByText(s.step)).toBeVisible();
    const grids = page.locator(".grids");
    await page.waitForTimeout(800); // let the changed-cell flash finish
    await expect(grids).toHaveScreenshot(`${s.name}.png`, {
      maxDiffPixelRatio: 0.01,
      animations: "disabled",
    });
  });
}
