import { expect, test } from "@playwright/test";
import { position, watchErrors } from "./support.ts";

// Predict mode in the built app: guesses marked against the engine's outcome, with the reason,
// and the stepper moving to the predicted step.

test("predict augment's fault (right), then the EACCEPT (wrong), with the engine's reasons", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=augment&step=11");
  await expect(position(page)).toHaveText(/^Step 11 of 16/);
  await page.getByRole("tab", { name: "Predict" }).click();
  const panel = page.getByRole("tabpanel");
  await expect(panel).toContainText("Step 12 of 16: EENTER write 0xc000");
  await panel.getByLabel(/The enclave faults/).check();
  await panel.getByLabel("exception").selectOption("#PF 0x8007");
  await panel.getByLabel(/Page type/).selectOption("REG");
  for (const bit of ["R", "W", "PENDING"]) await panel.getByLabel(bit, { exact: true }).check();
  await panel.getByRole("button", { name: "Check and run step 12" }).click();
  const feedback = panel.getByRole("region", { name: "Feedback" });
  await expect(feedback).toContainText("Step 12: all right");
  await expect(position(page)).toHaveText(/^Step 12 of 16/);
  await expect(panel.getByRole("status")).toHaveText("1 of 1 right.");

  // Step 13: EACCEPT from TCS#2. Guess a fault: wrong; the answer names success and PENDING clear.
  await expect(panel).toContainText("Step 13 of 16");
  await panel.getByLabel(/The enclave faults/).check();
  await panel.getByRole("button", { name: "Check and run step 13" }).click();
  await expect(feedback).toContainText("not quite");
  await expect(feedback).toContainText("the right answer is success");
  await expect(feedback).toContainText("PENDING: you said set; the right answer is clear");
  await expect(feedback).toContainText("EACCEPT");
  await expect(panel.getByRole("status")).toHaveText("1 of 2 right.");
  expect(errors).toEqual([]);
});
