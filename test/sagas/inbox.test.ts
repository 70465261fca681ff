import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { consumerFaults, queueTap, SERVICES } from "../../workers/events";
import { makeEvent } from "../../workers/lib/events";
import { ledgerFor } from "../../workers/lib/ledger";
import { api, createWallet, signup } from "../helpers/api";
import { type Captured, deliver, taken } from "../helpers/consumer";

const captured: Captured[] = [];

afterEach(() => {
  queueTap.capture = undefined;
  consumerFaults.inject = undefined;
  captured.length = 0;
});

const inboxRows = async (eventId: string) =>
  (await env.DB.prepare("SELECT consumer FROM processed_events WHERE event_id = ?").bind(eventId).all<{ consumer: string }>()).results;

/** How often each subscriber was entered, by name. */
function countRuns(): Map<string, number> {
  const runs = new Map<string, number>();
  consumerFaults.inject = (point, subscriber) => {
    if (point === "before") runs.set(subscriber, (runs.get(subscriber) ?? 0) + 1);
  };
  return runs;
}

describe("the consumer's D1 inbox", () => {
  it("is skipped by keyed subscribers: a redelivery after the saga finished runs again and changes nothing", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    queueTap.capture = (queue, body) => captured.push({ queue, body });
    const res = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Twice", amount: "7.00" } });
    const paymentId: string = res.body.payment.transaction_id;
    const [requested] = await taken(captured, "PAYMENT_REQUESTED", 1, paymentId);
    const runs = countRuns();

    expect(await deliver(requested!.queue, requested!.body)).toBe(true);
    const [outcome] = await taken(captured, "PAYMENT_SUCCESSFUL", 1, paymentId);
    expect(await deliver(outcome!.queue, outcome!.body)).toBe(true);
    expect((await api(`/payment/${paymentId}`, { token: user.token })).body.payment.status).toBe("SUCCESSFUL");

    // The same two messages again, after everything committed.
    expect(await deliver(requested!.queue, requested!.body)).toBe(true);
    expect(await deliver(outcome!.queue, outcome!.body)).toBe(true);
    // The replayed debit re-emits its outcome (the first copy may have been lost): applied once too.
    const outcomes = await taken(captured, "PAYMENT_SUCCESSFUL", 2, paymentId);
    expect(await deliver(outcomes[1]!.queue, outcomes[1]!.body)).toBe(true);

    expect(runs.get("wallet.payment-debit")).toBe(2);
    expect(runs.get("payments.outcome")).toBe(3);
    expect(await inboxRows(requested!.body.event_id)).toEqual([]);
    expect(await inboxRows(outcome!.body.event_id)).toEqual([]);
    expect(await ledgerFor(env, walletId).entriesFor(paymentId)).toEqual([expect.objectContaining({ type: "PAYMENT_OUT", amount: 700 })]);
    expect((await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance).toBe("43.00");
    const events = (await api("/events?type=payment.succeeded", { token: user.token })).body.events;
    expect(events.filter((e: any) => e.data.transaction_id === paymentId)).toHaveLength(1);
  });

  it("still dedupes every other subscriber by event id: a redelivery does not run it again", async () => {
    const event = makeEvent(
      "PAYMENT_AUTHORIZED",
      { payment_id: crypto.randomUUID(), wallet_id: crypto.randomUUID() },
      { correlationId: "inbox" },
    );
    const runs = countRuns();
    expect(await deliver("payment-events", event)).toBe(true);
    expect(await deliver("payment-events", event)).toBe(true);
    expect(runs.get("payments.authorized")).toBe(1);
    expect(await inboxRows(event.event_id)).toEqual([{ consumer: "payments.authorized" }]);
  });

  it("is skipped only where the subscriber says so: the ledger steps of payments, repayments and transfers, the payment outcome and the transfer record and outcome", () => {
    const keyed = SERVICES.flatMap((service) => Object.values(service.subscribers).flat())
      .filter((subscriber) => subscriber?.keyed)
      .map((subscriber) => subscriber!.name);
    expect([...new Set(keyed)].sort()).toEqual([
      "payments.outcome",
      "transfers.outcome",
      "transfers.record",
      "wallet.payment-debit",
      "wallet.repayment-debit",
      "wallet.transfer-credit",
    ]);
  });
});
