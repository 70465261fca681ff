// @ts-check
// The deployed shape, run offline: the built UI and the Pages Function served by `wrangler pages dev`,
// with the API Worker bound to it as `API`, on a fresh temporary state directory.
//
// Why one process with two configs (`-c wrangler.toml -c ../wrangler.toml`, run from pages/): wrangler
// 4.164 compiles the Pages Function into <nearest package.json>/.wrangler/tmp and then looks for the
// Worker config upwards from there, so a plain `wrangler pages dev` in pages/ picks up the API's
// wrangler.toml instead of pages/wrangler.toml. Passing the configs explicitly avoids that, and runs
// the API Worker in the same workerd as the Function, bound exactly like the service binding in
// production. (Two processes sharing a dev registry also work, WebSockets included, when the Pages
// project is not nested under another Worker's config.)
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "../..");
const pagesDir = join(repo, "pages");
const wranglerBin = join(repo, "node_modules", "wrangler", "bin", "wrangler.js");
const viteBin = join(repo, "node_modules", "vite", "bin", "vite.js");

/** A port the kernel just handed out on 127.0.0.1 (closed again before wrangler binds it). */
async function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (address && typeof address === "object" ? ok(address.port) : fail(new Error("no port"))));
    });
  });
}

/**
 * The UI, built into the temporary directory so pages/dist (and whoever is working on the UI) is never
 * touched. PAGES_TEST_STUB_UI=1 serves a one-file stand-in instead, for when the UI does not build.
 * @param {string} outDir
 */
async function buildUi(outDir) {
  if (process.env.PAGES_TEST_STUB_UI === "1") {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "index.html"), '<!doctype html><html><body><div id="root">stand-in UI</div></body></html>\n');
    return { stub: true };
  }
  await run(process.execPath, [viteBin, "build", "--config", join(pagesDir, "vite.config.ts"), "--outDir", outDir, "--emptyOutDir"], {
    cwd: repo,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { stub: false };
}

/**
 * @param {string} url
 * @param {() => string | undefined} died  returns a reason once the server process has exited
 */
async function waitForHealth(url, died, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = died();
    if (reason) throw new Error(reason);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/**
 * Builds the UI, applies the D1 migrations locally and starts `wrangler pages dev` on a free port.
 * Call stop() when done: it ends the server's process group and removes every temporary file.
 */
export async function startPagesStack() {
  const tmp = mkdtempSync(join(tmpdir(), "edge-fintech-pages-"));
  const dist = join(tmp, "dist");
  const state = join(tmp, "state");
  const log = join(tmp, "pages-dev.log");
  const env = {
    ...process.env,
    // Our own dev registry, so Workers from another `wrangler dev` on this machine are never bound.
    WRANGLER_REGISTRY_PATH: join(tmp, "registry"),
    WRANGLER_SEND_METRICS: "false",
    // wrangler.toml declares JWT_SECRET as a required secret, so wrangler reads it from the
    // environment when there is no .dev.vars (as in CI).
    JWT_SECRET: process.env.JWT_SECRET ?? "pages-proxy-test-secret-pages-proxy-test",
    FUNDING_WEBHOOK_SECRET: process.env.FUNDING_WEBHOOK_SECRET ?? "whsec_cGFnZXMtcHJveHktdGVzdC13ZWJob29rLXNlY3JldA==",
    WEBHOOK_ENCRYPTION_KEY: process.env.WEBHOOK_ENCRYPTION_KEY ?? "cGFnZXMtcHJveHktdGVzdC13ZWJob29rLWtleS0zMmI=",
    STATEMENT_SIGNING_KEY:
      process.env.STATEMENT_SIGNING_KEY ??
      '{"private_key":"MC4CAQAwBQYDK2VwBCIEIE8BiaH59W9e4FxJgovOuzf7x206fSwSY4FRxPDOt+km","created_at":"2026-03-01T00:00:00.000Z"}',
  };

  /** @type {import("node:child_process").ChildProcess | undefined} */
  let child;
  const stop = async () => {
    const pid = child?.pid;
    if (pid !== undefined && child?.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child?.once("exit", r));
      try {
        process.kill(-pid, "SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    // Whatever wrangler left in its process group (workerd) goes too.
    if (pid !== undefined) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // the group is empty
      }
    }
    process.removeListener("exit", killOnExit);
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    rmSync(tmp, { recursive: true, force: true });
  };
  // If the test process dies before afterAll, do not leave a server behind.
  const killOnExit = () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  process.on("exit", killOnExit);
  // A signal (Ctrl-C, a CI timeout) does not run "exit" listeners on its own: stop the server, then die.
  const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
    killOnExit();
    rmSync(tmp, { recursive: true, force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    const ui = await buildUi(dist);
    await run(process.execPath, [wranglerBin, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { cwd: repo, env });

    const [port, inspectorPort] = [await freePort(), await freePort()];
    const out = openSync(log, "a");
    child = spawn(
      process.execPath,
      [
        wranglerBin,
        "pages",
        "dev",
        dist,
        "-c",
        "wrangler.toml",
        "-c",
        "../wrangler.toml",
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--inspector-port",
        String(inspectorPort),
        "--persist-to",
        state,
        "--show-interactive-dev-session=false",
      ],
      // Its own process group, so stop() reaches wrangler's workerd children too.
      { cwd: pagesDir, env, detached: true, stdio: ["ignore", out, out] },
    );
    const origin = `http://127.0.0.1:${port}`;
    const died = () =>
      child?.exitCode !== null || child?.signalCode !== null
        ? `wrangler pages dev exited (${child?.exitCode ?? child?.signalCode}):\n${readFileSync(log, "utf8").slice(-4000)}`
        : undefined;
    await waitForHealth(`${origin}/v1/health`, died);
    return { origin, dist, stubUi: ui.stub, log, stop };
  } catch (error) {
    const output = existsSync(log) ? `\n--- wrangler pages dev log ---\n${readFileSync(log, "utf8").slice(-4000)}` : "";
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}${output}`, { cause: error });
  }
}
