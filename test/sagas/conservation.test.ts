/**
 * Invariant 12 under chaos: a seeded mixed workload (deposits, withdrawals, payments, transfers
 * between wallets, loans approved by an admin, repayments, savings adds, redeems and closes) runs while the saga messages are
 * delivered late, shuffled, duplicated, with consumer failures before and after their effect and
 * Durable Objects evicted. At checkpoints taken while sagas are still in flight, and at the end, the
 * conservation proof must balance to the cent; at the end each counterparty account must equal what
 * the D1 records say went through it, and reconciliation must find nothing.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { reconcile } from "../../workers/admin/reconciliation";
import { parseCents } from "../../workers/domain/money";
import { ledgerFor } from "../../workers/lib/ledger";
import { api, centsToString, createWallet, signup, signupAdmin, type TestUser } from "../helpers/api";
import { ChaosQueue, rng } from "../helpers/saga";

const SEEDS = [1, 2, 3];
const WALLETS = 6;
const OPS = 66;
const CHECK_EVERY = 6;

type Proof = {
  wallets: string;
  goals: string;
  counterparties: { account: string; balance: string }[];
  in_transit: string;
  difference: string;
};

async function ledgerProof(admin: TestUser) {
  const res = await api<Proof>("/admin/ledger", { token: admin.token });
  expect(res.status).toBe(200);
  return res.body;
}

const account = (proof: Proof, name: string) => parseCents(proof.counterparties.find((c) => c.account === name)?.balance ?? "0.00");

async function rows<T>(sql: string, ids: string[]): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    const { results } = await env.DB.prepare(sql.replace("?*", chunk.map(() => "?").join(",")))
      .bind(...chunk)
      .all<T>();
    out.push(...results);
  }
  return out;
}

async function runConservationChaos(seed: number) {
  const random = rng(seed);
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const admin = await signupAdmin();
  const before = await ledgerProof(admin);
  const users = [await signup(), await signup()];
  const wallets: { id: string; token: string }[] = [];
  let deposited = 0;
  let withdrawn = 0;
  for (let i = 0; i < WALLETS; i++) {
    const user = users[i % users.length]!;
    const amount = between(20_000, 50_000);
    wallets.push({ id: await createWallet(user, amount), token: user.token });
    deposited += amount;
  }
  const paymentIds: string[] = [];
  const transfers: { id: string; from: string; to: string; amount: number }[] = [];
  const loans: { id: string; token: string }[] = [];
  const repaymentIds: string[] = [];
  const goals: { id: string; token: string; walletId: string; target: number; current: number; open: boolean }[] = [];

  const queue = new ChaosQueue(random, { failureRate: 0.1, duplicateRate: 0.1, evictEvery: 25, walletIds: () => wallets.map((w) => w.id) });
  queue.install();
  try {
    const payments = () =>
      rows<{ amount_cents: number; status: string }>("SELECT amount_cents, status FROM payments WHERE payment_id IN (?*)", paymentIds);
    const repayments = () =>
      rows<{ amount_cents: number; status: string }>(
        "SELECT amount_cents, status FROM repayments WHERE repayment_id IN (?*)",
        repaymentIds,
      );
    const loanRows = () =>
      rows<{ amount_cents: number; disbursed_at: string | null }>(
        "SELECT amount_cents, disbursed_at FROM loans WHERE loan_id IN (?*)",
        loans.map((l) => l.id),
      );
    const transferRows = () =>
      rows<{ transfer_id: string; status: string; amount_cents: number }>(
        "SELECT transfer_id, status, amount_cents FROM transfers WHERE transfer_id IN (?*)",
        transfers.map((t) => t.id),
      );
    const byId = new Map<string, (typeof transfers)[number]>();
    /**
     * What this run's transfers have in transit: each one D1 still lists as PENDING, less those whose
     * credit (or reversal) is already in a ledger while its outcome event is on its way. Read between
     * deliveries: every delivery goes through this test's queue, so nothing moves while this, the
     * proof and the ledgers are read, and they describe the same moment.
     */
    const pendingInTransit = async () => {
      let cents = 0;
      for (const row of (await transferRows()).filter((t) => t.status === "PENDING")) {
        const t = byId.get(row.transfer_id)!;
        const credited = (await ledgerFor(env, t.to).entriesFor(t.id)).some((e) => e.type === "TRANSFER_IN");
        const reversed = (await ledgerFor(env, t.from).entriesFor(t.id)).some((e) => e.type === "TRANSFER_IN");
        if (!credited && !reversed) cents += row.amount_cents;
      }
      return cents;
    };
    const baselineInTransit = parseCents(before.in_transit);
    let transitCheckpoints = 0;
    /** Sagas this run started that have not finished (their messages are still on the way). */
    const unfinished = async () =>
      (await transferRows()).filter((t) => t.status === "PENDING").length +
      (await payments()).filter((p) => p.status === "PENDING").length +
      (await repayments()).filter((p) => p.status === "PENDING").length +
      (await loanRows()).filter((l) => l.disbursed_at === null).length;
    let checkpoints = 0;
    let inFlightCheckpoints = 0;
    const checkpoint = async () => {
      const proof = await ledgerProof(admin);
      expect(proof.difference, `seed ${seed}, checkpoint ${checkpoints}`).toBe("0.00");
      // `in_transit` is the plug that makes `difference` zero across wallets: it must also be the money
      // that left a sender and has not landed (a TRANSFER_IN made twice would leave it short).
      const inTransit = parseCents(proof.in_transit);
      expect(inTransit, `seed ${seed}, checkpoint ${checkpoints}`).toBeGreaterThanOrEqual(0);
      const ours = await pendingInTransit();
      expect(inTransit - baselineInTransit, `seed ${seed}, checkpoint ${checkpoints}: in_transit`).toBe(ours);
      if (ours > 0) transitCheckpoints++;
      checkpoints++;
      return proof;
    };
    for (let op = 0; op < OPS; op++) {
      const wallet = wallets[Math.floor(random() * wallets.length)]!;
      const r = random();
      if (r < 0.15) {
        const amount = between(100, 5_000);
        const res = await api(`/wallet/${wallet.id}/credit`, { token: wallet.token, body: { amount: centsToString(amount) } });
        expect(res.status).toBe(200);
        deposited += amount;
      } else if (r < 0.25) {
        const amount = between(100, 3_000);
        const res = await api(`/wallet/${wallet.id}/debit`, { token: wallet.token, body: { amount: centsToString(amount) } });
        expect([200, 409]).toContain(res.status);
        if (res.status === 200) withdrawn += amount;
      } else if (r < 0.33) {
        const to = wallets[Math.floor(random() * wallets.length)]!;
        if (to.id === wallet.id) continue;
        const amount = between(100, 3_000);
        const res = await api("/transfers", {
          token: wallet.token,
          body: { from_wallet_id: wallet.id, to_wallet_id: to.id, amount: centsToString(amount) },
        });
        expect([201, 409]).toContain(res.status);
        if (res.status === 201) {
          transfers.push({ id: res.body.transfer.transfer_id, from: wallet.id, to: to.id, amount });
          byId.set(res.body.transfer.transfer_id, transfers.at(-1)!);
        }
      } else if (r < 0.5) {
        const res = await api("/payment", {
          token: wallet.token,
          body: { wallet_id: wallet.id, merchant: `m${op % 5}`, amount: centsToString(between(100, 4_000)) },
        });
        expect(res.status).toBe(202);
        paymentIds.push(res.body.payment.transaction_id);
      } else if (r < 0.6) {
        const res = await api("/loan", {
          token: wallet.token,
          body: { wallet_id: wallet.id, amount: centsToString(between(5_000, 50_000)), loan_term_months: between(1, 24), purpose: "chaos" },
        });
        expect(res.status).toBe(201);
        const loanId = res.body.loan.loan_id as string;
        expect((await api(`/loan/${loanId}/approve`, { token: admin.token, method: "POST" })).status).toBe(200);
        loans.push({ id: loanId, token: wallet.token });
      } else if (r < 0.75) {
        const loan = loans[Math.floor(random() * loans.length)];
        if (!loan) continue;
        const res = await api(`/loan/${loan.id}/repay`, { token: loan.token, body: { amount: centsToString(between(100, 2_000)) } });
        // 422: more than is left to repay (earlier repayments, counted when requested, took it).
        expect([202, 422]).toContain(res.status);
        if (res.status === 202) repaymentIds.push(res.body.repayment.repayment_id);
      } else if (r < 0.9) {
        let goal = goals.find((g) => g.open && g.walletId === wallet.id && g.current < g.target);
        if (!goal) {
          const target = between(1_000, 5_000);
          const res = await api("/savings-goal", {
            token: wallet.token,
            body: { wallet_id: wallet.id, goal_name: `g${op}`, target_amount: centsToString(target) },
          });
          expect(res.status).toBe(201);
          goal = { id: res.body.goal.goal_id, token: wallet.token, walletId: wallet.id, target, current: 0, open: true };
          goals.push(goal);
        }
        const res = await api(`/savings-goal/${goal.id}/add`, {
          token: goal.token,
          body: { amount: centsToString(Math.min(between(100, 2_500), goal.target - goal.current)) },
        });
        expect([200, 409]).toContain(res.status);
        if (res.status === 200) goal.current = parseCents(res.body.goal.current_amount);
      } else {
        const goal = goals.find((g) => g.open);
        if (!goal) continue;
        const reached = goal.current >= goal.target;
        const res = reached
          ? await api(`/savings-goal/${goal.id}/redeem`, { token: goal.token, method: "POST" })
          : await api(`/savings-goal/${goal.id}`, { token: goal.token, method: "DELETE" });
        expect(res.status).toBe(200);
        goal.open = false;
      }
      if (op % CHECK_EVERY === CHECK_EVERY - 1) {
        await queue.deliverSome(between(0, 3));
        if ((await unfinished()) > 0) inFlightCheckpoints++;
        await checkpoint();
      }
    }
    // The proof held while sagas were unfinished, not only once everything had settled.
    expect(inFlightCheckpoints).toBeGreaterThan(0);

    // Settle a little at a time, checking the proof between deliveries, then drain the rest.
    for (let i = 0; i < 10 && queue.pending.length > 0; i++) {
      await queue.deliverSome(2);
      await checkpoint();
    }
    await queue.drain(async () => {
      return (
        (await transferRows()).every((t) => t.status !== "PENDING") &&
        (await payments()).every((p) => p.status !== "PENDING") &&
        (await repayments()).every((p) => p.status !== "PENDING") &&
        (await loanRows()).every((l) => l.disbursed_at !== null)
      );
    });
    await queue.flushOutboxes();
    await queue.drain(async () => true);

    const after = await checkpoint();
    expect(after.in_transit).toBe("0.00");
    const paid = (await payments()).filter((p) => p.status === "SUCCESSFUL").reduce((s, p) => s + p.amount_cents, 0);
    const repaid = (await repayments()).filter((p) => p.status === "SUCCESSFUL").reduce((s, p) => s + p.amount_cents, 0);
    const disbursed = (await loanRows()).reduce((s, l) => s + l.amount_cents, 0);
    const delta = (name: string) => account(after, name) - account(before, name);
    expect({ funding: delta("funding"), payouts: delta("payouts"), merchants: delta("merchants"), loans: delta("loans") }).toEqual({
      funding: deposited,
      payouts: -withdrawn,
      merchants: -paid,
      loans: disbursed - repaid,
    });
    // Invariant 2 beside it: this run's wallets and goals hold what came in minus what went out.
    expect(parseCents(after.wallets) + parseCents(after.goals) - parseCents(before.wallets) - parseCents(before.goals)).toBe(
      deposited - withdrawn - paid + disbursed - repaid,
    );

    // Every transfer ended, with one TRANSFER_OUT, and one TRANSFER_IN to the recipient or one reversal to the sender.
    const ended = new Map((await transferRows()).map((t) => [t.transfer_id, t.status]));
    for (const t of transfers) {
      const out = await ledgerFor(env, t.from).entriesFor(t.id);
      const into = await ledgerFor(env, t.to).entriesFor(t.id);
      const status = ended.get(t.id);
      expect(out.filter((e) => e.type === "TRANSFER_OUT").map((e) => e.amount)).toEqual([t.amount]);
      expect(into.map((e) => e.type)).toEqual(status === "COMPLETED" ? ["TRANSFER_IN"] : []);
      expect(out.filter((e) => e.type === "TRANSFER_IN")).toHaveLength(status === "REVERSED" ? 1 : 0);
      expect(["COMPLETED", "REVERSED"]).toContain(status);
    }

    const ours = new Set(wallets.map((w) => w.id));
    expect((await reconcile(env)).filter((d) => ours.has(d.wallet_id))).toEqual([]);
    return {
      seed,
      checkpoints,
      inFlightCheckpoints,
      transitCheckpoints,
      payments: paymentIds.length,
      transfers: transfers.length,
      loans: loans.length,
      repayments: repaymentIds.length,
      ...queue.stats,
    };
  } finally {
    queue.uninstall();
  }
}

describe("conservation under saga chaos (invariant 12)", () => {
  it.each(SEEDS)(
    "seed %i: the counterparty totals explain every cent at every checkpoint",
    async (seed) => {
      const report = await runConservationChaos(seed);
      console.info(JSON.stringify(report));
      expect(report.injectedFailures).toBeGreaterThan(0);
      expect(report.duplicated).toBeGreaterThan(0);
      expect(report.transfers).toBeGreaterThan(0);
    },
    60_000,
  );
});
