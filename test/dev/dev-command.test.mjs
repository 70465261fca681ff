// @ts-check
// The README's first promise, checked as a user would: `npm run dev` in this checkout brings up the
// API on http://localhost:8787/v1 and the UI on http://localhost:5173 (with /v1 proxied), with the
// local D1 migrated and .dev.vars created on first run; then a signup → wallet → credit → debit →
// history flow works over real HTTP. Run with `npm run test:dev` (node:test). The ports are the
// documented ones, so nothing else may be listening on 8787 or 5173.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";

const API = "http://localhost:8787/v1";
const UI = "http://localhost:5173";
const STARTUP_MS = 180_000;

/** @type {import("node:child_process").ChildProcess | undefined} */
let dev;
let output = "";

/** Stops `npm run dev` and everything it started: it leads its own process group. */
function stopDev() {
  if (dev?.pid === undefined || dev.exitCode !== null) return;
  try {
    process.kill(-dev.pid, "SIGTERM");
  } catch {
    // already gone
  }
}

/** @param {string} url */
async function waitFor(url) {
  const deadline = Date.now() + STARTUP_MS;
  while (Date.now() < deadline) {
    if (dev?.exitCode !== null) throw new Error(`npm run dev exited early:\n${output.slice(-4000)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${STARTUP_MS} ms:\n${output.slice(-4000)}`);
}

/**
 * @param {string} base
 * @param {string} path
 * @param {{ method?: string, token?: string, body?: unknown, key?: string }} [options]
 */
async function call(base, path, { method = "GET", token, body, key } = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  if (key) headers["idempotency-key"] = key;
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

before(async () => {
  dev = spawn("npm", ["run", "dev"], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  dev.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  dev.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  process.on("exit", stopDev);
  await waitFor(`${API}/health`);
  await waitFor(UI);
});

after(async () => {
  stopDev();
  if (dev && dev.exitCode === null) await new Promise((resolve) => dev?.once("exit", resolve));
});

test("the API answers on :8787/v1 with its version", async () => {
  const health = await call(API, "/health");
  assert.equal(health.status, 200);
  assert.equal(health.body.status, "ok");
  assert.equal(typeof health.body.version, "string");
});

test("the UI is served on :5173 and proxies /v1 to the API", async () => {
  const page = await fetch(UI);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="root">/);
  assert.equal((await call(`${UI}/v1`, "/health")).status, 200);
});

test("signup → wallet → credit → debit → history over real HTTP", async () => {
  const email = `dev-${Date.now()}@example.com`;
  const signup = await call(API, "/auth/signup", { method: "POST", body: { email, password: "Quiet-Harbor-7-Lantern" } });
  assert.equal(signup.status, 201);
  const token = signup.body.token;

  const created = await call(API, "/wallet", { method: "POST", token, body: {}, key: `wallet-${email}` });
  assert.equal(created.status, 201);
  const walletId = created.body.wallet.wallet_id;

  const credit = await call(API, `/wallet/${walletId}/credit`, { method: "POST", token, body: { amount: "100.00" }, key: "credit-1" });
  assert.equal(credit.status, 200);
  assert.equal(credit.body.wallet.balance, "100.00");
  const debit = await call(API, `/wallet/${walletId}/debit`, { method: "POST", token, body: { amount: "30.25" }, key: "debit-1" });
  assert.equal(debit.status, 200);
  assert.equal(debit.body.wallet.balance, "69.75");

  // Through the UI's proxy too: the same wallet, the same history.
  const history = await call(`${UI}/v1`, `/wallet/${walletId}/transactions`, { token });
  assert.equal(history.status, 200);
  assert.deepEqual(
    history.body.transactions.map((/** @type {{ type: string, amount: string }} */ t) => [t.type, t.amount]),
    [
      ["WITHDRAWAL", "30.25"],
      ["DEPOSIT", "100.00"],
    ],
  );
});
