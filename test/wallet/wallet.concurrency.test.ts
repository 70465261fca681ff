import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, expectEnvelope, signup } from "../helpers/api";
import { ledger, systemMove, userWithWallet, walletRowCount } from "../helpers/wallet";

describe("wallet ledger under concurrency", () => {
  it("100 concurrent debits of 150.00 on 10,000.00: exactly 66 succeed, 34 are refused, balance 100.00", async () => {
    const { user, walletId } = await userWithWallet(1_000_000);
    const results = await Promise.all(
      Array.from({ length: 100 }, () => api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "150.00" } })),
    );
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 409);
    expect(ok).toHaveLength(66);
    expect(refused).toHaveLength(34);
    for (const r of refused) expect(r.body.error.code).toBe("INSUFFICIENT_FUNDS");

    const wallet = await api(`/wallet/${walletId}`, { token: user.token });
    expect(wallet.body.wallet.balance).toBe("100.00");
    const audit = await ledger(walletId).audit();
    expect(audit).toMatchObject({ balance: 10_000, entriesNet: 10_000, entryCount: 67 });
    // Every balance_after is distinct and never negative: the debits really were serialised.
    const afters = ok.map((r) => r.body.transaction.balance_after);
    expect(new Set(afters).size).toBe(66);
  });

  it("the same transfer id sent 10 times concurrently makes one entry", async () => {
    const { walletId } = await userWithWallet(50_000);
    const stub = ledger(walletId);
    const request = systemMove({ amount: 1_234, referenceId: "p-1" });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => stub.debit(request)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    const ids = new Set(outcomes.map((o) => (o.ok ? o.transaction.transaction_id : "")));
    expect(ids.size).toBe(1);
    expect(await stub.entriesFor("p-1")).toHaveLength(1);
    expect(await stub.audit()).toMatchObject({ balance: 50_000 - 1_234, entriesNet: 50_000 - 1_234 });
  });

  it("a refused debit replayed after a top-up stays refused", async () => {
    const { user, walletId } = await userWithWallet(1_000);
    const stub = ledger(walletId);
    const request = systemMove({ amount: 5_000 });
    const first = await stub.debit(request);
    expect(first).toMatchObject({ ok: false, code: "INSUFFICIENT_FUNDS" });
    await api(`/wallet/${walletId}/credit`, { token: user.token, body: { amount: "100.00" } });
    const replay = await stub.debit(request);
    expect(replay).toMatchObject({ ok: false, code: "INSUFFICIENT_FUNDS", replayed: true });
    expect(await stub.audit()).toMatchObject({ balance: 11_000, entryCount: 2 });
  });

  it("a transfer id reused for a different movement is refused, not applied", async () => {
    const { walletId } = await userWithWallet(10_000);
    const stub = ledger(walletId);
    const first = systemMove({ amount: 100, type: "WITHDRAWAL" });
    expect((await stub.debit(first)).ok).toBe(true);
    expect(await stub.debit({ ...first, amount: 200 })).toMatchObject({ ok: false, code: "TRANSFER_CONFLICT" });
    expect(await stub.audit()).toMatchObject({ balance: 9_900 });
  });

  it("the database refuses a negative balance and any edit of an entry", async () => {
    const { walletId } = await userWithWallet(500);
    await runInDurableObject(ledger(walletId), (_instance, state) => {
      expect(() => state.storage.sql.exec("UPDATE wallet SET balance = -1")).toThrow(/CHECK/);
      expect(() => state.storage.sql.exec("UPDATE entries SET amount = 1")).toThrow(/append-only/);
      expect(() => state.storage.sql.exec("DELETE FROM entries")).toThrow(/append-only/);
    });
  });
});

describe("wallets per user", () => {
  it("concurrent creates cannot make an 11th", async () => {
    const user = await signup();
    const results = await Promise.all(Array.from({ length: 16 }, () => api("/wallet", { token: user.token, body: {} })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    for (const res of results.filter((r) => r.status !== 201)) expectEnvelope(res, 422, "WALLET_LIMIT");
    expect(await walletRowCount(user.user_id)).toBe(10);
    expect((await api("/wallet", { token: user.token })).body.wallets).toHaveLength(10);
  });
});
