import { expect, test } from "@playwright/test";
import { SUBPATH, SUBPATH_PORT } from "../playwright.config.ts";
import { position, watchErrors } from "./support.ts";

// `npm run build` makes a site that works from any sub-path: the same dist/ served under
// /project/epcm-explorer/ (e2e/static-server.mjs) loads its assets and worker, steps, and its
// share links lead back to the same place under that path.

const HOME = `http://127.0.0.1:${SUBPATH_PORT}${SUBPATH}`;

test("the built site runs from a sub-path and its share links keep working there", async ({
  page,
  context,
}) => {
  const errors = watchErrors(page);
  await page.goto(`${HOME}?flow=tcs-create`);
  await expect(position(page)).toHaveText(/^Step 0 of (\d+)/);
  for (let i = 0; i < 5; i++) await page.getByRole("button", { name: "Step forward" }).click();
  await expect(position(page)).toHaveText(/^Step 5 of/);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy link" }).click();
  await expect(page.getByText("Link copied")).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link.startsWith(`${HOME}?`)).toBe(true);
  expect(link).toContain("flow=tcs-create");

  const other = await context.newPage();
  await other.goto(link);
  await expect(position(other)).toHaveText(/^Step 5 of/);
  await expect(other.getByRole("region", { name: "Narration" })).toHaveText(
    (await page.getByRole("region", { name: "Narration" }).textContent()) ?? "",
  );
  expect(errors).toEqual([]);
});
