import { existsSync } from "node:fs";
import { chromium, defineConfig } from "@playwright/test";

// Which Chromium to drive, in order: $CHROMIUM_PATH, Debian's /usr/bin/chromium, then the
// browser Playwright downloads itself (`npx playwright install chromium`), if present.
function findChromium(): string {
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
    "No Chromium found for the end-to-end tests: install Debian's chromium (`apt-get install -y chromium`) " +
      "or set CHROMIUM_PATH to a Chromium executable.",
  );
}

// E2E_PORT and E2E_DIST let several builds be tested side by side (default: dist/ on 4199).
const PORT = Number(process.env.E2E_PORT ?? 4199);
const DIST = process.env.E2E_DIST ?? "dist";
const isRoot = process.getuid?.() === 0;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: "list",
  forbidOnly: Boolean(process.env.CI),
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: "chromium",
    launchOptions: {
      executablePath: findChromium(),
      args: [
        ...(isRoot ? ["--no-sandbox"] : []),
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    trace: "retain-on-failure",
  },
  // Serves the production build in dist/ (the test:e2e script runs `vite build` first).
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort --outDir ${DIST}`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
