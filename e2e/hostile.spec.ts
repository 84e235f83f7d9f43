import { expect, type Page, test } from "@playwright/test";
import { encodeScenario } from "../web/share/link.ts";
import {
  fillEditor,
  longestFrameGap,
  openRun,
  position,
  scenarioEditor,
  startFrameWatch,
  watchErrors,
} from "./support.ts";

// Hostile input, pasted into the scenario editor or opened as a share link: each case gets a
// message naming the problem within a second, and the page never freezes (the main thread keeps
// painting frames). The limits are documented in engine/scenario/LIMITS.md.

test.describe.configure({ timeout: 60_000 });

const million = `{"format":"epcm-scenario/1","title":"big","machine":{"epcPages":64,"sgx2":true},"steps":[${"{},".repeat(999_999)}{}]}`;

function valid(extra: Record<string, unknown>): string {
  return JSON.stringify({
    format: "epcm-scenario/1",
    title: "t",
    machine: { epcPages: 64, sgx2: true },
    steps: [],
    ...extra,
  });
}

const cases: Array<{ name: string; text: string; message: RegExp }> = [
  { name: "truncated JSON", text: valid({}).slice(0, 40), message: /not valid JSON/ },
  { name: "garbled text", text: "\u0000\u00ff<<garbage>>\ud800", message: /not valid JSON/ },
  {
    name: "wrong types",
    text: valid({ machine: { epcPages: "lots", sgx2: 1 } }),
    message: /machine\.epcPages/,
  },
  {
    name: "an unknown op",
    text: valid({ steps: [{ op: "frobnicate" }] }),
    message: /frobnicate/,
  },
  {
    name: "a number beyond 2^53",
    text: valid({ machine: { epcPages: 2 ** 64, sgx2: true } }),
    message: /machine\.epcPages/,
  },
  {
    name: "1e309",
    text: valid({}).replace('"epcPages":64', '"epcPages":1e309'),
    message: /machine\.epcPages/,
  },
  { name: "100,000 nested arrays", text: `${"[".repeat(100_000)}${"]".repeat(100_000)}`, message: /./ },
  {
    name: "deep nesting inside a step",
    text: valid({ steps: [JSON.parse(`${"[".repeat(200)}${"]".repeat(200)}`)] }),
    message: /nest|deep|steps\[0\]/i,
  },
  { name: "a million steps", text: million, message: /1000000 steps is more than the limit of 100000/ },
  {
    name: "an EPC beyond the limit",
    text: valid({ machine: { epcPages: 2 ** 30, sgx2: true } }),
    message: /epcPages/,
  },
  {
    name: "an enclave size beyond the largest value modelled",
    text: valid({
      steps: [
        {
          op: "ioctl",
          cmd: "SGX_IOC_ENCLAVE_CREATE",
          arg: { size: "0xffffffffffffffffffff", ssa_frame_size: 1 },
        },
      ],
    }),
    message: /size/,
  },
];

const problems = (page: Page) => page.locator(".scn-editor [role=alert]");

test("each kind of broken scenario pasted into the editor is named at once, without freezing", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openRun(page, "/", 16);
  const timings: string[] = [];
  for (const c of cases) {
    await fillEditor(page, "");
    await expect(problems(page)).toHaveCount(0);
    await (await scenarioEditor(page)).focus();
    await startFrameWatch(page);
    // A paste: the whole text arrives in one paste event; timed inside the page, from the
    // event to the message naming the problem. (The editor lives in the shadow root of its host.)
    const ms = await page.evaluate(
      async ({ text, source, flags }) => {
        const content = document.querySelector(".scn-code-host")?.shadowRoot?.querySelector(".cm-content");
        if (!content) throw new Error("no editor");
        const data = new DataTransfer();
        data.setData("text/plain", text);
        const t0 = performance.now();
        content.dispatchEvent(
          new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
        );
        const want = new RegExp(source, flags);
        for (;;) {
          const alert = document.querySelector(".scn-editor [role=alert]");
          if (alert && want.test(alert.textContent ?? "")) return performance.now() - t0;
          if (performance.now() - t0 > 5000) return Number.POSITIVE_INFINITY;
          await new Promise((r) => setTimeout(r, 10));
        }
      },
      { text: c.text, source: c.message.source, flags: c.message.flags },
    );
    timings.push(`${c.name}: ${Math.round(ms)} ms`);
    // Alone on an idle machine the slowest case (a million steps) shows its message in ~0.6 s,
    // most of it Chromium laying out the pasted text. Timings belong to benchmarks; this bound
    // only catches a hang (a busy CI machine runs two browsers at once).
    expect(ms, `${c.name}: message after ${Math.round(ms)} ms`).toBeLessThan(5000);
    // The page keeps painting: no freeze. (The editor draws only the part of a 3 MB line in
    // view; the app's own work on a paste is a few milliseconds.)
    const gap = await longestFrameGap(page);
    timings.push(`  longest frame gap ${Math.round(gap)} ms`);
    expect(gap, `${c.name}: longest frame gap`).toBeLessThan(5000);
    // What was shown stays: the augment run is still loaded.
    await expect(position(page)).toHaveText(/of 16$/);
  }
  console.log(timings.join("\n"));
  expect(errors).toEqual([]);
});

test("a share link carrying a million steps is refused with a message, and the default flow opens", async ({
  page,
}) => {
  const errors = watchErrors(page);
  const link = encodeScenario(JSON.parse(million));
  expect(link.ok).toBe(true);
  const t0 = Date.now();
  await page.goto(`/#s=${link.ok ? link.value : ""}`);
  await expect(page.locator(".notice")).toContainText(/limit of 100000/);
  expect(Date.now() - t0).toBeLessThan(10_000);
  await expect(position(page)).toHaveText(/^Step 0 of 16/);
  expect(errors).toEqual([]);
});

test("a link whose payload is garbage, or far too long, gets a message naming the problem", async ({
  page,
}) => {
  await page.goto("/#s=1.%%%not-base64%%%");
  await expect(page.locator(".notice")).toBeVisible();
  await expect(position(page)).toHaveText(/^Step 0 of 16/);
  await page.goto(`/?flow=tcs-create&step=99999999999999999999#`);
  await expect(position(page)).toHaveText(/^Step \d+ of \d+/);
  await page.goto(`/?flow=${"x".repeat(5000)}`);
  await expect(page.locator(".notice")).toContainText(/flow/);
});
