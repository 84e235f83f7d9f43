import { expect, type Page, test } from "@playwright/test";
import { findFlow, simulate } from "../engine/index.ts";
import { cellPoint, openRun, pointAtCell, position, watchErrors } from "./support.ts";
import { rowAt } from "./tour-claims.ts";

// A first lesson on the explorer, as a student new to SGX and a teacher preparing a demo would
// take it, at a laptop's 1366x768: Predict keeps the answer hidden, a first tour starts from
// nothing, the Inspector opens in view, nothing jumps
// between steps, and flows open by the name their card shows.
test.describe.configure({ timeout: 90_000 });
test.use({ viewport: { width: 1366, height: 768 } });

const timeline = (page: Page) => page.getByRole("region", { name: "Timeline" });
const tourRegion = (page: Page) => page.getByRole("region", { name: "Tour" });

/** The first step (1-based) of a built-in flow whose call fails with an errno. */
function firstErrnoStep(flow: string): number {
  const r = simulate(findFlow(flow)?.scenario);
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.trace.steps.findIndex((s) => Boolean(s.errno)) + 1;
}

test.describe("Predict", () => {
  test("the step being predicted, and later ones, show no outcome on the timeline", async ({ page }) => {
    const errors = watchErrors(page);
    await openRun(page, "/?flow=augment&step=11", 16);
    // Outside Predict the fault of step 12 is marked.
    await expect(
      timeline(page)
        .getByRole("button", { name: /^Step 12 / })
        .first(),
    ).toBeVisible();
    await page.getByRole("tab", { name: "Predict" }).click();
    await expect(page.getByText("Step 12 of 16: EENTER write 0xc000")).toBeVisible();
    await expect(timeline(page).getByRole("button", { name: /^Step (1[2-6]) / })).toHaveCount(0);
    await expect(timeline(page)).not.toContainText("0x8007");
    await expect(timeline(page).getByRole("button", { name: "Next mark" })).toBeDisabled();
    await expect(page.locator(".stepper-context")).not.toContainText("0x8007");

    // Answering runs the step: now its mark may show.
    await page.getByRole("button", { name: "Check and run step 12" }).click();
    await expect(position(page)).toHaveText(/^Step 12 of 16/);
    await expect(
      timeline(page)
        .getByRole("button", { name: /^Step 12 / })
        .first(),
    ).toBeVisible();
    await expect(timeline(page).getByRole("button", { name: /^Step 13 / })).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test("an error returned by the predicted step is not marked while predicting", async ({ page }) => {
    const errors = watchErrors(page);
    const k = firstErrnoStep("remove-added-page-no-eaccept");
    expect(k).toBeGreaterThan(1);
    await page.goto(`/?flow=remove-added-page-no-eaccept&step=${k - 1}`);
    await expect(position(page)).toHaveText(new RegExp(`^Step ${k - 1} of`));
    await expect(
      timeline(page)
        .getByRole("button", { name: new RegExp(`^Step ${k} `) })
        .first(),
    ).toBeVisible();
    await page.getByRole("tab", { name: "Predict" }).click();
    await expect(timeline(page).getByRole("button", { name: new RegExp(`^Step ${k} `) })).toHaveCount(0);
    await expect(timeline(page).locator("svg[role=group]")).toHaveAttribute(
      "aria-label",
      new RegExp(`marks from step ${k} on hidden while you predict`),
    );
    expect(errors).toEqual([]);
  });
});

test("a first tour starts from nothing, with a glossary entry for each term", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=augment", 16);
  await page.getByRole("tab", { name: "Tour" }).click();
  const first = tourRegion(page).locator(".tour-pick").first();
  await expect(first).toContainText("What is an enclave, and what is the EPC?");
  await first.click();
  await expect(position(page)).toHaveText(/^Step 0 of \d+/);
  for (const term of ["SGX", "enclave", "EPC"])
    await expect(tourRegion(page).getByRole("button", { name: term, exact: true })).toBeVisible();

  // Open the glossary on a few of the terms a beginner meets first; each names its source.
  await tourRegion(page).getByRole("button", { name: "enclave", exact: true }).click();
  await expect(page.getByRole("region", { name: "Glossary: enclave" })).toContainText("Source: SDM");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Next stop" }).click();
  await expect(position(page)).toHaveText(/^Step 1 of \d+/);
  await tourRegion(page).getByRole("button", { name: "ECREATE", exact: true }).click();
  await expect(page.getByRole("region", { name: "Glossary: ECREATE" })).toContainText(
    "ioctl.c: sgx_encl_create()",
  );
  await page.keyboard.press("Escape");
  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Next stop" }).click();
  await expect(position(page)).toHaveText(/^Step 12 of \d+/);
  for (const term of ["vDSO", "EENTER", "EEXIT"]) {
    await tourRegion(page).getByRole("button", { name: term, exact: true }).click();
    await expect(page.getByRole("region", { name: `Glossary: ${term}` })).toContainText("Source:");
    await page.keyboard.press("Escape");
  }
  await page.getByRole("button", { name: "Next stop" }).click();
  await tourRegion(page).getByRole("button", { name: "run struct", exact: true }).click();
  await expect(page.getByRole("region", { name: "Glossary: run struct" })).toContainText(
    "struct sgx_enclave_run",
  );
  await page.keyboard.press("Escape");

  // In the other tours the build stop links ECREATE too.
  await page.goto("/?tour=add-on-fault&stop=1");
  await expect(position(page)).toHaveText(/^Step 6 of 16/);
  await expect(tourRegion(page).getByRole("button", { name: "ECREATE", exact: true })).toBeVisible();
  expect(errors).toEqual([]);
});

test("explanations say it in words before the name", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=augment&step=12", 16);
  const narration = page.getByRole("region", { name: "Narration" });
  await expect(narration).toContainText("Write MAGIC to 0xc000 (PUT_TO_ADDRESS).");
  await expect(narration).not.toContainText("PUT_TO_ADDRESS: write");
  await expect(narration).toContainText(
    "Got back an exception from inside the enclave, as the vDSO reports it: ERESUME #PF 0x8007",
  );

  await page.getByRole("tab", { name: "Predict" }).click();
  await page.getByRole("button", { name: "Step back" }).click();
  await expect(
    page.getByText("The enclave's SGX instruction (an ENCLU leaf) returns the status code"),
  ).toBeVisible();
  await page.getByRole("button", { name: "Check and run step 12" }).click();
  const feedback = page.getByRole("region", { name: "Feedback" });
  await expect(feedback).toContainText("you said success; the right answer is exception #PF 0x8007");
  await expect(feedback).not.toContainText("the engine:");

  await page.goto("/?tour=basics&stop=3");
  await tourRegion(page).getByRole("button", { name: "EPCM", exact: true }).click();
  const card = page.getByRole("region", { name: "Glossary: EPCM" });
  await expect(card).toContainText("the kernel's (the ENCLS leaves");
  await expect(card).not.toContainText("ENCLS/ENCLU leaves");
  expect(errors).toEqual([]);
});

