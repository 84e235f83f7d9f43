import { defineConfig } from "@playwright/test";
import { chromiumArgs, findChromium } from "./e2e/chromium.ts";

// E2E_PORT and E2E_DIST let several builds be tested side by side (default: dist/ on 4199).
const PORT = Number(process.env.E2E_PORT ?? 4199);
const DIST = process.env.E2E_DIST ?? "dist";
/** The same build served from a sub-path, as a project page would serve it (see subpath.spec.ts). */
export const SUBPATH_PORT = PORT + 1000;
export const SUBPATH = "/project/epcm-explorer/";
/**
 * Every test starts with the first visit's welcome dismissed (web/app/Welcome.tsx), so that it
 * sees the explorer as before; a test of the welcome opts in with an empty storageState.
 */
const WELCOME_SEEN = [PORT, SUBPATH_PORT].map((port) => ({
  origin: `http://127.0.0.1:${port}`,
  localStorage: [{ name: "epcm-explorer.v1.welcome-dismissed", value: "1" }],
}));

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
      args: chromiumArgs(),
    },
    trace: "retain-on-failure",
    storageState: { cookies: [], origins: WELCOME_SEEN },
  },
  // Serves the production build in dist/ (the test:e2e script runs `vite build` first).
  webServer: [
    {
      command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort --outDir ${DIST}`,
      url: `http://127.0.0.1:${PORT}`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `node e2e/static-server.mjs ${DIST} ${SUBPATH_PORT} ${SUBPATH}`,
      url: `http://127.0.0.1:${SUBPATH_PORT}${SUBPATH}`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
