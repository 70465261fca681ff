import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LedgerEvent, WalletLedger } from "../../durable-objects/wallet-ledger";
import { ledger, systemMove, userWithWallet } from "../helpers/wallet";

function event(type: string): LedgerEvent {
  return { event_id: crypto.randomUUID(), type, occurred_at: new Date().toISOString(), correlation_id: "c", request_id: "r", payload: {} };
}

/** A payment's two outcome events, one of which the ledger writes with the debit's outcome. */
const paymentOutcomes = () => ({
  onSuccess: { queue: "payment-events" as const, event: event("PAYMENT_SUCCESSFUL") },
  onFailure: { queue: "payment-events" as const, event: event("PAYMENT_FAILED") },
});

/** Replaces the ledger's queue seam: records what is published and fails the first `failures` sends. */
async function capture(walletId: string, failures: number) {
  const sent: LedgerEvent[] = [];
  await runInDurableObject(ledger(walletId), (instance: WalletLedger) => {
    let left = failures;
    instance.publish = async (_queue, body) => {
      if (left-- > 0) throw new Error("queue unavailable");
      sent.push(body);
    };
  });
  return sent;
}

describe("ledger outbox", () => {
  it("delivers an event of a committed transaction even when the first send throws (alarm path)", async () => {
    const { walletId } = await userWithWallet(10_000);
    const sent = await capture(walletId, 1);
    const stub = ledger(walletId);
    const outcome = await stub.debit(systemMove({ amount: 500, events: paymentOutcomes() }));
    expect(outcome.ok).toBe(true);
    // Let the post-commit drain run (it fails once and leaves the row).
    await expect.poll(() => stub.outboxSize()).toBe(1);
    expect(sent).toHaveLength(0);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.outboxSize()).toBe(0);
    expect(sent.map((e) => e.type)).toEqual(["PAYMENT_SUCCESSFUL"]);
    expect(sent[0]?.payload).toMatchObject({ balance_after: 9_500 });
  });

  it("writes the failure event for a refusal, once", async () => {
    const { walletId } = await userWithWallet(100);
    const sent = await capture(walletId, 0);
    const stub = ledger(walletId);
    const request = systemMove({ amount: 500, events: paymentOutcomes() });
    await stub.debit(request);
    await stub.debit(request);
    await expect.poll(() => sent.length).toBe(1);
    expect(sent[0]).toMatchObject({ type: "PAYMENT_FAILED", payload: { failure_reason: "INSUFFICIENT_FUNDS" } });
    expect(await stub.outboxSize()).toBe(0);
  });

  it("never publishes for a rolled-back transaction", async () => {
    const { walletId } = await userWithWallet(10_000);
    const sent = await capture(walletId, 0);
    const stub = ledger(walletId);
    const request = systemMove({ amount: 500, events: { onSuccess: paymentOutcomes().onSuccess } });
    // The fault fires inside the ledger transaction, after the outbox row was written.
    await runInDurableObject(stub, (instance: WalletLedger) => {
      instance.faultPoint = (point) => {
        if (point === "before-commit") throw new Error("injected fault");
      };
      expect(() => instance.debit(request)).toThrow(/injected fault/);
    });
    expect(await stub.outboxSize()).toBe(0);
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    expect(sent).toHaveLength(0);
    expect(await stub.audit()).toMatchObject({ balance: 10_000, entryCount: 1 });

    // Once the fault is gone the same transfer id runs normally: nothing of the failed attempt was kept.
    await runInDurableObject(stub, (instance: WalletLedger) => {
      instance.faultPoint = undefined;
    });
    expect((await stub.debit(request)).ok).toBe(true);
    await expect.poll(() => sent.length).toBe(1);
  });
});
