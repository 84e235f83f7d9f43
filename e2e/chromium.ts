// Which Chromium the browser tests and the UI benchmark drive, and how it is launched.
// Order: $CHROMIUM_PATH, Debian's /usr/bin/chromium, then the browser Playwright downloads itself
// (`npx playwright install chromium`), if present.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new Error(
        `CHROMIUM_PATH is ${fromEnv}, but no such file exists: point it at a Chromium executable, ` +
          "or unset it and install Debian's chromium (`apt-get install -y chromium`).",
      );
    }
    return fromEnv;
  }
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  let bundled = "";
  try {
    bundled = chromium.executablePath();
  } catch {
    // No browser registered for this Playwright version.
  }
  if (bundled && existsSync(bundled)) return bundled;
  throw new Error(
    "No Chromium found: install Debian's chromium (`apt-get install -y chromium`) " +
      "or set CHROMIUM_PATH to a Chromium executable.",
  );
}

/** Launch flags: no sandbox as root, and nothing that reaches for the network on its own. */
export function chromiumArgs(): string[] {
  const isRoot = process.getuid?.() === 0;
  return [
    ...(isRoot ? ["--no-sandbox"] : []),
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ];
}
