import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WalletLedger } from "../../durable-objects/wallet-ledger";
import { GENESIS_HASH, verifyChain } from "../../workers/domain/ledger-hash";
import { api, createWallet, expectEnvelope, signup, type TestUser } from "../helpers/api";
import { transactionsOf } from "../helpers/wallet";

const ledger = (walletId: string) => env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId));

type Tx = {
  transaction_id: string;
  type: string;
  amount: string;
  description: string | null;
  created_at: string;
  hash: string;
  counterparty: { account: string; name: string };
};

const history = (user: TestUser, walletId: string, query = "") => transactionsOf<Tx>(user, walletId, { pageSize: 7, query });

const move = (user: TestUser, walletId: string, kind: "credit" | "debit", amount: string, description?: string) =>
  api(`/wallet/${walletId}/${kind}`, { token: user.token, body: { amount, ...(description ? { description } : {}) } });

describe("several named wallets", () => {
  it("a wallet is created with a name (Main by default), renamed, and lists with held and available balances", async () => {
    const user = await signup();
    const first = await api("/wallet", { token: user.token, body: {} });
    expect(first.status).toBe(201);
    expect(first.body.wallet).toMatchObject({ name: "Main", balance: "0.00", held_balance: "0.00", available_balance: "0.00" });
    const second = await api("/wallet", { token: user.token, body: { name: "Holidays" } });
    expect(second.body.wallet.name).toBe("Holidays");
    const renamed = await api(`/wallet/${first.body.wallet.wallet_id}`, { method: "PATCH", token: user.token, body: { name: "Everyday" } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.wallet).toMatchObject({ wallet_id: first.body.wallet.wallet_id, name: "Everyday" });
    const list = await api("/wallet", { token: user.token });
    expect(list.body.wallets.map((w: { name: string }) => w.name)).toEqual(["Everyday", "Holidays"]);
    await move(user, second.body.wallet.wallet_id, "credit", "25.00");
    const got = await api(`/wallet/${second.body.wallet.wallet_id}`, { token: user.token });
    expect(got.body.wallet).toMatchObject({ balance: "25.00", held_balance: "0.00", available_balance: "25.00" });
  });

  it("renaming is the owner's alone, and a name is checked like any text", async () => {
    const owner = await signup();
    const other = await signup();
    const walletId = await createWallet(owner);
    expectEnvelope(await api(`/wallet/${walletId}`, { method: "PATCH", token: other.token, body: { name: "Mine now" } }), 404, "NOT_FOUND");
    expectEnvelope(await api(`/wallet/${walletId}`, { method: "PATCH", token: owner.token, body: { name: "" } }), 400, "VALIDATION_ERROR");
    expectEnvelope(
      await api(`/wallet/${walletId}`, { method: "PATCH", token: owner.token, body: { name: "x".repeat(51) } }),
      400,
      "VALIDATION_ERROR",
    );
    expectEnvelope(
      await api(`/wallet/${walletId}`, { method: "PATCH", token: owner.token, body: { name: "a\u202eb" } }),
      400,
      "VALIDATION_ERROR",
    );
    expectEnvelope(
      await api(`/wallet/${walletId}`, { method: "PATCH", token: owner.token, body: { name: "ok", extra: 1 } }),
      400,
      "VALIDATION_ERROR",
    );
    expect((await api(`/wallet/${walletId}`, { token: owner.token })).body.wallet.name).toBe("Main");
  });
});

describe("double entry: every transaction names its counterparty", () => {
  it("deposits come from funding, withdrawals go to payouts, payments to the merchant", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    await move(user, walletId, "debit", "10.00", "Rent");
    const payment = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Corner Cafe", amount: "3.20" } });
    const id = payment.body.payment.transaction_id;
    await expect.poll(async () => (await api(`/payment/${id}`, { token: user.token })).body.payment.status).toBe("SUCCESSFUL");
    const [paid, withdrawal, deposit] = await history(user, walletId);
    expect(deposit).toMatchObject({ type: "DEPOSIT", counterparty: { account: "funding", name: "Deposit" } });
    expect(withdrawal).toMatchObject({ type: "WITHDRAWAL", description: "Rent", counterparty: { account: "payouts", name: "Withdrawal" } });
    expect(paid).toMatchObject({
      type: "PAYMENT_OUT",
      description: "Corner Cafe",
      counterparty: { account: "merchants", name: "Corner Cafe" },
    });
  });
});

