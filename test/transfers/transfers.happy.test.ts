import { describe, expect, it } from "vitest";
import { verifyChain } from "../../workers/domain/ledger-hash";
import { api, createWallet, signup, type TestUser } from "../helpers/api";

const balance = async (user: TestUser, walletId: string) => (await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance;
const status = async (user: TestUser, id: string) => (await api(`/transfers/${id}`, { token: user.token })).body.transfer?.status;

async function named(name: string) {
  const email = `${name.toLowerCase()}-${crypto.randomUUID()}@example.com`;
  const res = await api("/auth/signup", { body: { email, password: "Quiet-Harbor-7-Lantern", name } });
  expect(res.status).toBe(201);
  return { token: res.body.token as string, user_id: res.body.user.user_id as string, email };
}

describe("transfers over the real local queues", () => {
  it("money sent to another person's email arrives in their first wallet, once, and both see the transfer by name", async () => {
    const ada = await named("Ada");
    const bob = await named("Bob");
    const adaWallet = await createWallet(ada, 10_000);
    const bobFirst = await createWallet(bob);
    const bobSecond = await createWallet(bob);
    const res = await api("/transfers", {
      token: ada.token,
      body: { from_wallet_id: adaWallet, to_email: bob.email.toUpperCase(), amount: "12.34" },
    });
    expect(res.status).toBe(201);
    const transfer = res.body.transfer;
    expect(transfer).toMatchObject({
      from_wallet_id: adaWallet,
      to_wallet_id: bobFirst,
      amount: "12.34",
      status: "PENDING",
      sender_name: "Ada",
      recipient_name: "Bob",
      completed_at: null,
    });
    // The sender is debited synchronously.
    expect(await balance(ada, adaWallet)).toBe("87.66");
    await expect.poll(() => status(bob, transfer.transfer_id)).toBe("COMPLETED");
    expect(await balance(bob, bobFirst)).toBe("12.34");
    expect(await balance(bob, bobSecond)).toBe("0.00");
    const seen = (await api(`/transfers/${transfer.transfer_id}`, { token: bob.token })).body.transfer;
    expect(seen).toMatchObject({ status: "COMPLETED", sender_name: "Ada" });
    expect(JSON.stringify(seen)).not.toContain(ada.email);
    expect(seen.completed_at).not.toBeNull();

    const [received] = (await api(`/wallet/${bobFirst}/transactions`, { token: bob.token })).body.transactions;
    expect(received).toMatchObject({
      type: "TRANSFER_IN",
      amount: "12.34",
      reference_id: transfer.transfer_id,
      counterparty: { account: `wallet:${adaWallet}`, name: "Ada" },
    });
    const [sent] = (await api(`/wallet/${adaWallet}/transactions`, { token: ada.token })).body.transactions;
    expect(sent).toMatchObject({
      type: "TRANSFER_OUT",
      amount: "12.34",
      description: "To Bob",
      reference_id: transfer.transfer_id,
      counterparty: { account: `wallet:${bobFirst}`, name: "Bob" },
    });
    const list = (await api("/transfers", { token: bob.token })).body;
    expect(list.transfers.map((t: { transfer_id: string }) => t.transfer_id)).toEqual([transfer.transfer_id]);
    expect((await api(`/transfers?wallet_id=${bobSecond}`, { token: bob.token })).body.transfers).toEqual([]);
    expect((await api(`/transfers?wallet_id=${adaWallet}`, { token: ada.token })).body.transfers).toHaveLength(1);
    for (const [user, walletId] of [
      [ada, adaWallet],
      [bob, bobFirst],
    ] as const) {
      const history = (await api(`/wallet/${walletId}/transactions`, { token: user.token })).body.transactions.reverse();
      expect((await verifyChain(history)).ok).toBe(true);
    }
  });

  it("between one's own wallets, the names are the wallets'", async () => {
    const user = await signup();
    const main = await createWallet(user, 5_000);
    const holidays = (await api("/wallet", { token: user.token, body: { name: "Holidays" } })).body.wallet.wallet_id;
    const res = await api("/transfers", {
      token: user.token,
      body: { from_wallet_id: main, to_wallet_id: holidays, amount: 20, description: "Saving up" },
    });
    expect(res.status).toBe(201);
    expect(res.body.transfer).toMatchObject({ sender_name: "Main", recipient_name: "Holidays", description: "Saving up" });
    await expect.poll(() => status(user, res.body.transfer.transfer_id)).toBe("COMPLETED");
    expect(await balance(user, main)).toBe("30.00");
    expect(await balance(user, holidays)).toBe("20.00");
    expect((await api("/transfers", { token: user.token })).body.transfers).toHaveLength(1);
  });

  it("an Idempotency-Key makes a repeated request one transfer", async () => {
    const ada = await signup();
    const bob = await signup();
    const from = await createWallet(ada, 10_000);
    const to = await createWallet(bob);
    const send = () =>
      api("/transfers", {
        token: ada.token,
        headers: { "idempotency-key": "rent-december" },
        body: { from_wallet_id: from, to_wallet_id: to, amount: "25.00" },
      });
    const results = await Promise.all([send(), send(), send()]);
    const done = results.filter((r) => r.status === 201);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.body.transfer.transfer_id).toBe(done[0]?.body.transfer.transfer_id);
    await expect.poll(() => status(bob, again.body.transfer.transfer_id)).toBe("COMPLETED");
    expect(await balance(ada, from)).toBe("75.00");
    expect(await balance(bob, to)).toBe("25.00");
  });
});
