import { createMessageBatch, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { SagaSweeper } from "../../durable-objects/saga-sweeper";
import { reconcile } from "../../workers/admin/reconciliation";
import { processBatch, queueTap } from "../../workers/events";
import { ledgerFor } from "../../workers/lib/ledger";
import { api, createWallet, signup, signupAdmin, type TestUser } from "../helpers/api";

type Captured = { queue: string; body: any };
const captured: Captured[] = [];
const sweeper = () => env.SAGA_SWEEPER.get(env.SAGA_SWEEPER.idFromName("saga-sweeper"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => {
  queueTap.capture = undefined;
  captured.length = 0;
});

function capture() {
  queueTap.capture = (queue, body) => captured.push({ queue, body });
}

/** The next captured message of a type (waiting for it), removed from the capture. */
async function take(type: string): Promise<Captured> {
  await expect.poll(() => captured.some((c) => c.body.type === type), { timeout: 5000 }).toBe(true);
  return captured.splice(
    captured.findIndex((c) => c.body.type === type),
    1,
  )[0]!;
}

async function deliver(message: Captured) {
  await processBatch(
    createMessageBatch(message.queue, [{ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: message.body }]),
    env,
  );
}

/** Delivers every captured message (and whatever they cause) until `done` holds. */
async function settle(done: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const next = captured.shift();
    if (next) {
      await deliver(next);
      continue;
    }
    if (await done()) return;
    await sleep(20);
  }
  throw new Error(`did not settle; ${captured.length} captured`);
}

const payment = async (user: TestUser, id: string) => (await api(`/payment/${id}`, { token: user.token })).body.payment;
const entries = (walletId: string, referenceId: string) => ledgerFor(env, walletId).entriesFor(referenceId);
const balance = async (walletId: string) => (await ledgerFor(env, walletId).getWallet(null))!.balance;
const backdate = (table: string, column: string, id: string, field = "created_at") =>
  env.DB.prepare(`UPDATE ${table} SET ${field} = ? WHERE ${column} = ?`)
    .bind(new Date(Date.now() - 7_200_000).toISOString(), id)
    .run();

async function approvedLoan(admin: TestUser, user: TestUser, walletId: string) {
  const loan = await api("/loan", { token: user.token, body: { wallet_id: walletId, amount: "100.00", loan_term_months: 12 } });
  expect(loan.status).toBe(201);
  const loanId: string = loan.body.loan.loan_id;
  expect((await api(`/loan/${loanId}/approve`, { method: "POST", token: admin.token })).status).toBe(200);
  return loanId;
}

describe("saga re-drive", () => {
  it("a saga-starting request arms the sweeper, whose alarm keeps running while sagas are unfinished", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    capture();
    await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Armed", amount: "1.00" } });
    await take("PAYMENT_REQUESTED"); // lost
    await expect
      .poll(() => runInDurableObject(sweeper(), (_instance: SagaSweeper, state) => state.storage.getAlarm()), { timeout: 5000 })
      .not.toBeNull();
    expect(await runDurableObjectAlarm(sweeper())).toBe(true);
    // The payment is still PENDING, so the alarm re-armed itself.
    expect(await runInDurableObject(sweeper(), (_instance: SagaSweeper, state) => state.storage.getAlarm())).not.toBeNull();
  });

  it("a debited-but-PENDING payment (its outcome event lost) becomes SUCCESSFUL with one PAYMENT_OUT", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    capture();
    const res = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Lost outcome", amount: "12.00" } });
    const paymentId = res.body.payment.transaction_id;
    const requested = await take("PAYMENT_REQUESTED");
    await deliver(requested);
    const lost = await take("PAYMENT_SUCCESSFUL"); // the outcome event is lost (e.g. a restart of a local queue)
    expect((await payment(user, paymentId)).status).toBe("PENDING");
    expect(await entries(walletId, paymentId)).toHaveLength(1);
    await backdate("payments", "payment_id", paymentId);

    // Reconciliation sees the disagreement: PENDING in D1, debited in the ledger.
    const before = (await reconcile(env)).filter((d) => d.reference_id === paymentId);
    expect(before).toEqual([expect.objectContaining({ kind: "PAYMENT", wallet_id: walletId })]);

    // Two sweeps before anything is delivered: duplicate re-drives.
    expect((await sweeper().sweep({ redriveAfterMs: 0 })).redriven).toBeGreaterThanOrEqual(1);
    expect((await sweeper().sweep({ redriveAfterMs: 0 })).redriven).toBeGreaterThanOrEqual(1);
    const redrives = () => captured.filter((c) => c.body.type === "PAYMENT_REQUESTED" && c.body.payload.payment_id === paymentId);
    await expect.poll(() => redrives().length, { timeout: 5000 }).toBe(2);
    const redriven = redrives();
    // Each re-drive is a new delivery: its own event id, never the lost one's.
    const ids = new Set([requested.body.event_id, lost.body.event_id, ...redriven.map((c) => c.body.event_id)]);
    expect(ids.size).toBe(4);

    await settle(async () => (await payment(user, paymentId)).status !== "PENDING");
    await settle(async () => true);
    expect((await payment(user, paymentId)).status).toBe("SUCCESSFUL");
    expect(await entries(walletId, paymentId)).toEqual([expect.objectContaining({ type: "PAYMENT_OUT", amount: 1_200 })]);
    expect(await balance(walletId)).toBe(3_800);
    expect((await reconcile(env)).filter((d) => d.wallet_id === walletId)).toEqual([]);
  });

  it("an undebited PENDING payment (its request lost) is debited once", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    capture();
    const res = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Lost request", amount: "7.50" } });
    const paymentId = res.body.payment.transaction_id;
    await take("PAYMENT_REQUESTED"); // lost
    await backdate("payments", "payment_id", paymentId);
    expect((await reconcile(env)).filter((d) => d.reference_id === paymentId)).toEqual([
      expect.objectContaining({ kind: "STUCK", wallet_id: walletId }),
    ]);
    await sweeper().sweep({ redriveAfterMs: 0 });
    await settle(async () => (await payment(user, paymentId)).status !== "PENDING");
    await settle(async () => true);
    expect((await payment(user, paymentId)).status).toBe("SUCCESSFUL");
    expect(await entries(walletId, paymentId)).toHaveLength(1);
    expect(await balance(walletId)).toBe(4_250);
    // A late re-drive of a finished saga changes nothing (and the sweep no longer picks it).
    expect(captured).toEqual([]);
    const again = await sweeper().sweep({ redriveAfterMs: 0 });
    expect(captured.filter((c) => c.body.payload?.payment_id === paymentId)).toEqual([]);
    expect(again.redriven).toBe(0);
  });

  it("a lost repayment request and a lost loan approval are re-driven to their terminal states, once each", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user, 1_000);
    capture();
    const loanId = await approvedLoan(admin, user, walletId);
    await take("LOAN_APPROVED"); // lost
    await backdate("loans", "loan_id", loanId, "updated_at");
    const loanRow = () =>
      env.DB.prepare("SELECT disbursed_at, remaining_balance_cents, pending_repayment_cents FROM loans WHERE loan_id = ?")
        .bind(loanId)
        .first<{ disbursed_at: string | null; remaining_balance_cents: number; pending_repayment_cents: number }>();
    await sweeper().sweep({ redriveAfterMs: 0 });
    await settle(async () => (await loanRow())?.disbursed_at != null);
    await settle(async () => true);
    expect(await entries(walletId, loanId)).toEqual([expect.objectContaining({ type: "LOAN_IN", amount: 10_000 })]);

    const repay = await api(`/loan/${loanId}/repay`, { token: user.token, body: { amount: "25.00" } });
    expect(repay.status).toBe(202);
    const repaymentId = repay.body.repayment.repayment_id;
    await take("LOAN_REPAYMENT_REQUESTED"); // lost
    expect((await loanRow())?.pending_repayment_cents).toBe(2_500);
    await sweeper().sweep({ redriveAfterMs: 0 });
    await sweeper().sweep({ redriveAfterMs: 0 });
    const status = async () =>
      (await env.DB.prepare("SELECT status FROM repayments WHERE repayment_id = ?").bind(repaymentId).first<{ status: string }>())?.status;
    await settle(async () => (await status()) !== "PENDING");
    await settle(async () => true);
    expect(await status()).toBe("SUCCESSFUL");
    expect(await entries(walletId, repaymentId)).toEqual([expect.objectContaining({ type: "LOAN_REPAYMENT", amount: 2_500 })]);
    expect(await loanRow()).toMatchObject({ remaining_balance_cents: 7_500, pending_repayment_cents: 0 });
    expect(await balance(walletId)).toBe(1_000 + 10_000 - 2_500);
    expect((await reconcile(env)).filter((d) => d.wallet_id === walletId)).toEqual([]);
  });

  it("reconciliation lists an approved loan whose LOAN_IN exists but whose disbursed_at is missing", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user);
    capture();
    const loanId = await approvedLoan(admin, user, walletId);
    await deliver(await take("LOAN_APPROVED"));
    await take("LOAN_DISBURSED"); // lost
    await backdate("loans", "loan_id", loanId, "updated_at");
    expect((await reconcile(env)).filter((d) => d.reference_id === loanId)).toEqual([
      expect.objectContaining({ kind: "LOAN", wallet_id: walletId }),
    ]);
    await sweeper().sweep({ redriveAfterMs: 0 });
    const disbursed = async () =>
      (await env.DB.prepare("SELECT disbursed_at FROM loans WHERE loan_id = ?").bind(loanId).first<{ disbursed_at: string | null }>())
        ?.disbursed_at != null;
    await settle(disbursed);
    expect(await entries(walletId, loanId)).toHaveLength(1);
    expect((await reconcile(env)).filter((d) => d.wallet_id === walletId)).toEqual([]);
  });

  it("an invalid PAYMENT_REQUESTED (request id of 150 characters) still finishes its payment by its business id", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    capture();
    const res = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Invalid", amount: "3.00" } });
    const paymentId = res.body.payment.transaction_id;
    const requested = await take("PAYMENT_REQUESTED");
    await deliver({ ...requested, body: { ...requested.body, request_id: "r".repeat(150) } });
    const dead = await env.DB.prepare("SELECT error FROM dead_letters WHERE event LIKE ?")
      .bind(`%${paymentId}%`)
      .first<{ error: string }>();
    expect(dead?.error).toMatch(/invalid event/);
    await settle(async () => (await payment(user, paymentId)).status !== "PENDING");
    expect((await payment(user, paymentId)).status).toBe("SUCCESSFUL");
    expect(await entries(walletId, paymentId)).toHaveLength(1);
  });
});

