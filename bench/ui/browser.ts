// Driving the app in Chromium for the UI benchmark: finding and launching the browser, opening
// the app with the in-page probe (probe.js), timing step clicks, loading a scenario file, and
// the pointer gestures on the EPC grid. Page code is passed to page.evaluate as strings that call
// window.uiBench (probe.js), so nothing here depends on how this file is compiled.

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Browser, type CDPSession, chromium, type Page } from "playwright-core";
import { chromiumArgs, findChromium } from "../../e2e/chromium.ts";

const probePath = fileURLToPath(new URL("./probe.js", import.meta.url));

export { findChromium };

export function chromiumVersion(executablePath: string): string {
  try {
    return execFileSync(executablePath, ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    })
      .trim()
      .split("\n")[0];
  } catch {
    return executablePath;
  }
}

export function launch(executablePath: string, headed: boolean): Promise<Browser> {
  return chromium.launch({ executablePath, headless: !headed, args: chromiumArgs() });
}

export interface FrameStats {
  frames: number;
  ms: number;
  fps: number;
  /** Longest time without an animation frame (ms). */
  maxGap: number;
  dropped: number;
  droppedPct: number;
  longTasks: number;
  longestTask: number;
  /** Repaints of the EPC grid's cells layer and its interactive layer. */
  epcBaseDraws: number;
  epcOverlayDraws: number;
}

export interface StepResult {
  expected: string;
  error: string | null;
  click: number | null;
  painted: number | null;
  /** Click → end of the frame showing the new position. */
  latency: number | null;
  /** Click → the engine's answer (the state view) reached the page. */
  toReply: number | null;
  /** Click → "Step N of M" changed in the DOM. */
  toText: number | null;
  epcRepainted: boolean;
  /** Filled in afterwards (long tasks are reported late). */
  longestTask?: number;
  maxGap?: number;
}

export interface LoadWatch {
  start: number;
  statusFirst: number | null;
  statusLast: number | null;
  progress: Array<{ t: number; value: number; max: number }>;
  texts: string[];
  cancelShown: boolean;
  loaded: number | null;
  painted: number | null;
  steps: string;
  error?: string;
}

export const js = (x: unknown) => JSON.stringify(x);
export const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
export const pageNow = (page: Page) => page.evaluate("uiBench.now()") as Promise<number>;
export const frameStats = (page: Page, t0: number, t1: number, interval: number) =>
  page.evaluate(`uiBench.frameStats(${t0}, ${t1}, ${interval})`) as Promise<FrameStats>;
export const stepText = (page: Page) => page.evaluate("uiBench.stepText()") as Promise<string>;
export const callsSince = (page: Page, t0: number) =>
  page.evaluate(`uiBench.callsSince(${t0})`) as Promise<string[]>;

export const SETTLED = `!document.querySelector('.status [role="status"]') && /^Step 0 of \\d+$/.test(uiBench.stepText())`;

/** A new tab with the app open at `url`, the probe installed, the first flow loaded and shown. */
export async function openApp(browser: Browser, url: string, errors: string[]): Promise<Page> {
  // The benchmark drives the page with evaluated strings; the site's CSP (no eval) would refuse
  // them, so it is bypassed here (only here: e2e/reliability.spec.ts tests the CSP itself).
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
  page.setDefaultTimeout(120_000);
  await page.addInitScript({ path: probePath });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(SETTLED, undefined, { polling: "raf" });
  return page;
}

/**
 * The page's JS heap in use (main thread), from the DevTools protocol, after a garbage
 * collection, and the typed arrays' buffers outside it (`backing`, when the browser reports it).
 */
export async function heapUsed(page: Page): Promise<{ used: number; backing: number | null }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("HeapProfiler.collectGarbage");
    const r = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number; backingStorageSize?: number };
    return { used: r.usedSize, backing: r.backingStorageSize ?? null };
  } finally {
    await cdp.detach();
  }
}

/** Load a scenario through "Import scenario" (the file input), as a user choosing a file. */
export async function importScenario(page: Page, name: string, json: string): Promise<void> {
  await page.setInputFiles('.scn-files input[type="file"]', {
    name,
    mimeType: "application/json",
    buffer: Buffer.from(json),
  });
}

export const stepButton = (name: string) => `.stepper button[aria-label="${name}"]`;
export const EPC_PANEL = 'section.grid-panel:has(canvas[aria-label="EPC pages"])';

/** Click a stepper button and time it to the painted frame that reads `expected`. */
export async function timedClick(page: Page, name: string, expected: string): Promise<StepResult> {
  await page.evaluate(`uiBench.armStep(${js(expected)})`);
  await page.click(stepButton(name));
  return (await page.evaluate("uiBench.stepResult()")) as StepResult;
}

/** Walk the stepper to step `target` of `n` (Go to start/end, else one step at a time). */
export async function goTo(page: Page, n: number, target: number): Promise<void> {
  for (;;) {
    const at = Number(/^Step (\d+) of/.exec(await stepText(page))?.[1]);
    if (Number.isNaN(at)) throw new Error("the stepper shows no position");
    if (at === target) return;
    const [name, next]: [string, number] =
      target === n
        ? ["Go to end", n]
        : target === 0
          ? ["Go to start", 0]
          : at < target
            ? ["Step forward", at + 1]
            : ["Step back", at - 1];
    const r = await timedClick(page, name, `Step ${next} of ${n}`);
    if (r.error) throw new Error(`${name}: ${r.error}`);
  }
}

