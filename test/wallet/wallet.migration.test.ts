import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type Migration, migrate, schemaVersion } from "../../durable-objects/schema-migrations";
import { WalletLedger } from "../../durable-objects/wallet-ledger";
import { LEDGER_MIGRATIONS } from "../../durable-objects/wallet-ledger/schema";
import { PRE_VERSIONING_SCHEMA } from "../helpers/legacy-ledger";

const ledger = (name: string) => env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(name));
const now = () => new Date().toISOString();

/** A later version as a future change might write one: a new column on a populated table and a new table. */
const LATEST = LEDGER_MIGRATIONS.length;
const TEST_NEXT: Migration = {
  version: LATEST + 1,
  description: "test only: entry memo, reminders",
  up: `
    ALTER TABLE entries ADD COLUMN memo TEXT;
    CREATE TABLE reminders (reminder_id TEXT PRIMARY KEY, amount INTEGER NOT NULL CHECK (amount > 0), created_at TEXT NOT NULL);
  `,
};

const definitions = (sql: SqlStorage) =>
  sql
    .exec<{ type: string; name: string; sql: string | null }>(
      "SELECT type, name, sql FROM sqlite_master WHERE name NOT IN ('schema_migrations', 'sqlite_sequence') ORDER BY type, name",
    )
    .toArray();

const rows = (sql: SqlStorage, table: string, order: string) => sql.exec(`SELECT * FROM ${table} ORDER BY ${order}`).toArray();

const dump = (sql: SqlStorage) => ({
  wallet: rows(sql, "wallet", "id"),
  entries: rows(sql, "entries", "seq"),
  pockets: rows(sql, "pockets", "goal_id"),
  transfers: rows(sql, "transfers", "transfer_id"),
  outbox: rows(sql, "outbox", "seq"),
});

const columns = (sql: SqlStorage, table: string) =>
  sql
    .exec<{ name: string }>("SELECT name FROM pragma_table_info(?)", table)
    .toArray()
    .map((c) => c.name);

/** Writes a wallet with entries of every kind, pockets, a stored refusal and a pending outbox row, through the ledger's own methods. */
async function populatedWallet(): Promise<{ walletId: string; owner: string }> {
  const walletId = crypto.randomUUID();
  const owner = crypto.randomUUID();
  const stub = ledger(walletId);
  await stub.open(walletId, owner, "USD", now());
  const move = { owner, now: now() };
  expect((await stub.credit({ ...move, transferId: "t-deposit", amount: 100_000, type: "DEPOSIT" })).ok).toBe(true);
  expect((await stub.debit({ ...move, transferId: "t-pay", amount: 2_550, type: "PAYMENT_OUT", referenceId: "pay-1" })).ok).toBe(true);
  expect(await stub.debit({ ...move, transferId: "t-too-much", amount: 10_000_000, type: "WITHDRAWAL" })).toMatchObject({
    ok: false,
    code: "INSUFFICIENT_FUNDS",
  });
  expect((await stub.pocketAdd({ ...move, transferId: "t-save-1", goalId: "goal-kept", amount: 12_345, target: 50_000 })).ok).toBe(true);
  expect((await stub.pocketAdd({ ...move, transferId: "t-save-2", goalId: "goal-closed", amount: 1_000, target: 5_000 })).ok).toBe(true);
  expect((await stub.pocketRelease({ ...move, transferId: "t-close", goalId: "goal-closed", mode: "close", target: 5_000 })).ok).toBe(true);
  expect(await stub.abandonTransfer("t-abandoned", now())).toMatchObject({ ok: false, code: "ABANDONED" });
  await runInDurableObject(stub, (_instance: WalletLedger, state) => {
    // A row whose send has not happened yet: it must survive a migration too.
    state.storage.sql.exec("INSERT INTO outbox (queue, body, attempts, created_at) VALUES ('payment-events', '{}', 2, ?)", now());
  });
  return { walletId, owner };
}