describe("server request ids", () => {
  it("an event's request_id is the server's, even when the client sent a well-formed X-Request-Id", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    capture();
    const res = await api("/payment", {
      token: user.token,
      headers: { "x-request-id": "client-chosen-id" },
      body: { wallet_id: walletId, merchant: "Ids", amount: "1.00" },
    });
    const serverId = res.headers.get("x-request-id");
    expect(serverId).not.toBe("client-chosen-id");
    const requested = await take("PAYMENT_REQUESTED");
    expect(requested.body.request_id).toBe(serverId);
    const denied = await api("/payment/not-a-payment", { token: user.token, headers: { "x-request-id": "client-chosen-id" } });
    expect(denied.body.error.request_id).not.toBe("client-chosen-id");
  });

  it("a client's 150-character X-Request-Id is never the request id, and its payment and repayment finish", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    const clientId = "x".repeat(150);
    const headers = { "x-request-id": clientId };
    const loanId = await approvedLoan(admin, user, walletId);
    const loan = async () => (await api(`/loan/${loanId}`, { token: user.token })).body.loan;
    await expect.poll(async () => (await loan()).disbursed_at, { timeout: 5000 }).not.toBeNull();

    const res = await api("/payment", { token: user.token, headers, body: { wallet_id: walletId, merchant: "Long id", amount: "10.00" } });
    expect(res.status).toBe(202);
    const serverId = res.headers.get("x-request-id");
    expect(serverId).not.toBe(clientId);
    expect(serverId).toMatch(/^[0-9a-f-]{36}$/);
    const paymentId = res.body.payment.transaction_id;
    await expect.poll(async () => (await payment(user, paymentId)).status, { timeout: 5000 }).toBe("SUCCESSFUL");

    const repay = await api(`/loan/${loanId}/repay`, { token: user.token, headers, body: { amount: "40.00" } });
    expect(repay.status).toBe(202);
    const repaymentId = repay.body.repayment.repayment_id;
    const repayment = async () =>
      (await api(`/loan/${loanId}/repayments`, { token: user.token })).body.repayments.find((r: any) => r.repayment_id === repaymentId);
    await expect.poll(async () => (await repayment())?.status, { timeout: 5000 }).toBe("SUCCESSFUL");
    expect((await loan()).remaining_balance).toBe("60.00");
    const reserved = await env.DB.prepare("SELECT pending_repayment_cents AS p FROM loans WHERE loan_id = ?")
      .bind(loanId)
      .first<{ p: number }>();
    expect(reserved?.p).toBe(0);
    const dead = await env.DB.prepare("SELECT COUNT(*) AS n FROM dead_letters WHERE event LIKE ? OR event LIKE ?")
      .bind(`%${paymentId}%`, `%${repaymentId}%`)
      .first<{ n: number }>();
    expect(dead?.n).toBe(0);
  });
});