test("the removal tour starts from the build, and its accept stop says what the grid shows", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto("/?tour=remove");
  await expect(position(page)).toHaveText(/^Step 6 of 29/);
  await page.goto("/?tour=remove&stop=4");
  await expect(position(page)).toHaveText(/^Step 22 of 29/);
  await expect(rowAt(page, "0xc000").getByRole("cell").nth(3)).toHaveText("");
  await expect(rowAt(page, "0xd000").getByRole("cell").nth(3)).toHaveText("MODIFIED");
  await expect(tourRegion(page)).toContainText("0xd000 and 0xe000 still show MODIFIED");
  expect(errors).toEqual([]);
});

test("clicking a page brings the Inspector into view beside the grid", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=augment&step=12", 16);
  const enclave = page.getByRole("img", { name: "Enclave pages" });
  await pointAtCell(enclave, 0xc);
  const heading = page.getByRole("heading", { name: "Page e0+0xc000" });
  await expect(heading).toBeInViewport();
  await expect(page.getByRole("region", { name: "EPCM entry" })).toBeInViewport({ ratio: 0.5 });
  // The page clicked stays in view too.
  await expect(rowAt(page, "0xc000")).toHaveAttribute("aria-current", "true");
  const box = await enclave.boundingBox();
  const cell = await cellPoint(enclave, 0xc);
  expect(box && box.y + cell.y).toBeLessThan(768);
  expect(errors).toEqual([]);
});

test("the grids stay put while stepping, also inside a step", async ({ page }) => {
  const errors = watchErrors(page);
  const gridsTop = () => page.locator(".grids").evaluate((el) => el.getBoundingClientRect().top);
  for (const [flow, total] of [
    ["tcs-create", 29],
    ["refusals", 31],
  ] as const) {
    await openRun(page, `/?flow=${flow}&step=0`, total);
    const top = await gridsTop();
    for (let k = 1; k <= total; k++) {
      await page.keyboard.press("ArrowRight");
      await expect(position(page)).toHaveText(new RegExp(`^Step ${k} of ${total}`));
      expect(await gridsTop(), `${flow} step ${k}`).toBe(top);
    }
    // Step into a step with many events: "Inside step N: …" and the event counter.
    await page.goto(`/?flow=${flow}&step=16`);
    await expect(position(page)).toHaveText(new RegExp(`^Step 16 of ${total}`));
    for (let e = 0; e < 6; e++) {
      await page.keyboard.press("Shift+ArrowRight");
      await expect(position(page)).toContainText("event");
      expect(await gridsTop(), `${flow} inside step 17, event ${e + 1}`).toBe(top);
    }
  }
  expect(errors).toEqual([]);
});

