import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { schemaVersion } from "../../durable-objects/schema-migrations";
import { WalletLedger } from "../../durable-objects/wallet-ledger";
import { LEDGER_MIGRATIONS } from "../../durable-objects/wallet-ledger/schema";
import { GENESIS_HASH, verifyChain } from "../../workers/domain/ledger-hash";
import { api, createWallet, signup, signupAdmin, type TestUser } from "../helpers/api";
import { rewindToPreVersioning } from "../helpers/legacy-ledger";
import { transactionsOf } from "../helpers/wallet";

const ledger = (walletId: string) => env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId));

type Listed = { transaction_id: string; hash: string; type: string; counterparty: { account: string; name: string } };
const allTransactions = async (user: TestUser, walletId: string) => (await transactionsOf<Listed>(user, walletId)).reverse();

/** A wallet with an entry of every kind the code before counterparties wrote, made through the API. */
async function walletWithHistory() {
  const user = await signup();
  const admin = await signupAdmin();
  const walletId = await createWallet(user, 50_000);
  expect((await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "12.00" } })).status).toBe(200);
  const payment = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Corner Cafe", amount: "4.50" } });
  const paymentId = payment.body.payment.transaction_id;
  await expect.poll(async () => (await api(`/payment/${paymentId}`, { token: user.token })).body.payment.status).toBe("SUCCESSFUL");
  const loan = await api("/loan", {
    token: user.token,
    body: { wallet_id: walletId, amount: "100.00", loan_term_months: 6, purpose: "Bike" },
  });
  const loanId = loan.body.loan.loan_id;
  expect((await api(`/loan/${loanId}/approve`, { token: admin.token, method: "POST" })).status).toBe(200);
  await expect.poll(async () => (await api(`/loan/${loanId}`, { token: user.token })).body.loan.disbursed_at).not.toBeNull();
  const repayment = await api(`/loan/${loanId}/repay`, { token: user.token, body: { amount: "10.00" } });
  expect(repayment.status).toBe(202);
  await expect.poll(async () => (await api(`/loan/${loanId}`, { token: user.token })).body.loan.remaining_balance).toBe("90.00");
  const goal = await api("/savings-goal", {
    token: user.token,
    body: { wallet_id: walletId, goal_name: "Holiday", target_amount: "30.00" },
  });
  const goalId = goal.body.goal.goal_id;
  expect((await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "30.00" } })).status).toBe(200);
  expect((await api(`/savings-goal/${goalId}/redeem`, { token: user.token, method: "POST" })).status).toBe(200);
  return { user, walletId, loanId, goalId };
}

