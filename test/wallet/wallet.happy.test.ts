import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { WalletLedger } from "../../durable-objects/wallet-ledger";
import { api } from "../helpers/api";
import { connectLive, ledger, tablesOf, userWithWallet } from "../helpers/wallet";

describe("live wallet updates", () => {
  it("pushes the balance on connect and a balance + transaction after every commit", async () => {
    const { user, walletId } = await userWithWallet(1_000);
    const res = await connectLive(walletId, user.token);
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const messages: any[] = [];
    ws.addEventListener("message", (event) => messages.push(JSON.parse(event.data as string)));
    ws.accept();
    await expect.poll(() => messages.length).toBe(1);
    expect(messages[0]).toMatchObject({ type: "balance", wallet: { wallet_id: walletId, balance: "10.00" } });
    await api(`/wallet/${walletId}/credit`, { token: user.token, body: { amount: "5.00" } });
    await expect.poll(() => messages.length).toBe(3);
    expect(messages[1]).toMatchObject({ type: "balance", wallet: { balance: "15.00" } });
    expect(messages[2]).toMatchObject({ type: "transaction", transaction: { type: "DEPOSIT", amount: "5.00", balance_after: "15.00" } });
    ws.close(1000, "done");
  });
});

describe("wallet ids nobody opened", () => {
  it("an opened wallet has its schema, and a fresh instance over existing storage keeps working", async () => {
    const { user, walletId } = await userWithWallet(1_250);
    await runInDurableObject(ledger(walletId), (_instance: WalletLedger, state) => {
      expect(tablesOf(state)).toEqual(expect.arrayContaining(["wallet", "entries", "transfers", "outbox", "pockets"]));
      // What an eviction or a deploy does: a new instance constructed over the stored tables.
      const restarted = new WalletLedger(state, env);
      expect(restarted.getWallet(user.user_id)?.balance).toBe(1_250);
      expect(restarted.listTransactions(user.user_id, { limit: 10 })?.transactions).toHaveLength(1);
    });
    const debit = await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "2.50" } });
    expect(debit.status).toBe(200);
    expect(debit.body.wallet.balance).toBe("10.00");
  });
});
