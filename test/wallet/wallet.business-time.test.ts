/**
 * Ledger entries live in business time: every WalletLedger write is stamped by the project's clock
 * (workers/lib/clock.ts `businessNow`), the clock statements, hold expiry and loan servicing read.
 * With the test clock moved past a month's end, a new movement belongs to the new month, and the
 * previous month's final statement never changes.
 */
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Statement } from "../../workers/domain/statement";
import { advanceClockStatement } from "../../workers/lib/clock";
import { api, signupAdmin, type TestUser } from "../helpers/api";
import { ledger, userWithWallet } from "../helpers/wallet";
import { authorize, getPayment } from "../payments/manual-factories";
import { statementOf } from "../statements/helpers";

const DAY = 86_400_000;

async function clockNow(): Promise<number> {
  const admin = await signupAdmin();
  return Date.parse((await api("/admin/clock", { token: admin.token })).body.now);
}

async function advance(days: number) {
  const admin = await signupAdmin();
  const res = await api("/admin/clock/advance", { token: admin.token, body: { days } });
  expect(res.status).toBe(200);
  return Date.parse(res.body.now);
}

const deposit = (user: TestUser, walletId: string, amount: string) =>
  api(`/wallet/${walletId}/credit`, { token: user.token, body: { amount } });

/** What a statement says about its money and chain, without when it was issued and signed. */
const contents = ({ issued_at: _i, signature: _s, ...rest }: Statement & { final?: boolean }) => rest;

describe("ledger entries in business time", () => {
  it("after the clock passes a month's end, a deposit is in the new month's provisional statement; the final month is unchanged", async () => {
    const { user, walletId } = await userWithWallet(1_000);
    const start = await clockNow();
    const oldPeriod = new Date(start).toISOString().slice(0, 7);
    const before = await statementOf(user, walletId, oldPeriod);
    expect(before).toMatchObject({ final: false, closing_balance: "10.00" });

    const d = new Date(start);
    const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    const now = await advance(Math.floor((nextMonth - start) / DAY) + 1);
    const newPeriod = new Date(now).toISOString().slice(0, 7);
    expect(newPeriod > oldPeriod).toBe(true);
    const closed = await statementOf(user, walletId, oldPeriod);
    expect(closed).toMatchObject({ final: true, closing_balance: "10.00" });

    const res = await deposit(user, walletId, "5.00");
    expect(res.status).toBe(200);
    expect(res.body.transaction.created_at.slice(0, 7)).toBe(newPeriod);
    expect(Date.parse(res.body.transaction.created_at)).toBeGreaterThanOrEqual(now);

    expect(contents(await statementOf(user, walletId, oldPeriod))).toEqual(contents(closed));
    const current = await statementOf(user, walletId, newPeriod);
    expect(current).toMatchObject({ final: false, opening_balance: "10.00", closing_balance: "15.00", opening_hash: closed.closing_hash });
    expect(current.transactions.map((t) => t.amount)).toEqual(["5.00"]);
    const list = (await api(`/wallet/${walletId}/statements`, { token: user.token })).body.statements;
    expect(list.map((s: { period: string }) => s.period)).toEqual([newPeriod, oldPeriod]);

    // Without as_of the balance is as of the clock's now: the new deposit is in it.
    const balance = (await api(`/wallet/${walletId}/balance`, { token: user.token })).body;
    expect(balance).toMatchObject({ balance: "15.00", transaction_id: res.body.transaction.transaction_id });
    expect(Date.parse(balance.as_of)).toBeGreaterThanOrEqual(now);
    // And as of the wall clock (before the clock's month began), it is the old month's closing balance.
    const wall = (await api(`/wallet/${walletId}/balance?as_of=${new Date().toISOString()}`, { token: user.token })).body;
    expect(wall.balance).toBe("10.00");
  });

  it("a transfer and a savings move after an advance are stamped by the clock, after every earlier entry", async () => {
    const { user, walletId } = await userWithWallet(5_000);
    const { walletId: otherWallet } = await userWithWallet(0);
    const start = await clockNow();
    const now = await advance(3);
    expect(now - start).toBeGreaterThanOrEqual(3 * DAY - 60_000);
    const sent = await api("/transfers", {
      token: user.token,
      body: { from_wallet_id: walletId, to_wallet_id: otherWallet, amount: "4.00" },
    });
    expect(sent.status).toBe(201);
    // The transfer record is a D1 row: wall time, as the sweep ages it.
    expect(Math.abs(Date.parse(sent.body.transfer.created_at) - Date.now())).toBeLessThan(60_000);
    const goal = await api("/savings-goal", {
      token: user.token,
      body: { wallet_id: walletId, goal_name: "Bike", target_amount: "100.00" },
    });
    expect(goal.status).toBe(201);
    expect((await api(`/savings-goal/${goal.body.goal.goal_id}/add`, { token: user.token, body: { amount: "3.00" } })).status).toBe(200);
    const transactions = (await api(`/wallet/${walletId}/transactions`, { token: user.token })).body.transactions as {
      type: string;
      created_at: string;
    }[];
    expect(transactions.map((t) => t.type)).toEqual(["SAVINGS_ADD", "TRANSFER_OUT", "DEPOSIT"]);
    for (const t of transactions.slice(0, 2)) expect(Date.parse(t.created_at)).toBeGreaterThanOrEqual(now);
    // Time order is entry order.
    const times = transactions.map((t) => t.created_at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("a hold placed after an advance expires by the advanced clock: not before its 7 days, then by the ledger's alarm", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const placedAfter = await advance(2);
    const payment = await authorize(user, walletId, "40.00");
    expect(payment.status).toBe("AUTHORIZED");
    const [hold] = (await api(`/wallet/${walletId}/holds`, { token: user.token })).body.holds;
    expect(Date.parse(hold.created_at)).toBeGreaterThanOrEqual(placedAfter);
    expect(Date.parse(hold.expires_at) - Date.parse(hold.created_at)).toBeGreaterThan(7 * DAY - 60_000);
    expect(Date.parse(hold.expires_at) - Date.parse(hold.created_at)).toBeLessThanOrEqual(7 * DAY);

    // Six days on, by the clock: still held.
    await advance(6);
    expect((await getPayment(user, payment.transaction_id)).status).toBe("AUTHORIZED");
    expect((await api(`/wallet/${walletId}`, { token: user.token })).body.wallet).toMatchObject({ available_balance: "60.00" });

    // Two more days, moved without the advance's due work: the ledger's own alarm reads the clock and releases it.
    await env.DB.batch([advanceClockStatement(env.DB, 2)]);
    await runDurableObjectAlarm(ledger(walletId));
    expect((await api(`/wallet/${walletId}/holds`, { token: user.token })).body.holds).toEqual([]);
    expect((await api(`/wallet/${walletId}`, { token: user.token })).body.wallet).toMatchObject({
      balance: "100.00",
      available_balance: "100.00",
    });
    await expect.poll(async () => (await getPayment(user, payment.transaction_id)).status, { timeout: 10_000 }).toBe("CANCELED");
    expect((await getPayment(user, payment.transaction_id)).failure_reason).toBe("EXPIRED");
  });
});
