// @ts-check
// Crash recovery, checked the way a user would break it: `wrangler dev` on its own state directory,
// a burst of payments, repayments, transfers between wallets and loan approvals, `kill -9` of the whole
// process group about two seconds into the burst, then a restart on the same state. The conservation
// proof balances right after the restart, with sagas still unfinished; within 60 s every saga must be
// finished (payments, repayments and transfers terminal, approved loans disbursed), each with exactly
// one ledger effect, the proof still balanced with nothing in transit, and the reconciliation report
// empty. Run with `npm run test:crash` (node:test); it binds to
// 127.0.0.1:8790 only and stops every process it started.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "../..");
const wranglerBin = join(repo, "node_modules", "wrangler", "bin", "wrangler.js");
const PORT = Number(process.env.CRASH_TEST_PORT ?? 8790);
const API = `http://127.0.0.1:${PORT}/v1`;
const PASSWORD = "Crash-recovery-passphrase-93!";
const HEAL_MS = 60_000;
const WALLETS = 5;
const PAYMENTS = 300;
const REPAYMENTS = 30;
const APPROVALS = 6;
const TRANSFERS = 40;
const KILL_AFTER_ACCEPTED = 120;

const tmp = mkdtempSync(join(tmpdir(), "edge-fintech-crash-"));
const persist = join(tmp, "state");
const envFile = join(tmp, ".dev.vars");
writeFileSync(
  envFile,
  `JWT_SECRET=${randomBytes(32).toString("hex")}\nFUNDING_WEBHOOK_SECRET=whsec_${randomBytes(32).toString("base64")}\n` +
    `WEBHOOK_ENCRYPTION_KEY=${randomBytes(32).toString("base64")}\n` +
    `STATEMENT_SIGNING_KEY='${JSON.stringify({
      private_key: generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
      created_at: new Date().toISOString(),
    })}'\n`,
);

/** @type {import("node:child_process").ChildProcess | undefined} */
let server;
let output = "";

function startServer() {
  output = "";
  const child = spawn(
    process.execPath,
    [
      wranglerBin,
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(PORT),
      "--inspector-ip",
      "127.0.0.1",
      "--persist-to",
      persist,
      "--env-file",
      envFile,
      "--show-interactive-dev-session=false",
    ],
    { cwd: repo, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  server = child;
  return child;
}

/** `kill -9` of the server's whole process group (wrangler, workerd and anything else it started). */
async function killServer() {
  const child = server;
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
  await new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) ok(undefined);
    else child.once("exit", ok);
  });
  // workerd may take a moment to release the port after its parent died.
  await new Promise((ok) => setTimeout(ok, 300));
}

