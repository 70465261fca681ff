import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { WalletLedger } from "../../durable-objects/wallet-ledger";
import { api, createWallet, expectEnvelope, signup } from "../helpers/api";

const ledger = (walletId: string) => env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId));
const tables = (state: DurableObjectState) =>
  state.storage.sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master")
    .toArray()
    .map((row) => row.name);

describe("wallet ids nobody opened", () => {
  it("answer 404 on every read and write route without creating the object's storage", async () => {
    const user = await signup();
    const probed = crypto.randomUUID();
    const attempts = [
      api(`/wallet/${probed}`, { token: user.token }),
      api(`/wallet/${probed}/transactions`, { token: user.token }),
      api(`/wallet/${probed}/credit`, { token: user.token, body: { amount: "1.00" } }),
      api(`/wallet/${probed}/debit`, { token: user.token, body: { amount: "1.00" } }),
      api(`/wallet/${probed}/credit`, { token: user.token, headers: { "idempotency-key": "probe" }, body: { amount: "1.00" } }),
      api(`/wallet/${probed}/debit`, { token: user.token, headers: { "idempotency-key": "probe-2" }, body: { amount: "1.00" } }),
    ];
    for (const res of await Promise.all(attempts)) expectEnvelope(res, 404, "NOT_FOUND");
    const live = await SELF.fetch(`http://localhost/v1/wallet/${probed}/live`, {
      headers: { authorization: `Bearer ${user.token}`, upgrade: "websocket" },
    });
    expect(live.status).toBe(404);
    await live.text();
    for (const body of [
      { wallet_id: probed, merchant: "Shop", amount: "1.00" },
      { wallet_id: probed, goal_name: "Holiday", target_amount: "10.00" },
    ]) {
      const res = await api(body.merchant ? "/payment" : "/savings-goal", { token: user.token, body });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }

    await runInDurableObject(ledger(probed), (instance: WalletLedger, state) => {
      // The object's own methods, the ones the routes and sagas call, on a never-opened object.
      expect(instance.getWallet(null)).toBeNull();
      expect(instance.listTransactions(null, { limit: 10 })).toBeNull();
      expect(instance.transferOutcome("t", user.user_id)).toBeNull();
      expect(instance.audit()).toBeNull();
      expect(instance.getPocket(null, "g")).toBeNull();
      expect(instance.sagaEntries()).toEqual([]);
      expect(instance.outboxSize()).toBe(0);
      expect(instance.abandonTransfer("t", new Date().toISOString())).toMatchObject({ ok: false, code: "ABANDONED" });
      const now = new Date().toISOString();
      expect(instance.credit({ transferId: "x", owner: user.user_id, amount: 100, type: "DEPOSIT", now })).toMatchObject({
        ok: false,
        code: "NOT_FOUND",
      });
      expect(tables(state)).toEqual([]);
    });
  });

  it("an opened wallet has its schema, and a fresh instance over existing storage keeps working", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 1_250);
    await runInDurableObject(ledger(walletId), (_instance: WalletLedger, state) => {
      expect(tables(state)).toEqual(expect.arrayContaining(["wallet", "entries", "transfers", "outbox", "pockets"]));
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