/** "used N" of the EPC grid's summary. */
export async function epcUsed(page: Page): Promise<number> {
  const text = (await page.locator(`${EPC_PANEL} .grid-summary`).textContent()) ?? "";
  const m = /used\s*([\d,.\s\u202f]+)/.exec(text);
  return m ? Number(m[1].replace(/[^\d]/g, "")) : Number.NaN;
}

// ---------------------------------------------------------------------------------------------
// Gestures on a grid.

/** A grid to zoom and pan: its canvas's accessible name and its zoom buttons' names. */
export interface GridTarget {
  canvas: string;
  zoomIn: string;
  reset: string;
}

export const EPC_GRID: GridTarget = { canvas: "EPC pages", zoomIn: "Zoom in", reset: "Reset" };
export const ENCLAVE_GRID: GridTarget = {
  canvas: "Enclave pages",
  zoomIn: "Enlarge enclave pages",
  reset: "Fit enclave pages",
};

const panelOf = (g: GridTarget) => `section.grid-panel:has(canvas[aria-label="${g.canvas}"])`;

type Box = { x: number; y: number; w: number; h: number };

async function gridBox(page: Page, g: GridTarget): Promise<Box> {
  const canvas = page.locator(`canvas[aria-label="${g.canvas}"]`);
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error(`the grid "${g.canvas}" is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2, w: box.width, h: box.height };
}

async function resetZoom(page: Page, g: GridTarget): Promise<void> {
  await page.click(`${panelOf(g)} button[aria-label="${g.reset}"]`);
  await sleep(300);
}

/** Input events per second: a common mouse report rate. */
export const INPUT_HZ = 120;

/**
 * Input events at INPUT_HZ for `seconds`, sent straight into the browser's input pipeline
 * without waiting for each to be handled (as a real mouse does: the browser coalesces what the
 * page cannot keep up with). Frame stats over that time.
 */
async function paced(
  page: Page,
  seconds: number,
  interval: number,
  send: (cdp: CDPSession, i: number) => Promise<unknown>,
): Promise<FrameStats> {
  const cdp = await page.context().newCDPSession(page);
  const pending: Array<Promise<unknown>> = [];
  const t0 = await pageNow(page);
  const start = Date.now();
  let i = 0;
  while (Date.now() - start < seconds * 1000) {
    pending.push(send(cdp, i).catch(() => undefined));
    i++;
    const wait = start + (i * 1000) / INPUT_HZ - Date.now();
    if (wait > 0) await sleep(wait);
  }
  await Promise.all(pending);
  const t1 = await pageNow(page);
  await cdp.detach();
  return frameStats(page, t0, t1, interval);
}

/** A gesture on grid `g` for `seconds`, with the frame statistics over that time. */
type Gesture = (page: Page, seconds: number, interval: number, g?: GridTarget) => Promise<FrameStats>;

/** Wheel zoom over the grid's centre: 20 notches in (about 16x), 20 out, and again. */
export const wheelZoom: Gesture = async (page, seconds, interval, g = EPC_GRID) => {
  await resetZoom(page, g);
  const c = await gridBox(page, g);
  await page.mouse.move(c.x, c.y);
  await sleep(200);
  return paced(page, seconds, interval, (cdp, i) =>
    cdp.send("Input.dispatchMouseEvent", {
      type: "mouseWheel",
      x: c.x,
      y: c.y,
      deltaX: 0,
      deltaY: Math.floor(i / 20) % 2 === 0 ? -100 : 100,
    }),
  );
};

/** Drag pan, zoomed in 16x (four "Zoom in" clicks): one circle a second around the centre. */
export const dragPan: Gesture = async (page, seconds, interval, g = EPC_GRID) => {
  await resetZoom(page, g);
  for (let i = 0; i < 4; i++) await page.click(`${panelOf(g)} button[aria-label="${g.zoomIn}"]`);
  const c = await gridBox(page, g);
  const r = Math.min(120, c.h / 3);
  const at = (i: number) => {
    const a = (2 * Math.PI * i) / INPUT_HZ;
    return { x: c.x + r * Math.cos(a), y: c.y + r * Math.sin(a) };
  };
  await page.mouse.move(at(0).x, at(0).y);
  await sleep(300);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.dispatchMouseEvent", {
    type: "mousePressed",
    ...at(0),
    button: "left",
    buttons: 1,
    clickCount: 1,
  });
  let last = at(0);
  const stats = await paced(page, seconds, interval, (input, i) => {
    last = at(i + 1);
    return input.send("Input.dispatchMouseEvent", {
      type: "mouseMoved",
      ...last,
      button: "left",
      buttons: 1,
    });
  });
  await cdp.send("Input.dispatchMouseEvent", {
    type: "mouseReleased",
    ...last,
    button: "left",
    buttons: 0,
    clickCount: 1,
  });
  await cdp.detach();
  await resetZoom(page, g);
  return stats;
};
