import { evictAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { migrate, schemaVersion } from "../../durable-objects/schema-migrations";
import type { WalletLedger } from "../../durable-objects/wallet-ledger";
import { LEDGER_MIGRATIONS } from "../../durable-objects/wallet-ledger/schema";
import { applyMove } from "../../durable-objects/wallet-ledger/transfers";
import { insertWallet, requireWallet } from "../../durable-objects/wallet-ledger/wallet";
import { ledger } from "../helpers/wallet";

const tables = (sql: SqlStorage) =>
  sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
    .toArray()
    .map((r) => r.name);

describe("ledger migration 3: holds and refunds reach wallets written by version 2", () => {
  it("a version-2 store keeps every row, gains the tables, and takes holds and refunds at once", async () => {
    const walletId = crypto.randomUUID();
    const owner = crypto.randomUUID();
    const stub = ledger(walletId);
    const before = await runInDurableObject(stub, (_instance: WalletLedger, state) => {
      const sql = state.storage.sql;
      // What the code of version 2 wrote: its schema, a wallet, a deposit and a payment.
      migrate(state.storage, LEDGER_MIGRATIONS.slice(0, 2));
      const now = new Date().toISOString();
      state.storage.transactionSync(() => {
        insertWallet(sql, walletId, owner, "USD", "Main", now);
        applyMove(sql, { transferId: "t-1", owner: null, amount: 10_000, type: "DEPOSIT", now }, "CREDIT", () => {}, requireWallet(sql));
        applyMove(
          sql,
          { transferId: "t-2", owner: null, amount: 1_500, type: "PAYMENT_OUT", referenceId: "pay-old", description: "Cafe", now },
          "DEBIT",
          () => {},
          requireWallet(sql),
        );
      });
      expect(schemaVersion(sql)).toBe(2);
      expect(tables(sql)).not.toContain("holds");
      return { wallet: sql.exec("SELECT * FROM wallet").toArray(), entries: sql.exec("SELECT * FROM entries ORDER BY seq").toArray() };
    });

    // A deploy: the object restarts, and the new instance over the version-2 tables migrates before its first request.
    await evictAllDurableObjects();
    await runInDurableObject(ledger(walletId), async (restarted: WalletLedger, state) => {
      await restarted.ready;
      const sql = state.storage.sql;
      expect(schemaVersion(sql)).toBe(LEDGER_MIGRATIONS.length);
      expect(tables(sql)).toEqual(expect.arrayContaining(["holds", "refunds"]));
      expect(sql.exec("SELECT * FROM wallet").toArray()).toEqual(before.wallet);
      expect(sql.exec("SELECT * FROM entries ORDER BY seq").toArray()).toEqual(before.entries);
      expect(restarted.getWallet(null)).toMatchObject({ balance: 8_500, held_balance: 0, available_balance: 8_500 });
    });

    // The old payment is refundable (its PAYMENT_OUT is what it captured), and a hold can be placed.
    const fresh = ledger(walletId);
    const refunded = await fresh.refund({
      transferId: "refund:r-1",
      owner: null,
      refundId: "r-1",
      paymentId: "pay-old",
      amount: 500,
      now: new Date().toISOString(),
    });
    expect(refunded).toMatchObject({ ok: true, refunded: 500, captured: 1_500 });
    const placed = await fresh.placeHold({
      transferId: "hold:h-1",
      owner: null,
      referenceId: "h-1",
      amount: 2_000,
      reason: "Hotel",
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      now: new Date().toISOString(),
    });
    expect(placed.ok).toBe(true);
    expect(await fresh.getWallet(null)).toMatchObject({ balance: 9_000, held_balance: 2_000, available_balance: 7_000 });
  });

  it("a hold settled once cannot be changed again, even by SQL that bypasses the code", async () => {
    const walletId = crypto.randomUUID();
    const stub = ledger(walletId);
    await stub.open(walletId, crypto.randomUUID(), "USD", new Date().toISOString());
    await stub.credit({
      transferId: `t-${crypto.randomUUID()}`,
      owner: null,
      amount: 1_000,
      type: "DEPOSIT",
      now: new Date().toISOString(),
    });
    const now = new Date().toISOString();
    await stub.placeHold({
      transferId: "hold:x",
      owner: null,
      referenceId: "x",
      amount: 400,
      reason: "M",
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      now,
    });
    expect(await stub.settleHold({ op: "cancel", referenceId: "x", now })).toMatchObject({ ok: true });
    await runInDurableObject(stub, (_instance: WalletLedger, state) => {
      expect(() => state.storage.sql.exec("UPDATE holds SET status = 'ACTIVE' WHERE reference_id = 'x'")).toThrow(/once/);
      expect(() => state.storage.sql.exec("DELETE FROM holds")).toThrow(/kept/);
    });
  });
});

describe("hold expiry by the ledger's alarm", () => {
  it("placing a hold arms the alarm at its expiry; the alarm, reading the project's clock, releases it once and sends its event", async () => {
    const walletId = crypto.randomUUID();
    const stub = ledger(walletId);
    await stub.open(walletId, crypto.randomUUID(), "USD", new Date().toISOString());
    await stub.credit({
      transferId: `t-${crypto.randomUUID()}`,
      owner: null,
      amount: 1_000,
      type: "DEPOSIT",
      now: new Date().toISOString(),
    });
    const expiresAt = Date.now() + 300;
    const event = {
      queue: "payment-events" as const,
      event: {
        event_id: crypto.randomUUID(),
        type: "PAYMENT_CANCELED",
        occurred_at: new Date().toISOString(),
        correlation_id: "soon",
        request_id: "",
        payload: { payment_id: "soon", wallet_id: walletId, reason: "EXPIRED" },
      },
    };
    const sent: unknown[] = [];
    await runInDurableObject(stub, (instance: WalletLedger) => {
      instance.publish = async (_queue, body) => {
        sent.push(body);
      };
    });
    await stub.placeHold({
      transferId: "hold:soon",
      owner: null,
      referenceId: "soon",
      amount: 600,
      reason: "M",
      expiresAt: new Date(expiresAt).toISOString(),
      now: new Date().toISOString(),
      onExpire: event,
    });
    await expect.poll(() => runInDurableObject(stub, (_i: WalletLedger, state) => state.storage.getAlarm())).not.toBeNull();
    const armed = await runInDurableObject(stub, (_i: WalletLedger, state) => state.storage.getAlarm());
    expect(armed).toBeLessThanOrEqual(expiresAt);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 20));
    await runDurableObjectAlarm(stub);
    expect(await stub.getHold("soon")).toMatchObject({ status: "RELEASED", release_reason: "EXPIRED" });
    expect(await stub.getWallet(null)).toMatchObject({ balance: 1_000, held_balance: 0 });
    await expect.poll(() => sent.length).toBe(1);
    expect(sent[0]).toMatchObject({ type: "PAYMENT_CANCELED", payload: { payment_id: "soon", reason: "EXPIRED" } });
    // A second alarm (alarms are at least once) releases nothing more.
    await runInDurableObject(stub, (_i: WalletLedger, state) => state.storage.setAlarm(Date.now()));
    await runDurableObjectAlarm(stub);
    expect(sent.length).toBe(1);
    expect(await stub.listHolds(null)).toEqual([]);
  });
});