describe("verifiable history (invariant 13)", () => {
  it("every wallet's chain verifies from its first transaction to its last, also after concurrent movements", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 100_000);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        move(user, walletId, i % 3 === 0 ? "debit" : "credit", `${1 + (i % 7)}.0${i % 10}`, `move ${i}`),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const transactions = (await history(user, walletId)).reverse();
    expect(transactions).toHaveLength(31);
    const check = await verifyChain(transactions as never);
    expect(check).toEqual({ ok: true, head: transactions.at(-1)?.hash });
    // Time order is entry order: no transaction is dated before the one it follows.
    for (let i = 1; i < transactions.length; i++) {
      expect((transactions[i]?.created_at ?? "") >= (transactions[i - 1]?.created_at ?? "")).toBe(true);
    }
  });

  it("an edited, deleted or reordered entry breaks the chain at that entry", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    for (const amount of ["1.00", "2.00", "3.00"]) await move(user, walletId, "debit", amount);
    const transactions = (await history(user, walletId)).reverse();
    expect((await verifyChain(transactions as never)).ok).toBe(true);
    const edited = transactions.map((t, i) => (i === 2 ? { ...t, amount: "20.00" } : t));
    expect(await verifyChain(edited as never)).toMatchObject({ ok: false, index: 2 });
    expect(await verifyChain(transactions.filter((_, i) => i !== 1) as never)).toMatchObject({ ok: false, index: 1 });
    const swapped = [transactions[0], transactions[2], transactions[1], transactions[3]];
    expect(await verifyChain(swapped as never)).toMatchObject({ ok: false, index: 1 });
    const renamed = transactions.map((t, i) => (i === 0 ? { ...t, counterparty: { ...t.counterparty, name: "Someone else" } } : t));
    expect(await verifyChain(renamed as never)).toMatchObject({ ok: false, index: 0 });
    expect(transactions[0]?.hash).not.toBe(GENESIS_HASH);
  });
});

describe("balance at a moment", () => {
  it("answers the posted balance just after the last transaction at or before as_of", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const empty = await api(`/wallet/${walletId}/balance`, { token: user.token });
    expect(empty.body).toMatchObject({ balance: "0.00", transaction_id: null });
    const first = await move(user, walletId, "credit", "50.00");
    await new Promise((r) => setTimeout(r, 5));
    const second = await move(user, walletId, "debit", "20.00");
    const t1 = first.body.transaction;
    const t2 = second.body.transaction;
    const at = (asOf: string) => api(`/wallet/${walletId}/balance?as_of=${encodeURIComponent(asOf)}`, { token: user.token });
    expect((await at("2000-01-01T00:00:00Z")).body).toEqual({ balance: "0.00", as_of: "2000-01-01T00:00:00.000Z", transaction_id: null });
    expect((await at(t1.created_at)).body).toMatchObject({ balance: "50.00", transaction_id: t1.transaction_id });
    expect((await at(t2.created_at)).body).toMatchObject({ balance: "30.00", transaction_id: t2.transaction_id });
    // A time zone offset is read as the moment it names.
    const plusTwo = new Date(Date.parse(t1.created_at) + 7_200_000).toISOString().replace("Z", "+02:00");
    expect((await at(plusTwo)).body).toMatchObject({ balance: "50.00", transaction_id: t1.transaction_id });
    expect((await api(`/wallet/${walletId}/balance`, { token: user.token })).body).toMatchObject({ balance: "30.00" });
  });

  it("refuses a malformed moment and another user's wallet", async () => {
    const user = await signup();
    const other = await signup();
    const walletId = await createWallet(user);
    for (const bad of ["yesterday", "2026-13-01T00:00:00Z", "2026-11-24", "1"]) {
      expectEnvelope(await api(`/wallet/${walletId}/balance?as_of=${bad}`, { token: user.token }), 400, "VALIDATION_ERROR");
    }
    expectEnvelope(await api(`/wallet/${walletId}/balance`, { token: other.token }), 404, "NOT_FOUND");
  });

  it("is found on the time index, not by scanning the entries", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 1_000);
    await runInDurableObject(ledger(walletId), (_instance: WalletLedger, state) => {
      const plan = state.storage.sql
        .exec<{ detail: string }>(
          "EXPLAIN QUERY PLAN SELECT balance_after, transaction_id FROM entries WHERE created_at <= ? ORDER BY created_at DESC, seq DESC LIMIT 1",
          new Date().toISOString(),
        )
        .toArray()
        .map((row) => row.detail)
        .join("\n");
      expect(plan).toMatch(/USING (COVERING )?INDEX entries_by_time/);
      expect(plan).not.toMatch(/USE TEMP B-TREE/);
    });
  });
});

