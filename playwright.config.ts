import { defineConfig, devices } from "@playwright/test";

// Browser tests drive Debian's Chromium (never a downloaded browser) against the real local stack.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// E2E_UI_PORT / E2E_API_PORT (read by scripts/e2e-server.mjs too) let two runs share a machine.
const uiOrigin = `http://127.0.0.1:${process.env.E2E_UI_PORT ?? "5173"}`;

export default defineConfig({
  testDir: "test/e2e",
  outputDir: "test-results",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  // In CI a failed test runs once more and, if it then passes, is reported as flaky (the list and
  // HTML reports name it), so one timing hiccup on a loaded runner does not fail the build.
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: uiOrigin,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } } },
    {
      name: "phone",
      use: { ...devices["Desktop Chrome"], viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true },
      grep: /@phone/,
    },
  ],
  webServer: {
    command: "node scripts/e2e-server.mjs",
    url: `${uiOrigin}/v1/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
  },
});
