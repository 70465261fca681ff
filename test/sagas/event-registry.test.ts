/// <reference types="vite/client" />
import { createExecutionContext, createMessageBatch, env, getQueueResult, runInDurableObject } from "cloudflare:test";
import { z } from "@hono/zod-openapi";
import { afterEach, describe, expect, it } from "vitest";
import type { WalletLedger } from "../../durable-objects/wallet-ledger";
import { processBatch, queueTap, SERVICES } from "../../workers/events";
import { isWebhookQueue } from "../../workers/integrations/webhook-consumer";
import { EVENT_TYPES, EVENTS, makeEvent } from "../../workers/lib/events";
import { ledgerFor } from "../../workers/lib/ledger";
import { isQueueName, resolveQueue, sendEvents } from "../../workers/lib/queues";
import { api, createWallet, signup, signupAdmin } from "../helpers/api";
import { deliver } from "../helpers/consumer";

const sources = import.meta.glob<string>(["../../workers/**/*.ts", "../../durable-objects/**/*.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});
const wranglerToml = Object.values(import.meta.glob<string>("../../wrangler.toml", { query: "?raw", import: "default", eager: true }))[0]!;

type Captured = { queue: string; body: any };
const captured: Captured[] = [];

afterEach(() => {
  queueTap.capture = undefined;
  captured.length = 0;
});

function capture() {
  queueTap.capture = (queue, body) => captured.push({ queue, body });
}

async function take(type: string, where: (body: any) => boolean = () => true): Promise<Captured> {
  const matches = (c: Captured) => c.body?.type === type && where(c.body);
  await expect.poll(() => captured.some(matches), { timeout: 5000 }).toBe(true);
  return captured.splice(captured.findIndex(matches), 1)[0]!;
}

describe("event registry", () => {
  it("has an entry (payload schema + known queue) for every event type the code emits", () => {
    const emitted = new Set<string>();
    for (const source of Object.values(sources)) {
      for (const match of source.matchAll(/makeEvent\(\s*"([A-Z_]+)"/g)) emitted.add(match[1]!);
    }
    expect(emitted.size).toBeGreaterThanOrEqual(8);
    for (const type of emitted) {
      const entry = (EVENTS as Record<string, { queue: string; payload: unknown }>)[type];
      expect(entry, `${type} has no registry entry`).toBeDefined();
      expect(entry!.payload).toBeInstanceOf(z.ZodObject);
      expect(isQueueName(entry!.queue), `${type} names an unknown queue`).toBe(true);
    }
  });

  it("every registered event type has a subscriber, and every service's events module is wired into the consumer", () => {
    const unsubscribed = EVENT_TYPES.filter((type) => !SERVICES.some((service) => (service.subscribers[type]?.length ?? 0) > 0));
    expect(unsubscribed).toEqual([]);
    const eventModules = Object.keys(sources).filter((path) => /workers\/[^/]+\/[^/]+\.events\.ts$/.test(path));
    expect(eventModules.length).toBe(SERVICES.length);
  });

  it("resolves every queue wrangler.toml configures, in every environment, and refuses any other name", () => {
    const names = [...wranglerToml.matchAll(/^(?:queue|dead_letter_queue)\s*=\s*"([^"]+)"/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThanOrEqual(12);
    // Webhook deliveries have their own consumer (workers/index.ts hands them over before the saga
    // registry); every other configured queue is a saga queue the registry resolves.
    const webhookQueues = names.filter(isWebhookQueue);
    expect(new Set(webhookQueues)).toEqual(
      new Set(["", "-stg", "-prd"].flatMap((env) => [`webhook-deliveries${env}`, `webhook-deliveries${env}-dlq`])),
    );
    for (const name of names.filter((n) => !isWebhookQueue(n))) expect(() => resolveQueue(name), name).not.toThrow();
    expect(resolveQueue("payment-events-prd-dlq")).toEqual({ queue: "payment-events", deadLetter: true });
    expect(resolveQueue("loan-events-stg")).toEqual({ queue: "loan-events", deadLetter: false });
    for (const name of ["refund-events", "refund-events-dlq", "payment-events-dev", "events", "payment-events-dlq-dlq"]) {
      expect(() => resolveQueue(name), name).toThrow(/unknown queue/);
    }
  });

  it("a batch from a queue the registry does not know throws, so the platform retries it whole, and nothing runs", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 1_000);
    const body = makeEvent("LOAN_APPROVED", { loan_id: crypto.randomUUID(), wallet_id: walletId, amount: "5.00" }, { correlationId: "c" });
    for (const queue of ["refund-events", "refund-events-dlq"]) {
      const batch = createMessageBatch(queue, [{ id: "m-1", timestamp: new Date(), attempts: 1, body }]);
      const ctx = createExecutionContext();
      await expect(processBatch(batch, env)).rejects.toThrow(/unknown queue/);
      const result = await getQueueResult(batch, ctx);
      expect(result.explicitAcks).toEqual([]);
    }
    expect((await ledgerFor(env, walletId).getWallet(null))!.balance).toBe(1_000);
  });

  it("a payload that fails its schema is recorded as a dead letter at once, acked, and its saga re-driven from D1", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    capture();
    const res = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Bad payload", amount: "7.00" } });
    const paymentId: string = res.body.payment.transaction_id;
    const requested = await take("PAYMENT_REQUESTED");

    const invalid = { ...requested.body, event_id: crypto.randomUUID(), payload: { ...requested.body.payload, amount: "7.001" } };
    expect(await deliver("payment-events", invalid)).toBe(true);

    const letters = (await api("/admin/dead-letters", { token: admin.token })).body.dead_letters;
    expect(letters.find((l: any) => l.event.event_id === invalid.event_id)).toMatchObject({
      queue: "payment-events",
      error: expect.stringMatching(/^invalid event/),
    });
    // The re-drive is a fresh, valid request built from the PENDING payment; nothing was debited yet.
    const redriven = await take("PAYMENT_REQUESTED", (body) => body.payload.payment_id === paymentId);
    expect(redriven.body.event_id).not.toBe(invalid.event_id);
    expect(redriven.body.payload.amount).toBe("7.00");
    expect(await ledgerFor(env, walletId).entriesFor(paymentId)).toEqual([]);
    expect((await api(`/payment/${paymentId}`, { token: user.token })).body.payment.status).toBe("PENDING");
  });
});