describe("transaction search", () => {
  it("filters by time range and by text in the description or the counterparty, and pages through the result", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 100_000);
    const early = (await api(`/wallet/${walletId}/transactions`, { token: user.token })).body.transactions[0];
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 10; i++) await move(user, walletId, "debit", "1.00", i % 2 ? `Groceries ${i}` : `Books 100% ${i}`);
    const payment = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Grocer's Shop", amount: "2.00" } });
    const id = payment.body.payment.transaction_id;
    await expect.poll(async () => (await api(`/payment/${id}`, { token: user.token })).body.payment.status).toBe("SUCCESSFUL");
    const all = await history(user, walletId);
    expect(all).toHaveLength(12);

    expect((await history(user, walletId, "&q=groceries")).map((t) => t.description)).toEqual([
      "Groceries 9",
      "Groceries 7",
      "Groceries 5",
      "Groceries 3",
      "Groceries 1",
    ]);
    // The merchant is found through the counterparty's name as well as the description.
    expect((await history(user, walletId, `&q=${encodeURIComponent("grocer's")}`)).map((t) => t.type)).toEqual(["PAYMENT_OUT"]);
    // Wildcards in the text are matched literally.
    expect(await history(user, walletId, `&q=${encodeURIComponent("100%")}`)).toHaveLength(5);
    expect(await history(user, walletId, `&q=${encodeURIComponent("_")}`)).toHaveLength(0);
    expect(await history(user, walletId, "&q=Deposit")).toHaveLength(1);

    const last = all[0] as Tx;
    expect((await history(user, walletId, `&to=${encodeURIComponent(early.created_at)}`)).map((t) => t.transaction_id)).toEqual([
      early.transaction_id,
    ]);
    const after = await history(user, walletId, `&from=${encodeURIComponent(all[10]?.created_at ?? "")}`);
    expect(after.map((t) => t.transaction_id)).toEqual(all.slice(0, 11).map((t) => t.transaction_id));
    const window = await history(
      user,
      walletId,
      `&from=${encodeURIComponent(all[10]?.created_at ?? "")}&to=${encodeURIComponent(last.created_at)}&q=books`,
    );
    expect(window.every((t) => t.description?.startsWith("Books"))).toBe(true);
    expect(window).toHaveLength(5);
    expect((await history(user, walletId, "&type=PAYMENT_OUT&q=shop")).map((t) => t.transaction_id)).toEqual([last.transaction_id]);
  });

  it("refuses malformed bounds and search text", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    for (const query of ["from=soon", "to=2026-11-31T25:00:00Z", "q=", `q=${"x".repeat(101)}`, "q=%E2%80%AE"]) {
      expectEnvelope(await api(`/wallet/${walletId}/transactions?${query}`, { token: user.token }), 400, "VALIDATION_ERROR");
    }
  });
});