test("long flow names stay inside their cards, with the SHOWN badge whole", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=remove-added-page-invalid-access-after-eaccept", 16);
  const cards = page.locator(".flow-list li");
  await expect(cards.first()).toBeVisible();
  const overflowing = await cards.evaluateAll((lis) =>
    lis
      .filter((li) => li.scrollWidth > li.clientWidth + 1)
      .map((li) => li.querySelector("button")?.textContent ?? ""),
  );
  expect(overflowing).toEqual([]);
  const current = page.locator(".flow-list li.current");
  const card = await current.boundingBox();
  const badge = await current.locator(".flow-shown").boundingBox();
  expect(card && badge).toBeTruthy();
  if (card && badge) {
    expect(badge.x).toBeGreaterThanOrEqual(card.x);
    expect(badge.x + badge.width).toBeLessThanOrEqual(card.x + card.width);
  }
  expect(errors).toEqual([]);
});

test("the enclave view and a tour stop say which page count is which", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?tour=add-on-fault&stop=1");
  await expect(position(page)).toHaveText(/^Step 6 of 16/);
  await expect(page.locator(".grid-summary").nth(0)).toContainText("12 of its pages in the EPC");
  await expect(page.locator(".grid-summary").nth(1)).toContainText("used 14");
  await expect(tourRegion(page)).toContainText("the enclave view counts the enclave's 12 pages in the EPC");
  await expect(tourRegion(page)).toContainText("the EPC view counts 14 used pages");
  expect(errors).toEqual([]);
});

test("one EAUG is one call of sgx_encl_eaug_page()", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=augment&step=12", 16);
  const kernel = page.getByRole("region", { name: "Kernel" });
  await expect(kernel.getByRole("button", { name: /^sgx_encl_eaug_page\(\)/ })).toHaveText(
    "sgx_encl_eaug_page()",
  );
  // Three separate faults are three calls of the fault handler.
  await expect(kernel.getByRole("button", { name: /^sgx_vma_fault\(\)/ })).toHaveText("sgx_vma_fault() ×3");
  expect(errors).toEqual([]);
});

test("Play inside a tour pauses at the next stop", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?tour=add-on-fault&stop=1");
  await expect(position(page)).toHaveText(/^Step 6 of 16/);
  await page.getByLabel("Speed").selectOption("8");
  await page.getByRole("button", { name: "Play" }).click();
  await expect(position(page)).toHaveText(/^Step 11 of 16/);
  await expect(page.getByRole("button", { name: "Play" })).toBeVisible();
  await expect(tourRegion(page)).toContainText("Stop 2 of 6");
  await page.waitForTimeout(1000);
  await expect(position(page)).toHaveText(/^Step 11 of 16/);
  // Play again: on to the next stop, one step later.
  await page.getByRole("button", { name: "Play" }).click();
  await expect(position(page)).toHaveText(/^Step 12 of 16/);
  await page.waitForTimeout(600);
  await expect(position(page)).toHaveText(/^Step 12 of 16/);
  await expect(tourRegion(page)).toContainText("Stop 3 of 6");
  expect(errors).toEqual([]);
});

test("a flow opens by the name its card shows, and the card shows the link id", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/?flow=epcm_permissions&step=16");
  await expect(position(page)).toHaveText(/^Step 16 of 19/);
  await expect(page.locator(".app-title")).toContainText("epcm_permissions");
  await expect(page.getByText(/There is no built-in flow/)).toHaveCount(0);
  await expect(page).toHaveURL(/\?flow=epcm-permissions&step=16$/);
  const card = page.locator(".flow-list li.current");
  await expect(card).toContainText("epcm_permissions");
  await expect(card).toContainText("?flow=epcm-permissions");

  // A name that is no flow says so, naming it as typed.
  await page.goto("/?flow=epcm_permission&step=16");
  await expect(page.getByText(/There is no built-in flow named “epcm_permission”/)).toBeVisible();
  expect(errors).toEqual([]);
});