describe("dead-letter handlers", () => {
  it("a payment request dead-lettered after the ledger debited ends SUCCESSFUL, debited once", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    capture();
    const res = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Debited", amount: "12.00" } });
    const paymentId: string = res.body.payment.transaction_id;
    const requested = await take("PAYMENT_REQUESTED");
    expect(await deliver(requested.queue, requested.body)).toBe(true);
    await take("PAYMENT_SUCCESSFUL"); // lost
    expect((await api(`/payment/${paymentId}`, { token: user.token })).body.payment.status).toBe("PENDING");

    expect(await deliver(`${requested.queue}-dlq`, requested.body)).toBe(true);
    expect((await api(`/payment/${paymentId}`, { token: user.token })).body.payment).toMatchObject({
      status: "SUCCESSFUL",
      failure_reason: null,
    });
    expect(await ledgerFor(env, walletId).entriesFor(paymentId)).toEqual([expect.objectContaining({ type: "PAYMENT_OUT", amount: 1_200 })]);
  });

  it("a repayment request dead-lettered before any debit ends FAILED with PROCESSING_ERROR and releases what it reserved", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    const loan = (await api("/loan", { token: user.token, body: { wallet_id: walletId, amount: "100.00", loan_term_months: 12 } })).body
      .loan;
    capture();
    expect((await api(`/loan/${loan.loan_id}/approve`, { method: "POST", token: admin.token })).status).toBe(200);
    const repay = await api(`/loan/${loan.loan_id}/repay`, { token: user.token, body: { amount: "10.00" } });
    expect(repay.status).toBe(202);
    const repaymentId: string = repay.body.repayment.repayment_id;
    const requested = await take("LOAN_REPAYMENT_REQUESTED");
    const pending = () =>
      env.DB.prepare("SELECT pending_repayment_cents AS p FROM loans WHERE loan_id = ?").bind(loan.loan_id).first<{ p: number }>();
    expect((await pending())?.p).toBe(1_000);

    expect(await deliver(`${requested.queue}-dlq`, requested.body)).toBe(true);
    const repayments = (await api(`/loan/${loan.loan_id}/repayments`, { token: user.token })).body.repayments;
    expect(repayments.find((r: any) => r.repayment_id === repaymentId)).toMatchObject({
      status: "FAILED",
      failure_reason: "PROCESSING_ERROR",
    });
    expect((await pending())?.p).toBe(0);
    // The abandoned transfer stays abandoned: a late delivery of the request moves no money.
    expect(await deliver(requested.queue, requested.body)).toBe(true);
    expect(await ledgerFor(env, walletId).entriesFor(repaymentId)).toEqual([]);
  });
});

