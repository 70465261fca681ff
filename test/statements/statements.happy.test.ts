import { describe, expect, it } from "vitest";
import { GENESIS_HASH, verifyChain } from "../../workers/domain/ledger-hash";
import { parseCents } from "../../workers/domain/money";
import { type PublishedKey, verifyStatement } from "../../workers/domain/statement";
import { api } from "../helpers/api";
import { userWithWallet } from "../helpers/wallet";
import { parseCsv, postMoves, statementOf, verifyByRoute } from "./helpers";

const thisMonth = () => new Date().toISOString().slice(0, 7);

describe("statements: sign and verify", () => {
  it("the current month's statement lists the API's transactions, is provisional, and verifies by the route and offline", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    expect((await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "12.34", description: "Rent" } })).status).toBe(
      200,
    );
    const statement = await statementOf(user, walletId, thisMonth());
    const history = await api(`/wallet/${walletId}/transactions`, { token: user.token });
    expect(statement).toMatchObject({
      wallet_id: walletId,
      period: thisMonth(),
      currency: "USD",
      opening_balance: "0.00",
      closing_balance: "87.66",
      total_in: "100.00",
      total_out: "12.34",
      opening_hash: GENESIS_HASH,
      final: false,
    });
    expect(statement.transactions).toEqual([...history.body.transactions].reverse());
    expect(statement.closing_hash).toBe(history.body.transactions[0].hash);
    expect(await verifyByRoute(statement)).toEqual({ valid: true, reason: null });

    // Offline: only the published keys are needed.
    const keys = (await api("/statements/keys")).body.keys as PublishedKey[];
    expect(await verifyStatement(statement, keys)).toEqual({ valid: true, code: null, reason: null });
    expect(statement.key_id).toBe(keys[0]?.key_id);
  });

  it("past months are final and chain into each other; the list has one line per month with activity, newest first", async () => {
    const { user, walletId } = await userWithWallet();
    await postMoves(walletId, [
      { at: "2026-08-03T09:00:00.000Z", direction: "CREDIT", cents: 50_000 },
      { at: "2026-08-31T23:59:59.999Z", direction: "DEBIT", cents: 1_250 },
      { at: "2026-10-01T00:00:00.000Z", direction: "DEBIT", cents: 99 },
      { at: "2026-10-15T12:00:00.000Z", direction: "CREDIT", cents: 1 },
    ]);
    const list = await api(`/wallet/${walletId}/statements`, { token: user.token });
    expect(list.status).toBe(200);
    expect(list.body.statements).toEqual([
      { period: "2026-10", opening_balance: "487.50", closing_balance: "486.52" },
      { period: "2026-08", opening_balance: "0.00", closing_balance: "487.50" },
    ]);
    const august = await statementOf(user, walletId, "2026-08");
    const september = await statementOf(user, walletId, "2026-09");
    const october = await statementOf(user, walletId, "2026-10");
    expect(august.final && september.final && october.final).toBe(true);
    expect(august.transactions.map((t) => t.amount)).toEqual(["500.00", "12.50"]);
    // A month without activity still has a statement: nothing moved, the chain stands still.
    expect(september).toMatchObject({ transactions: [], opening_balance: "487.50", closing_balance: "487.50" });
    expect(september.opening_hash).toBe(august.closing_hash);
    expect(september.closing_hash).toBe(august.closing_hash);
    expect(october.opening_hash).toBe(september.closing_hash);
    expect(october.transactions.map((t) => t.created_at)).toEqual(["2026-10-01T00:00:00.000Z", "2026-10-15T12:00:00.000Z"]);
    for (const s of [august, september, october]) expect(await verifyByRoute(s)).toEqual({ valid: true, reason: null });
    expect(await verifyChain([...august.transactions, ...october.transactions])).toMatchObject({ ok: true, head: october.closing_hash });
  });

  it("?format=csv gives the same transactions as RFC 4180 CSV that parses back to the same amounts", async () => {
    const { user, walletId } = await userWithWallet();
    await postMoves(walletId, [
      { at: "2026-07-01T08:00:00.000Z", direction: "CREDIT", cents: 123_456, description: 'Salary, "July"' },
      { at: "2026-07-02T08:00:00.000Z", direction: "DEBIT", cents: 1, description: "line one\nline two" },
      { at: "2026-07-03T08:00:00.000Z", direction: "DEBIT", cents: 20_000 },
    ]);
    const statement = await statementOf(user, walletId, "2026-07");
    const res = await api(`/wallet/${walletId}/statements/2026-07?format=csv`, { token: user.token });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="statement-${walletId}-2026-07.csv"`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const [header, ...rows] = parseCsv(res.body as string);
    expect(header).toEqual([
      "transaction_id",
      "created_at",
      "type",
      "direction",
      "amount",
      "balance_after",
      "description",
      "counterparty_account",
      "counterparty_name",
      "reference_id",
      "hash",
    ]);
    const column = (name: string) => header?.indexOf(name) ?? -1;
    expect(rows.map((r) => r[column("transaction_id")])).toEqual(statement.transactions.map((t) => t.transaction_id));
    expect(rows.map((r) => r[column("amount")])).toEqual(["1234.56", "0.01", "200.00"]);
    expect(rows.map((r) => r[column("balance_after")])).toEqual(statement.transactions.map((t) => t.balance_after));
    expect(rows.map((r) => r[column("description")])).toEqual(['Salary, "July"', "line one\nline two", ""]);
    expect(rows.map((r) => r[column("hash")])).toEqual(statement.transactions.map((t) => t.hash));
    // The amounts add up to the statement's totals, in cents.
    const sum = (dir: string) =>
      rows.filter((r) => r[column("direction")] === dir).reduce((s, r) => s + parseCents(r[column("amount")] ?? ""), 0);
    expect(sum("CREDIT")).toBe(parseCents(statement.total_in));
    expect(sum("DEBIT")).toBe(parseCents(statement.total_out));
  });
});