describe("ledger migration 2: counterparties and the hash chain reach wallets written before them", () => {
  it("a pre-versioning wallet gets every entry's counterparty and the same chain the live code writes, rows and balance untouched", async () => {
    const { user, walletId, loanId, goalId } = await walletWithHistory();
    const live = await allTransactions(user, walletId);
    expect(live.map((t) => t.type)).toEqual([
      "DEPOSIT",
      "WITHDRAWAL",
      "PAYMENT_OUT",
      "LOAN_IN",
      "LOAN_REPAYMENT",
      "SAVINGS_ADD",
      "SAVINGS_REDEEM",
    ]);
    expect(live.map((t) => t.counterparty)).toEqual([
      { account: "funding", name: "Deposit" },
      { account: "payouts", name: "Withdrawal" },
      { account: "merchants", name: "Corner Cafe" },
      { account: `loan:${loanId}`, name: "Loan" },
      { account: `loan:${loanId}`, name: "Loan" },
      { account: `goal:${goalId}`, name: "Holiday" },
      { account: `goal:${goalId}`, name: "Holiday" },
    ]);
    expect(await verifyChain(live as never)).toEqual({ ok: true, head: live.at(-1)?.hash });

    const before = await runInDurableObject(ledger(walletId), (_instance: WalletLedger, state) => {
      const sql = state.storage.sql;
      const rows = {
        wallet: sql.exec("SELECT * FROM wallet").toArray(),
        entries: sql.exec("SELECT * FROM entries ORDER BY seq").toArray(),
        pockets: sql.exec("SELECT * FROM pockets").toArray(),
        transfers: sql.exec("SELECT * FROM transfers ORDER BY transfer_id").toArray(),
      };
      rewindToPreVersioning(sql);
      expect(schemaVersion(sql)).toBe(0);
      expect(
        sql
          .exec("SELECT name FROM pragma_table_info('entries')")
          .toArray()
          .map((c) => c.name),
      ).not.toContain("hash");
      return rows;
    });

    await runInDurableObject(ledger(walletId), async (_instance: WalletLedger, state) => {
      // What a deploy does: a new instance over the old tables migrates before its first request.
      const restarted = new WalletLedger(state, env);
      await restarted.ready;
      const sql = state.storage.sql;
      expect(schemaVersion(sql)).toBe(LEDGER_MIGRATIONS.length);
      // Every row comes back as the live code wrote it: same entries, counterparties and hashes.
      expect(sql.exec("SELECT * FROM entries ORDER BY seq").toArray()).toEqual(before.entries);
      expect(sql.exec("SELECT * FROM pockets").toArray()).toEqual(before.pockets);
      expect(sql.exec("SELECT * FROM transfers ORDER BY transfer_id").toArray()).toEqual(before.transfers);
      const [wallet] = sql.exec("SELECT * FROM wallet").toArray();
      expect(wallet).toEqual(before.wallet[0]);
      expect(wallet).toMatchObject({ name: "Main", held: 0, head_hash: live.at(-1)?.hash });
      expect(restarted.audit()).toMatchObject({ entriesNet: wallet?.balance, entryCount: 7 });
    });

    // The API answers as before, and the next movement chains on from the migrated head.
    expect(await allTransactions(user, walletId)).toEqual(live);
    const next = await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "1.00" } });
    expect(next.status).toBe(200);
    const after = await allTransactions(user, walletId);
    expect(await verifyChain(after as never)).toEqual({ ok: true, head: next.body.transaction.hash });
  });

  it("entries D1 knows nothing about get the counterparty their type implies, and the chain covers them", async () => {
    const walletId = crypto.randomUUID();
    const owner = crypto.randomUUID();
    const stub = ledger(walletId);
    await stub.open(walletId, owner, "USD", new Date().toISOString());
    await runInDurableObject(stub, async (_instance: WalletLedger, state) => {
      const sql = state.storage.sql;
      rewindToPreVersioning(sql);
      const at = "2026-11-01T10:00:00.000Z";
      const insert = (
        seq: number,
        type: string,
        direction: string,
        amount: number,
        after: number,
        description: string | null,
        ref: string | null,
      ) =>
        sql.exec(
          `INSERT INTO entries (seq, transaction_id, transfer_id, type, direction, amount, balance_after, description, reference_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          seq,
          `t${seq}`,
          `x${seq}`,
          type,
          direction,
          amount,
          after,
          description,
          ref,
          at,
        );
      insert(1, "DEPOSIT", "CREDIT", 10_000, 10_000, null, null);
      insert(2, "PAYMENT_OUT", "DEBIT", 1_000, 9_000, null, "unknown-payment");
      insert(3, "LOAN_IN", "CREDIT", 5_000, 14_000, "Loan disbursement", "unknown-loan");
      insert(4, "LOAN_REPAYMENT", "DEBIT", 500, 13_500, "Loan repayment", "unknown-repayment");
      insert(5, "SAVINGS_ADD", "DEBIT", 500, 13_000, "Saved for X", "unknown-goal");
      sql.exec("UPDATE wallet SET balance = 13000");
      sql.exec("INSERT INTO pockets (goal_id, amount, status, target, updated_at) VALUES ('unknown-goal', 500, 'ACTIVE', 1000, ?)", at);
      // The stored outcome of the payment, as version 1 wrote it: no name, holds, counterparty or hash.
      const v1Wallet = {
        wallet_id: walletId,
        user_id: owner,
        balance: 9_000,
        savings_balance: 0,
        currency: "USD",
        created_at: at,
        updated_at: at,
      };
      const v1Transaction = {
        transaction_id: "t2",
        wallet_id: walletId,
        type: "PAYMENT_OUT",
        direction: "DEBIT",
        amount: 1_000,
        balance_after: 9_000,
        description: null,
        reference_id: "unknown-payment",
        created_at: at,
      };
      sql.exec(
        "INSERT INTO transfers (transfer_id, request, outcome, created_at) VALUES ('x2', ?, ?, ?)",
        JSON.stringify({ op: "DEBIT", amount: 1_000, type: "PAYMENT_OUT", reference: "unknown-payment" }),
        JSON.stringify({ ok: true, wallet: v1Wallet, transaction: v1Transaction }),
        at,
      );

      const restarted = new WalletLedger(state, env);
      await restarted.ready;
      const page = restarted.listTransactions(owner, { limit: 10 });
      const transactions = (page?.transactions ?? []).reverse();
      expect(transactions.map((t) => t.counterparty)).toEqual([
        { account: "funding", name: "Deposit" },
        { account: "merchants", name: "Merchant" },
        { account: "loan:unknown-loan", name: "Loan" },
        { account: "loan:unknown-repayment", name: "Loan" },
        { account: "goal:unknown-goal", name: "Savings goal" },
      ]);
      const { presentTransaction } = await import("../../durable-objects/wallet-ledger/presenters");
      const check = await verifyChain(transactions.map(presentTransaction));
      expect(check).toEqual({ ok: true, head: transactions.at(-1)?.hash });
      expect(transactions[0]?.hash).not.toBe(GENESIS_HASH);
      expect(restarted.getWallet(owner)).toMatchObject({ balance: 13_000, available_balance: 13_000, held_balance: 0, name: "Main" });

      // A replay of the old movement answers in the new shapes: the entry as migrated, the wallet with its name and holds.
      const replay = restarted.debit({
        owner: null,
        transferId: "x2",
        amount: 1_000,
        type: "PAYMENT_OUT",
        referenceId: "unknown-payment",
        now: new Date().toISOString(),
      });
      expect(replay).toMatchObject({ ok: true, replayed: true });
      if (!replay.ok) throw new Error("expected the stored outcome");
      expect(replay.transaction).toEqual(transactions[1]);
      expect(presentTransaction(replay.transaction)).toMatchObject({ amount: "10.00", counterparty: { account: "merchants" } });
      expect(replay.wallet).toEqual({ ...v1Wallet, name: "Main", held_balance: 0, available_balance: 9_000 });
      expect(restarted.audit()).toMatchObject({ balance: 13_000, entriesNet: 13_000 });
    });
  });
});
