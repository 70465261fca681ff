// Starts the whole local stack for the browser tests on a fresh, temporary state directory:
// the API (wrangler dev, 127.0.0.1:8787) and the UI (Vite, 127.0.0.1:5173, /v1 proxied).
// Playwright starts this as its webServer and stops it when the run ends; we stop our children.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Ports are overridable so two runs can share a machine (defaults match `npm run dev`).
const apiPort = process.env.E2E_API_PORT ?? "8787";
const uiPort = process.env.E2E_UI_PORT ?? "5173";
const state = mkdtempSync(join(tmpdir(), "edge-fintech-e2e-"));
const bin = (name) => join(process.cwd(), "node_modules", ".bin", name);
execFileSync(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { stdio: "inherit" });

const children = [
  spawn(
    bin("wrangler"),
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      apiPort,
      "--persist-to",
      state,
      "--var",
      "JWT_SECRET:e2e-secret-e2e-secret-e2e-secret",
      "--var",
      "FUNDING_WEBHOOK_SECRET:whsec_ZTJlLWZ1bmRpbmctd2ViaG9vay1zZWNyZXQtMzJiLg==",
      "--var",
      "WEBHOOK_ENCRYPTION_KEY:ZTJlLXdlYmhvb2stZW5jcnlwdGlvbi1rZXktMzJieXQ=",
      "--var",
      'STATEMENT_SIGNING_KEY:{"private_key":"MC4CAQAwBQYDK2VwBCIEIE8BiaH59W9e4FxJgovOuzf7x206fSwSY4FRxPDOt+km","created_at":"2026-03-01T00:00:00.000Z"}',
      "--show-interactive-dev-session=false",
    ],
    { stdio: "inherit" },
  ),
  spawn(bin("vite"), ["--config", "pages/vite.config.ts", "--host", "127.0.0.1", "--port", uiPort, "--strictPort"], {
    stdio: "inherit",
    env: { ...process.env, API_PROXY_TARGET: `http://127.0.0.1:${apiPort}` },
  }),
];

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(state, { recursive: true, force: true });
    process.exit(code);
  }, 1500);
}
for (const child of children) child.on("exit", (code) => stop(code ?? 1));
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(0));
