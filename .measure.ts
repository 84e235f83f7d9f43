import { chromium } from "playwright-core";
import { chromiumArgs, findChromium } from "./e2e/chromium.ts";
const [base, ...flows] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs() });
const p = await b.newPage({ viewport: { width: 1366, height: 768 } });
for (const f of flows) {
  await p.goto(`${base}/?flow=${f}&step=0`);
  await p.waitForSelector(".stepper-position:has-text('Step 0')");
  const total = Number((await p.textContent(".stepper-position"))!.match(/of (\d+)/)![1]);
  const tops = new Map<number, string>();
  for (let k = 0; k <= total; k++) {
    if (k > 0) { await p.keyboard.press("ArrowRight"); await p.waitForSelector(`.stepper-position:has-text('Step ${k} of')`); }
    const t = await p.evaluate(() => document.querySelector(".grids")!.getBoundingClientRect().top);
    if (!tops.has(t)) tops.set(t, `step ${k}`);
  }
  console.log(f, total, JSON.stringify([...tops]));
}
await b.close();