describe("ledger schema versions", () => {
  it("migration 1 is the schema the ledger had before versioning, statement for statement", async () => {
    const legacy = await runInDurableObject(ledger(crypto.randomUUID()), (_instance: WalletLedger, state) => {
      state.storage.sql.exec(PRE_VERSIONING_SCHEMA);
      return definitions(state.storage.sql);
    });
    await runInDurableObject(ledger(crypto.randomUUID()), (_instance: WalletLedger, state) => {
      migrate(state.storage, LEDGER_MIGRATIONS.slice(0, 1));
      expect(definitions(state.storage.sql)).toEqual(legacy);
      expect(schemaVersion(state.storage.sql)).toBe(1);
    });
  });

  it("a later migration reaches a populated wallet with every row, balance and pocket", async () => {
    const { walletId, owner } = await populatedWallet();
    await runInDurableObject(ledger(walletId), async (_instance: WalletLedger, state) => {
      const sql = state.storage.sql;
      expect(schemaVersion(sql)).toBe(LATEST);
      const before = dump(sql);
      const schemaBefore = definitions(sql);
      expect(before.entries).toHaveLength(5);
      expect(before.pockets).toHaveLength(2);
      expect(before.transfers).toHaveLength(7);

      // A restart over the stored tables changes neither a table nor a row.
      const restarted = new WalletLedger(state, env);
      await restarted.ready;
      expect(schemaVersion(sql)).toBe(LATEST);
      expect(definitions(sql)).toEqual(schemaBefore);
      expect(dump(sql)).toEqual(before);

      expect(migrate(state.storage, [...LEDGER_MIGRATIONS, TEST_NEXT])).toEqual({ from: LATEST, to: LATEST + 1 });
      expect(schemaVersion(sql)).toBe(LATEST + 1);
      expect(columns(sql, "entries")).toContain("memo");
      expect(columns(sql, "reminders")).toEqual(["reminder_id", "amount", "created_at"]);
      const after = dump(sql);
      expect(after.entries).toEqual(before.entries.map((entry) => ({ ...entry, memo: null })));
      expect({ ...after, entries: [] }).toEqual({ ...before, entries: [] });

      // The running balance chains from entry to entry and ends at the wallet's balance.
      let balance = 0;
      for (const entry of after.entries) {
        balance += entry.direction === "CREDIT" ? Number(entry.amount) : -Number(entry.amount);
        expect(entry.balance_after).toBe(balance);
      }
      expect(after.wallet[0]?.balance).toBe(balance);
      expect(balance).toBe(100_000 - 2_550 - 12_345 - 1_000 + 1_000);
      expect(restarted.audit()).toEqual({
        balance,
        pockets: 12_345,
        entriesNet: balance,
        pocketsFromEntries: 12_345,
        entryCount: 5,
        held: 0,
        heldByHolds: 0,
      });
      expect(restarted.getPocket(owner, "goal-kept")).toMatchObject({ amount: 12_345, status: "ACTIVE", target: 50_000 });
      expect(restarted.getPocket(owner, "goal-closed")).toMatchObject({ amount: 0, status: "CLOSED" });

      // Running the migrations again changes nothing.
      const applied = sql.exec("SELECT * FROM schema_migrations ORDER BY version").toArray();
      expect(applied.map((m) => m.version)).toEqual([...LEDGER_MIGRATIONS.map((m) => m.version), LATEST + 1]);
      expect(migrate(state.storage, [...LEDGER_MIGRATIONS, TEST_NEXT])).toEqual({ from: LATEST + 1, to: LATEST + 1 });
      expect(new WalletLedger(state, env).getWallet(owner)?.balance).toBe(balance);
      expect(sql.exec("SELECT * FROM schema_migrations ORDER BY version").toArray()).toEqual(applied);
      expect(dump(sql)).toEqual(after);

      // The ledger keeps working on the migrated tables: replays, refusals and new moves.
      expect(restarted.credit({ owner, now: now(), transferId: "t-deposit", amount: 100_000, type: "DEPOSIT" })).toMatchObject({
        ok: true,
        replayed: true,
      });
      expect(restarted.debit({ owner, now: now(), transferId: "t-too-much", amount: 10_000_000, type: "WITHDRAWAL" })).toMatchObject({
        ok: false,
        code: "INSUFFICIENT_FUNDS",
        replayed: true,
      });
      const moved = restarted.debit({ owner, now: now(), transferId: "t-after", amount: 105, type: "WITHDRAWAL" });
      expect(moved).toMatchObject({ ok: true, replayed: false, wallet: { balance: balance - 105, savings_balance: 12_345 } });
    });
  });

  it("a migration that fails leaves the object at its version, and the next run applies it", async () => {
    const walletId = crypto.randomUUID();
    await ledger(walletId).open(walletId, "owner", "USD", now());
    await runInDurableObject(ledger(walletId), (_instance: WalletLedger, state) => {
      const broken: Migration = {
        version: LATEST + 1,
        description: "adds a column, then fails",
        up: (sql) => {
          sql.exec("ALTER TABLE entries ADD COLUMN memo TEXT");
          throw new Error("interrupted");
        },
      };
      expect(() => migrate(state.storage, [...LEDGER_MIGRATIONS, broken])).toThrow("interrupted");
      expect(schemaVersion(state.storage.sql)).toBe(LATEST);
      expect(columns(state.storage.sql, "entries")).not.toContain("memo");
      expect(migrate(state.storage, [...LEDGER_MIGRATIONS, TEST_NEXT])).toEqual({ from: LATEST, to: LATEST + 1 });
      expect(columns(state.storage.sql, "entries")).toContain("memo");
    });
  });

  it("refuses a migration list that is not numbered 1, 2, 3, …", async () => {
    await runInDurableObject(ledger(crypto.randomUUID()), (_instance: WalletLedger, state) => {
      expect(() => migrate(state.storage, [{ ...TEST_NEXT, version: 3 }])).toThrow("migration 1 is numbered 3");
      expect(state.storage.sql.exec("SELECT name FROM sqlite_master").toArray()).toEqual([]);
    });
  });
});
