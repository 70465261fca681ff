import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { consumerFaults, queueTap } from "../../workers/events";
import { ledgerFor } from "../../workers/lib/ledger";
import { api, createWallet, signup } from "../helpers/api";
import { type Captured, deliverBatch, taken as takenFrom } from "../helpers/consumer";

const captured: Captured[] = [];

afterEach(() => {
  queueTap.capture = undefined;
  consumerFaults.inject = undefined;
  captured.length = 0;
});

const taken = (type: string, count: number, paymentId?: string) => takenFrom(captured, type, count, paymentId);

describe("a batch's messages", () => {
  it("run concurrently: each subscriber starts before the one ahead of it in the batch has finished", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    queueTap.capture = (queue, body) => captured.push({ queue, body });
    for (const amount of ["1.00", "2.00"]) {
      expect((await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Batch", amount } })).status).toBe(202);
    }
    const requests = await taken("PAYMENT_REQUESTED", 2);
    // The first message's subscriber waits (at most 2 s) for the second one's to start.
    let secondStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      secondStarted = resolve;
    });
    const order: string[] = [];
    consumerFaults.inject = async (point, _subscriber, event) => {
      const which = event.event_id === requests[0]!.body.event_id ? "first" : "second";
      order.push(`${which} ${point}`);
      if (which === "second" && point === "before") secondStarted();
      if (which === "first" && point === "before") {
        const waited = await Promise.race([
          started.then(() => "overlapped"),
          new Promise((r) => setTimeout(() => r("waited alone"), 2_000)),
        ]);
        order.push(`first ${waited}`);
      }
    };
    const { ids, acked } = await deliverBatch(
      requests[0]!.queue,
      requests.map((r) => r.body),
    );
    expect(order).toContain("first overlapped");
    expect(order.indexOf("second before")).toBeLessThan(order.indexOf("first after"));
    expect(acked.sort()).toEqual([...ids].sort());
  });

  it("apply once when one batch carries the same request and the same outcome several times", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    queueTap.capture = (queue, body) => captured.push({ queue, body });
    const res = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Thrice", amount: "12.00" } });
    const paymentId: string = res.body.payment.transaction_id;
    const [requested] = await taken("PAYMENT_REQUESTED", 1, paymentId);
    const first = await deliverBatch(requested!.queue, [requested!.body, requested!.body, requested!.body]);
    expect(first.acked.sort()).toEqual([...first.ids].sort());
    // The ledger ran the debit once; the replays re-emit its outcome, which is delivered together.
    expect(await ledgerFor(env, walletId).entriesFor(paymentId)).toEqual([expect.objectContaining({ type: "PAYMENT_OUT", amount: 1_200 })]);
    const outcomes = await taken("PAYMENT_SUCCESSFUL", 1, paymentId);
    const outcome = outcomes[0]!;
    const second = await deliverBatch(outcome.queue, [outcome.body, outcome.body, ...outcomes.map((o) => o.body)]);
    expect(second.acked.sort()).toEqual([...second.ids].sort());
    expect((await api(`/payment/${paymentId}`, { token: user.token })).body.payment.status).toBe("SUCCESSFUL");
    expect((await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance).toBe("38.00");
    const events = (await api("/events?type=payment.succeeded", { token: user.token })).body.events;
    expect(events.filter((e: any) => e.data.transaction_id === paymentId)).toHaveLength(1);
  });

  it("are acked or retried each on its own when one of them fails", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    queueTap.capture = (queue, body) => captured.push({ queue, body });
    for (const amount of ["1.00", "2.00", "3.00"]) {
      expect((await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Batch", amount } })).status).toBe(202);
    }
    const requests = await taken("PAYMENT_REQUESTED", 3);
    const failing = requests[1]!.body.event_id;
    consumerFaults.inject = (point, _subscriber, event) => {
      if (point === "before" && event.event_id === failing) throw new Error("injected consumer crash");
    };
    const { ids, acked, retried } = await deliverBatch(
      requests[0]!.queue,
      requests.map((r) => r.body),
    );
    expect(retried).toEqual([ids[1]]);
    expect(acked.sort()).toEqual([ids[0], ids[2]].sort());
    expect((await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance).toBe("46.00");
  });
});
