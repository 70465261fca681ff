import { createMessageBatch, env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { consumerFaults, processBatch, queueTap } from "../../workers/events";
import { ledgerFor } from "../../workers/lib/ledger";
import { api, createWallet, signup, type TestUser } from "../helpers/api";
import { MAX_RETRIES } from "../helpers/saga";

type Captured = { queue: string; body: any };
const captured: Captured[] = [];
const sweeper = () => env.SAGA_SWEEPER.get(env.SAGA_SWEEPER.idFromName("saga-sweeper"));

afterEach(() => {
  queueTap.capture = undefined;
  consumerFaults.inject = undefined;
  captured.length = 0;
});

const capture = () => {
  queueTap.capture = (queue, body) => captured.push({ queue, body });
};

async function take(type: string): Promise<Captured> {
  await expect.poll(() => captured.some((c) => c.body.type === type), { timeout: 5000 }).toBe(true);
  return captured.splice(
    captured.findIndex((c) => c.body.type === type),
    1,
  )[0] as Captured;
}

const deliver = (message: Captured, queue = message.queue, attempts = 1) =>
  processBatch(createMessageBatch(queue, [{ id: crypto.randomUUID(), timestamp: new Date(), attempts, body: message.body }]), env);

/** Delivers what is captured (and what that causes) until nothing is left. */
async function drain() {
  for (let idle = 0; idle < 10; ) {
    const next = captured.shift();
    if (next) {
      idle = 0;
      await deliver(next);
    } else {
      idle++;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const entries = (walletId: string, transferId: string) => ledgerFor(env, walletId).entriesFor(transferId);
const balance = async (walletId: string) => (await ledgerFor(env, walletId).getWallet(null))?.balance;
const transfer = async (user: TestUser, id: string) => (await api(`/transfers/${id}`, { token: user.token })).body.transfer;

async function pendingTransfer(amount = "10.00") {
  const ada = await signup();
  const bob = await signup();
  const from = await createWallet(ada, 5_000);
  const to = await createWallet(bob);
  capture();
  const res = await api("/transfers", { token: ada.token, body: { from_wallet_id: from, to_wallet_id: to, amount } });
  expect(res.status).toBe(201);
  return { ada, bob, from, to, id: res.body.transfer.transfer_id as string, requested: await take("TRANSFER_REQUESTED") };
}

describe("the transfer saga", () => {
  it("a request delivered many times, concurrently, credits the recipient once and completes once", async () => {
    const { bob, from, to, id, requested } = await pendingTransfer();
    await Promise.all(Array.from({ length: 6 }, () => deliver(requested)));
    await drain();
    expect((await transfer(bob, id)).status).toBe("COMPLETED");
    expect(await entries(to, id)).toEqual([expect.objectContaining({ type: "TRANSFER_IN", amount: 1_000 })]);
    expect(await entries(from, id)).toEqual([expect.objectContaining({ type: "TRANSFER_OUT", amount: 1_000 })]);
    expect(await balance(from)).toBe(4_000);
    expect(await balance(to)).toBe(1_000);
  });

  it("a consumer that crashes after the credit retries without crediting twice", async () => {
    const { bob, to, id, requested } = await pendingTransfer("3.00");
    let crashes = 0;
    consumerFaults.inject = (point, subscriber) => {
      if (point === "after" && subscriber === "wallet.transfer-credit" && crashes++ === 0) throw new Error("crash after the credit");
    };
    await deliver(requested);
    expect(crashes).toBe(1);
    await deliver(requested, requested.queue, 2);
    await drain();
    expect((await transfer(bob, id)).status).toBe("COMPLETED");
    expect(await entries(to, id)).toHaveLength(1);
    expect(await balance(to)).toBe(300);
  });

  it("a credit that can never be made dead-letters and reverses the transfer once; a late delivery credits nobody", async () => {
    const { ada, bob, from, to, id, requested } = await pendingTransfer("7.50");
    consumerFaults.inject = (point, subscriber) => {
      if (point === "before" && subscriber === "wallet.transfer-credit") throw new Error("recipient unreachable");
    };
    for (let attempts = 1; attempts <= MAX_RETRIES + 1; attempts++) await deliver(requested, requested.queue, attempts);
    expect((await transfer(ada, id)).status).toBe("PENDING");
    // The platform moves it to the dead-letter queue (twice: at least once).
    await deliver(requested, `${requested.queue}-dlq`);
    await deliver(requested, `${requested.queue}-dlq`);
    consumerFaults.inject = undefined;
    await drain();
    const reversed = await transfer(ada, id);
    expect(reversed).toMatchObject({ status: "REVERSED" });
    expect(reversed.completed_at).not.toBeNull();
    expect(await balance(from)).toBe(5_000);
    expect(await balance(to)).toBe(0);
    expect(await entries(from, id)).toEqual([
      expect.objectContaining({ type: "TRANSFER_OUT", amount: 750 }),
      expect.objectContaining({
        type: "TRANSFER_IN",
        amount: 750,
        description: expect.stringMatching(/^Reversal/),
        counterparty: { account: `wallet:${to}`, name: expect.any(String) },
      }),
    ]);
    // A delivery that arrives after the reversal can never credit the recipient, and the state stays REVERSED.
    await deliver(requested);
    await drain();
    expect(await entries(to, id)).toEqual([]);
    expect((await transfer(bob, id)).status).toBe("REVERSED");
  });

  it("a request lost on its way (a local queue restarted) is re-driven by the sweep and completes once", async () => {
    const { bob, to, id } = await pendingTransfer("2.00");
    // The request was taken above and never delivered: lost.
    expect((await transfer(bob, id)).status).toBe("PENDING");
    await env.DB.prepare("UPDATE transfers SET created_at = ? WHERE transfer_id = ?")
      .bind(new Date(Date.now() - 7_200_000).toISOString(), id)
      .run();
    expect((await sweeper().sweep({ redriveAfterMs: 0 })).redriven).toBeGreaterThanOrEqual(1);
    expect((await sweeper().sweep({ redriveAfterMs: 0 })).redriven).toBeGreaterThanOrEqual(1);
    await drain();
    expect((await transfer(bob, id)).status).toBe("COMPLETED");
    expect(await entries(to, id)).toHaveLength(1);
  });

  it("the outcome can arrive before the request's own record: the transfer is still recorded, and ends COMPLETED", async () => {
    const { ada, from, to, id, requested } = await pendingTransfer("1.00");
    await env.DB.prepare("DELETE FROM transfers WHERE transfer_id = ?").bind(id).run();
    await deliver(requested);
    const completed = await take("TRANSFER_COMPLETED");
    await deliver(completed);
    expect(await transfer(ada, id)).toMatchObject({ status: "COMPLETED", from_wallet_id: from, to_wallet_id: to, amount: "1.00" });
    await drain();
    expect((await transfer(ada, id)).status).toBe("COMPLETED");
  });
});