/** Every module `entry` reaches through its imports, and the packages they import. */
function importChain(entry: string): { modules: string[]; packages: string[] } {
  const byPath = new Map(Object.entries(sources).map(([path, source]) => [path.replace(/^(\.\.\/)+/, ""), source]));
  const modules = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const path = pending.pop()!;
    if (modules.has(path)) continue;
    modules.add(path);
    for (const [, spec] of (byPath.get(path) ?? "").matchAll(/from\s+["']([^"']+)["']/g)) {
      if (!spec!.startsWith(".")) {
        packages.add(spec!);
        continue;
      }
      const resolved = new URL(spec!, `file:///${path}`).pathname.slice(1);
      pending.push(byPath.has(`${resolved}.ts`) ? `${resolved}.ts` : `${resolved}/index.ts`);
    }
  }
  return { modules: [...modules], packages: [...packages] };
}

describe("the send path", () => {
  it("imports no zod or OpenAPI code, so the Durable Objects can use it", () => {
    const chain = importChain("workers/lib/queues.ts");
    expect(chain.modules).toEqual(["workers/lib/queues.ts"]);
    expect(chain.packages.filter((p) => /zod|openapi|hono/.test(p))).toEqual([]);
    expect(importChain("workers/lib/outbox.ts").modules).toContain("workers/lib/queues.ts");
    expect(importChain("durable-objects/wallet-ledger.ts").modules).toContain("workers/lib/queues.ts");
  });

  it("groups messages by queue, and hands back those for an unknown queue without sending them", async () => {
    capture();
    const payment = makeEvent("PAYMENT_FAILED", { payment_id: "p-send", wallet_id: "w", failure_reason: "X" }, { correlationId: "c" });
    const loan = makeEvent("LOAN_DISBURSED", { loan_id: "l-send", wallet_id: "w", transaction_id: null }, { correlationId: "c" });
    const stray = { queue: "refund-events", body: { event_id: "stray" } };
    const failures = await sendEvents(env, [{ queue: "payment-events", body: payment }, stray, { queue: "loan-events", body: loan }]);
    expect(failures).toEqual([{ message: stray, error: expect.objectContaining({ message: "unknown queue refund-events" }) }]);
    await take("PAYMENT_FAILED", (body) => body.event_id === payment.event_id);
    await take("LOAN_DISBURSED", (body) => body.event_id === loan.event_id);
    expect(captured.find((c) => c.body.event_id === "stray")).toBeUndefined();
  });

  it("the ledger's publish goes through it: an unknown queue is a failed send that stays in the outbox", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const left = await runInDurableObject(ledgerFor(env, walletId), async (instance: WalletLedger, state) => {
      state.storage.sql.exec(
        "INSERT INTO outbox (queue, body, created_at) VALUES ('refund-events', ?, ?)",
        JSON.stringify({ event_id: "stray", type: "PAYMENT_SUCCESSFUL", payload: {} }),
        new Date().toISOString(),
      );
      const sent = await instance.drainOutbox();
      return { sent, rows: state.storage.sql.exec<{ attempts: number }>("SELECT attempts FROM outbox").toArray() };
    });
    expect(left).toEqual({ sent: 0, rows: [{ attempts: 1 }] });
  });
});
