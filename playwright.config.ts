import { defineConfig, devices } from "@playwright/test";

// Browser tests drive Debian's Chromium (never a downloaded browser) against the real local stack.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// E2E_UI_PORT / E2E_API_PORT (read by scripts/e2e-server.mjs too) let two runs share a machine.
const uiOrigin = `http://127.0.0.1:${process.env.E2E_UI_PORT ?? "5173"}`;

const desktop = { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } };
const phone = { ...devices["Desktop Chrome"], viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true };
/** Specs that advance the shared test clock (POST /v1/admin/clock/advance, or the admin's clock panel). */
const CLOCK_SPECS = /loans-servicing\.spec\.ts$/;

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
  // The specs that move the test clock run after every other spec: the clock is the whole stack's
  // (one row in D1) and only moves forward, and every ledger entry is stamped by it, so a spec that
  // reads "this month" would otherwise meet entries dated a month ahead.
  projects: [
    { name: "desktop", testIgnore: CLOCK_SPECS, use: desktop },
    { name: "phone", testIgnore: CLOCK_SPECS, use: phone, grep: /@phone/ },
    { name: "desktop-clock", testMatch: CLOCK_SPECS, use: desktop, dependencies: ["desktop", "phone"] },
    { name: "phone-clock", testMatch: CLOCK_SPECS, use: phone, grep: /@phone/, dependencies: ["desktop", "phone"] },
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