process.on("exit", () => {
  if (server?.pid !== undefined && server.exitCode === null) {
    try {
      process.kill(-server.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

after(async () => {
  await killServer();
  rmSync(tmp, { recursive: true, force: true });
});

async function waitForHealth(timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server?.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output.slice(-4000)}`);
    try {
      const res = await fetch(`${API}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((ok) => setTimeout(ok, 200));
  }
  throw new Error(`${API}/health did not answer within ${timeoutMs} ms:\n${output.slice(-4000)}`);
}

/**
 * @param {string} path
 * @param {{ method?: string, token?: string, body?: unknown, key?: string }} [options]
 * @returns {Promise<{ status: number, body: any }>}
 */
async function call(path, { method, token, body, key } = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  if (key) headers["idempotency-key"] = key;
  const res = await fetch(`${API}${path}`, {
    method: method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** @param {string} path @param {string} token @param {string} field */
async function allPages(path, token, field) {
  /** @type {any[]} */
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const res = await call(`${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token });
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
    items.push(...res.body[field]);
    cursor = res.body.next_cursor ?? null;
  } while (cursor);
  return items;
}

/** @param {string} email */
async function signup(email) {
  const res = await call("/auth/signup", { body: { email, password: PASSWORD } });
  assert.equal(res.status, 201, `signup ${email}: ${JSON.stringify(res.body)}`);
  return /** @type {string} */ (res.body.token);
}

const cents = (/** @type {string} */ s) => Math.round(Number(s) * 100);
const money = (/** @type {number} */ c) => `${Math.trunc(c / 100)}.${String(c % 100).padStart(2, "0")}`;

/**
 * @param {() => Promise<boolean>} done
 * @param {number} timeoutMs
 */
async function until(done, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((ok) => setTimeout(ok, 1_000));
  }
  return done();
}

test("kill -9 mid-burst, restart: every saga finishes with one ledger effect and reconciliation is empty", {
  timeout: 175_000,
}, async () => {
  const started = Date.now();
  await run(process.execPath, [wranglerBin, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], {
    cwd: repo,
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
  });
  startServer();
  await waitForHealth();

  const customer = await signup(`crash-${Date.now()}@example.com`);
  const admin = await signup("admin@example.com");
  /** @type {string[]} */
  const wallets = [];
  for (let i = 0; i < WALLETS; i++) {
    const created = await call("/wallet", { token: customer, body: {}, key: `wallet-${i}` });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.wallet.wallet_id;
    const credit = await call(`/wallet/${id}/credit`, { token: customer, body: { amount: "500.00" }, key: `fund-${i}` });
    assert.equal(credit.status, 200, JSON.stringify(credit.body));
    wallets.push(id);
  }
  // Loans to repay during the burst (approved and disbursed beforehand), and loans to approve in it.
  /** @type {string[]} */
  const repayable = [];
  /** @type {string[]} */
  const toApprove = [];
  for (let i = 0; i < 3 + APPROVALS; i++) {
    const res = await call("/loan", {
      token: customer,
      body: { wallet_id: wallets[i % WALLETS], amount: "100.00", loan_term_months: 12 },
      key: `loan-${i}`,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    (i < 3 ? repayable : toApprove).push(res.body.loan.loan_id);
  }
  for (const id of repayable) assert.equal((await call(`/loan/${id}/approve`, { method: "POST", token: admin })).status, 200);
  assert.ok(
    await until(async () => {
      for (const id of repayable) if (!(await call(`/loan/${id}`, { token: customer })).body.loan.disbursed_at) return false;
      return true;
    }, 30_000),
    "the loans to repay were not disbursed before the burst",
  );

  // The burst: payments, repayments and approvals interleaved, 16 requests in flight at a time.
  /** @type {(() => Promise<unknown>)[]} */
  const jobs = [];
  for (let i = 0; i < PAYMENTS; i++) {
    const wallet = wallets[i % WALLETS];
    const amount = 100 + ((i * 7919) % 1_900);
    jobs.push(() =>
      call("/payment", { token: customer, body: { wallet_id: wallet, merchant: `m${i % 9}`, amount: money(amount) }, key: `pay-${i}` }),
    );
    if (i % 10 === 5 && jobs.length < PAYMENTS + REPAYMENTS) {
      const loan = repayable[((i / 10) % 3) | 0];
      jobs.push(() => call(`/loan/${loan}/repay`, { token: customer, body: { amount: "1.00" }, key: `repay-${i}` }));
    }
    if (i % 7 === 3 && i / 7 < TRANSFERS) {
      // Between the customer's own wallets, so a crash can fall between the sender's debit and the
      // recipient's credit.
      const body = { from_wallet_id: wallet, to_wallet_id: wallets[(i + 1) % WALLETS], amount: money(50 + ((i * 104_729) % 450)) };
      jobs.push(() => call("/transfers", { token: customer, body, key: `transfer-${i}` }));
    }
    if (i % 20 === 10 && toApprove.length > 0) {
      const loan = toApprove.shift();
      jobs.push(() => call(`/loan/${loan}/approve`, { method: "POST", token: admin }));
    }
  }
  for (const loan of toApprove.splice(0)) jobs.push(() => call(`/loan/${loan}/approve`, { method: "POST", token: admin }));
  let accepted = 0;
  let next = 0;
  const workers = Array.from({ length: 16 }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      try {
        const res = /** @type {{ status: number }} */ (await job?.());
        if (res.status < 300) accepted++;
      } catch {
        // the server died under this request
      }
    }
  });
  // About two seconds in; on a loaded machine, once enough requests are in to leave sagas mid-flight.
  const burstStarted = Date.now();
  while (Date.now() - burstStarted < 2_000 || (accepted < KILL_AFTER_ACCEPTED && Date.now() - burstStarted < 15_000)) {
    await new Promise((ok) => setTimeout(ok, 50));
  }
  await killServer();
  const stopped = next;
  await Promise.allSettled(workers);

  startServer();
  await waitForHealth();
  const restarted = Date.now();

  const snapshot = async () => {
    /** @type {any[]} */
    const payments = [];
    for (const id of wallets) payments.push(...(await allPages(`/payment/by-wallet/${id}`, customer, "payments")));
    const loans = await allPages("/loan", customer, "loans");
    /** @type {any[]} */
    const repayments = [];
    for (const loan of loans) repayments.push(...(await call(`/loan/${loan.loan_id}/repayments`, { token: customer })).body.repayments);
    // Each transfer is listed under both of its wallets.
    /** @type {Map<string, any>} */
    const transfers = new Map();
    for (const id of wallets)
      for (const t of await allPages(`/transfers?wallet_id=${id}`, customer, "transfers")) transfers.set(t.transfer_id, t);
    return { payments, loans, repayments, transfers: [...transfers.values()] };
  };
  const proof = async () => {
    const res = await call("/admin/ledger", { token: admin });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  /** @param {Awaited<ReturnType<typeof snapshot>>} s */
  const unfinished = (s) => [
    ...s.payments.filter((p) => p.status === "PENDING").map((p) => `payment ${p.transaction_id}`),
    ...s.repayments.filter((r) => r.status === "PENDING").map((r) => `repayment ${r.repayment_id}`),
    ...s.transfers.filter((t) => t.status === "PENDING").map((t) => `transfer ${t.transfer_id}`),
    ...s.loans.filter((l) => (l.status === "APPROVED" || l.status === "PAID") && !l.disbursed_at).map((l) => `loan ${l.loan_id}`),
  ];
  // The proof is taken before the sagas are known to be finished: it must balance mid-flight too.
  const proofAtRestart = await proof();
  const first = await snapshot();
  const pendingAtRestart = unfinished(first).length;
  assert.equal(proofAtRestart.difference, "0.00", `proof right after the restart: ${JSON.stringify(proofAtRestart)}`);
  let state = first;
  const healed = await until(async () => {
    state = await snapshot();
    return unfinished(state).length === 0;
  }, HEAL_MS);
  const healMs = Date.now() - restarted;
  console.log(
    JSON.stringify({
      requests_started_before_kill: stopped,
      accepted_before_kill: accepted,
      payments: state.payments.length,
      repayments: state.repayments.length,
      transfers: state.transfers.length,
      approved_loans: state.loans.filter((l) => l.status !== "PENDING").length,
      in_transit_at_restart: proofAtRestart.in_transit,
      unfinished_at_restart: pendingAtRestart,
      unfinished_now: unfinished(state).length,
      heal_ms: healMs,
    }),
  );
  assert.ok(state.payments.length > 20, `too few payments got in before the kill (${state.payments.length})`);
  assert.ok(state.transfers.length > 3, `too few transfers got in before the kill (${state.transfers.length})`);
  assert.ok(healed, `still unfinished ${HEAL_MS} ms after the restart: ${unfinished(state).slice(0, 10).join(", ")} …`);

  // Exactly one ledger effect per finished saga: walk every wallet's transactions.
  /** @type {Map<string, { count: number, amount: number }>} */
  const effects = new Map();
  for (const id of wallets) {
    for (const t of await allPages(`/wallet/${id}/transactions`, customer, "transactions")) {
      if (!t.reference_id) continue;
      const key = `${t.type}:${t.reference_id}`;
      const seen = effects.get(key) ?? { count: 0, amount: 0 };
      effects.set(key, { count: seen.count + 1, amount: seen.amount + cents(t.amount) });
    }
  }
  /** @param {string} key @param {boolean} moved @param {number} amount */
  const expectEffect = (key, moved, amount) => {
    const found = effects.get(key);
    effects.delete(key);
    if (moved) assert.deepEqual(found, { count: 1, amount }, `${key} should have one ledger effect`);
    else assert.equal(found, undefined, `${key} should have no ledger effect`);
  };
  for (const p of state.payments) expectEffect(`PAYMENT_OUT:${p.transaction_id}`, p.status === "SUCCESSFUL", cents(p.amount));
  for (const r of state.repayments) expectEffect(`LOAN_REPAYMENT:${r.repayment_id}`, r.status === "SUCCESSFUL", cents(r.amount));
  for (const l of state.loans) expectEffect(`LOAN_IN:${l.loan_id}`, l.disbursed_at !== null, cents(l.amount));
  // One TRANSFER_OUT each, and one TRANSFER_IN: to the recipient when COMPLETED, or the reversal to
  // the sender when REVERSED.
  for (const t of state.transfers) {
    assert.ok(["COMPLETED", "REVERSED"].includes(t.status), `transfer ${t.transfer_id} is ${t.status}`);
    expectEffect(`TRANSFER_OUT:${t.transfer_id}`, true, cents(t.amount));
    expectEffect(`TRANSFER_IN:${t.transfer_id}`, true, cents(t.amount));
  }
  assert.deepEqual([...effects.keys()], [], "ledger effects without a D1 record");
  for (const l of state.loans) {
    const repaid = state.repayments
      .filter((r) => r.loan_id === l.loan_id && r.status === "SUCCESSFUL")
      .reduce((sum, r) => sum + cents(r.amount), 0);
    assert.equal(cents(l.remaining_balance), cents(l.amount) - repaid, `loan ${l.loan_id} balance`);
  }

  const settled = await proof();
  assert.equal(settled.difference, "0.00", JSON.stringify(settled));
  assert.equal(settled.in_transit, "0.00", JSON.stringify(settled));

  const report = await call("/admin/reconciliation", { token: admin });
  assert.equal(report.status, 200, JSON.stringify(report.body));
  assert.deepEqual(report.body.differences, []);
  console.log(JSON.stringify({ total_ms: Date.now() - started }));
});
