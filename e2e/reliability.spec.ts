import { expect, type Page, test } from "@playwright/test";
import { flows, simulate } from "../engine/index.ts";
import { CONTENT_SECURITY_POLICY } from "../vite.config.ts";
import { editorJson, fillEditor, openRun, position, watchErrors } from "./support.ts";

// The UI under faults (its worker crashes or hangs), the Content-Security-Policy of the built
// site, determinism between Node and the Worker, and scenario text that must stay text.

test.describe.configure({ timeout: 60_000 });

/** The engine's worker as Playwright sees it. */
async function engineWorker(page: Page) {
  await expect.poll(() => page.workers().length).toBeGreaterThan(0);
  return page.workers()[page.workers().length - 1];
}

const notice = (page: Page) => page.locator(".notice");

test("a worker that dies is noticed, restarted and replayed to where the user was", async ({ page }) => {
  await openRun(page, "/?flow=augment&step=7", 16);
  await expect(position(page)).toHaveText("Step 7 of 16");
  const before = await page.getByRole("table", { name: /EPCM/ }).textContent();
  const worker = await engineWorker(page);
  // A closed worker never answers again: the next request goes unanswered.
  await worker.evaluate(() => self.close());
  await page.getByRole("button", { name: "Step forward" }).click();
  await expect(notice(page)).toContainText(
    /The engine stopped \(it did not answer for 5 s\)\. It was restarted and the run replayed to step 8/,
    { timeout: 15_000 },
  );
  await expect(position(page)).toHaveText("Step 8 of 16");
  await page.getByRole("button", { name: "Step back" }).click();
  await expect(position(page)).toHaveText("Step 7 of 16");
  expect(await page.getByRole("table", { name: /EPCM/ }).textContent()).toBe(before);
  await page.getByRole("button", { name: "Go to end" }).click();
  await expect(position(page)).toHaveText("Step 16 of 16");
});

test("a worker stuck in a loop is replaced and the run goes on from the same step", async ({ page }) => {
  const errors = watchErrors(page);
  await openRun(page, "/?flow=augment&step=12", 16);
  await expect(position(page)).toHaveText("Step 12 of 16");
  const worker = await engineWorker(page);
  // Never settles while the loop runs; the app terminates that worker.
  void worker
    .evaluate(() => {
      for (;;) {
        // spin
      }
    })
    .catch(() => {});
  await page.getByRole("button", { name: "Step back" }).click();
  await expect(notice(page)).toContainText("replayed to step 11", { timeout: 15_000 });
  await expect(position(page)).toHaveText("Step 11 of 16");
  await page.getByRole("button", { name: "Step forward" }).click();
  await expect(position(page)).toHaveText("Step 12 of 16");
  await expect(page.getByRole("region", { name: "Narration" })).toContainText("0x8007");
  expect(errors).toEqual([]);
});

test("the built site sends its Content-Security-Policy and the app runs under it", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  const response = await page.goto("/?flow=tcs-create");
  expect(response?.headers()["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  expect(meta).toBe(CONTENT_SECURITY_POLICY);
  expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
  expect(CONTENT_SECURITY_POLICY).toContain("worker-src 'self'");
  await expect(position(page)).toHaveText(/^Step 0 of \d+/);
  await page.getByRole("button", { name: "Go to end" }).click();
  await expect(position(page)).toHaveText(/^Step (\d+) of \1$/);
  await page.getByRole("button", { name: "Step back" }).click();
  await page.getByRole("button", { name: "Play" }).click();
  await expect(position(page)).toHaveText(/^Step (\d+) of \1$/);
  // Inline script is refused by the policy.
  const ran = await page.evaluate(async () => {
    const w = window as unknown as { __inlineRan?: boolean };
    const s = document.createElement("script");
    s.textContent = "window.__inlineRan = true";
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 50));
    return w.__inlineRan === true;
  });
  expect(ran).toBe(false);
  expect(violations.filter((v) => !v.includes("inline"))).toEqual([]);
  expect(violations.some((v) => v.includes("inline"))).toBe(true);
});

test("every built-in flow gives byte-identical traces in the browser's Worker and in Node", async ({
  page,
}) => {
  await openRun(page, "/", 16);
  const workerUrl = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .map((e) => e.name)
      .find((n) => /\/assets\/worker-[^/]*\.js$/.test(n)),
  );
  expect(workerUrl, "the engine's worker asset").toBeTruthy();
  const ids = flows.map((f) => f.id);
  // A fresh copy of the built worker, spoken to in comlink's wire protocol (APPLY → RAW).
  const inWorker = await page.evaluate(
    async ({ url, ids }) => {
      const w = new Worker(url, { type: "module" });
      const call = (id: number, flow: string) =>
        new Promise<string>((resolve, reject) => {
          const onMessage = (e: MessageEvent) => {
            if (e.data?.id !== String(id)) return;
            w.removeEventListener("message", onMessage);
            if (e.data.type === "RAW") resolve(JSON.stringify(e.data.value));
            else reject(new Error(JSON.stringify(e.data)));
          };
          w.addEventListener("message", onMessage);
          w.postMessage({
            id: String(id),
            type: "APPLY",
            path: ["runFlow"],
            argumentList: [{ type: "RAW", value: flow }],
          });
        });
      const out: Record<string, string> = {};
      for (const [i, id] of ids.entries()) out[id] = await call(i + 1, id);
      w.terminate();
      return out;
    },
    { url: workerUrl as string, ids },
  );
  for (const f of flows) {
    const node = JSON.stringify(simulate(f.scenario));
    expect(inWorker[f.id].length, f.id).toBe(node.length);
    expect(inWorker[f.id] === node, `${f.id}: Worker and Node traces differ`).toBe(true);
  }
});

test("titles, descriptions and notes from a scenario are shown as text, never as HTML", async ({ page }) => {
  const errors = watchErrors(page);
  const evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold</b>';
  await openRun(page, "/", 16);
  // The editor holds the loaded flow's scenario: give it hostile text.
  const scenario = await editorJson<{ title: string; description: string; steps: Array<{ note: string }> }>(
    page,
  );
  scenario.title = `T ${evil}`;
  scenario.description = `D ${evil}`;
  scenario.steps[0].note = `N ${evil}`;
  await fillEditor(page, JSON.stringify(scenario, null, 2));
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.locator(".app-title")).toHaveText(`T ${evil}`);
  await expect(position(page)).toHaveText("Step 0 of 16");
  await page.getByRole("button", { name: "Step forward" }).click();
  await expect(page.getByRole("region", { name: "Narration" })).toContainText(`N ${evil}`);
  await page.getByLabel("Scenario name").fill(`S ${evil}`);
  await page.getByRole("button", { name: "Save scenario" }).click();
  await expect(page.getByRole("list", { name: "Saved scenarios" })).toContainText(`S ${evil}`);
  expect(await page.locator("#root img, #root script, #root b").count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(errors).toEqual([]);
});

test("saved scenarios are shared by two tabs and survive a reload", async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await openRun(a, "/?flow=augment", 16);
  await b.goto("/?flow=tcs-create");
  await stepsOf(b);
  await a.getByLabel("Scenario name").fill("from tab A");
  await a.getByRole("button", { name: "Save scenario" }).click();
  // Tab B hears of it through the storage event, without a reload.
  await expect(b.getByRole("list", { name: "Saved scenarios" })).toContainText("from tab A");
  await b.getByLabel("Scenario name").fill("from tab B");
  await b.getByRole("button", { name: "Save scenario" }).click();
  for (const p of [a, b]) {
    const list = p.getByRole("list", { name: "Saved scenarios" });
    await expect(list).toContainText("from tab A");
    await expect(list).toContainText("from tab B");
  }
  await a.reload();
  const list = a.getByRole("list", { name: "Saved scenarios" });
  await expect(list).toContainText("from tab A");
  await expect(list).toContainText("from tab B");
  await list.getByRole("button", { name: "Load from tab B" }).click();
  await expect(a.locator(".app-title")).toContainText("tcs_create");
});

async function stepsOf(page: Page): Promise<number> {
  await expect(position(page)).toHaveText(/^Step \d+ of \d+/);
  return Number(/of (\d+)/.exec((await position(page).textContent()) ?? "")?.[1]);
}
