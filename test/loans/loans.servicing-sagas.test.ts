/**
 * Loan servicing (saga 7) under the failures a queue and a process can cause: lost, repeated and
 * failing deliveries, a crash right after a step, concurrent clock moves. Every message is captured
 * (`queueTap`) and delivered by the test, so each one can be dropped, repeated or failed on purpose.
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { consumerFaults, queueTap } from "../../workers/events";
import { sweeperFor } from "../../workers/lib/saga-sweep";
import { servicingFaults } from "../../workers/loans/loans.servicing";
import { api, createWallet, signup, signupAdmin, type TestUser } from "../helpers/api";
import { type Captured, deliver } from "../helpers/consumer";
import { applyFor } from "./loans-factories";

type Loan = Record<string, string> & { loan_id: string };
const captured: Captured[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => {
  queueTap.capture = undefined;
  consumerFaults.inject = undefined;
  servicingFaults.afterStep = undefined;
  captured.length = 0;
});

const capture = () => {
  queueTap.capture = (queue, body) => captured.push({ queue, body });
};

/** Delivers every captured message (and what they cause) until `done` holds; `drop` loses a message instead. */
async function settle(done: () => Promise<boolean>, drop: (c: Captured) => boolean = () => false, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const next = captured.shift();
    if (next) {
      if (!drop(next)) await deliver(next.queue, next.body);
      continue;
    }
    if (await done()) return;
    await sleep(20);
  }
  throw new Error(`did not settle; ${captured.length} captured`);
}

const getLoan = async (user: TestUser, loanId: string): Promise<Loan> => (await api(`/loan/${loanId}`, { token: user.token })).body.loan;

async function approvedLoan(user: TestUser, walletId: string, amount: string, months: number): Promise<Loan> {
  const admin = await signupAdmin();
  const loan = await applyFor(user, walletId, amount, months);
  expect((await api(`/loan/${loan.loan_id}/approve`, { token: admin.token, method: "POST" })).status).toBe(200);
  await settle(async () => (await getLoan(user, loan.loan_id)).disbursed_at !== null);
  return getLoan(user, loan.loan_id);
}

async function advance(days: number) {
  const admin = await signupAdmin();
  return api("/admin/clock/advance", { token: admin.token, body: { days } });
}

type RepaymentRecord = { repayment_id: string; status: string; source: string; installment: number | null; created_at: string };
const repaymentRows = async (loanId: string) =>
  (
    await env.DB.prepare(
      "SELECT repayment_id, status, source, installment, created_at FROM repayments WHERE loan_id = ? ORDER BY created_at",
    )
      .bind(loanId)
      .all<RepaymentRecord>()
  ).results;
const noPending = (loanId: string) => async () => (await repaymentRows(loanId)).every((r) => r.status !== "PENDING");

type InstallmentRecord = {
  installment: number;
  interest_cents: number;
  late_fee_cents: number;
  amount_due_cents: number;
  paid_cents: number;
};
const installments = async (loanId: string) =>
  (
    await env.DB.prepare(
      "SELECT installment, interest_cents, late_fee_cents, amount_due_cents, paid_cents FROM loan_installments WHERE loan_id = ? ORDER BY installment",
    )
      .bind(loanId)
      .all<InstallmentRecord>()
  ).results;

async function repaymentDebits(user: TestUser, walletId: string) {
  const res = await api(`/wallet/${walletId}/transactions?limit=100`, { token: user.token });
  return (res.body.transactions as { type: string; amount: string; reference_id: string }[]).filter((t) => t.type === "LOAN_REPAYMENT");
}

const isRepaymentRequest = (c: Captured) => c.body?.type === "LOAN_REPAYMENT_REQUESTED";

describe("loan servicing: lost messages", () => {
  it("a lost autopay request is re-driven by the saga sweep while the clock is ahead: the installment is paid once", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    capture();
    const loan = await approvedLoan(user, walletId, "300.00", 3);

    expect((await advance(31)).status).toBe(200);
    // Everything but the autopay request is delivered; the request is lost (a restart of a local queue).
    await settle(async () => captured.length === 0 && (await repaymentRows(loan.loan_id)).length === 1, isRepaymentRequest);
    const [pending] = await repaymentRows(loan.loan_id);
    expect(pending).toMatchObject({ status: "PENDING", source: "AUTOPAY", installment: 1 });
    // Stamped by the wall clock, as every D1 row the sweep ages: not 31 days ahead.
    expect(Math.abs(Date.parse(pending?.created_at ?? "") - Date.now())).toBeLessThan(60_000);

    expect((await sweeperFor(env).sweep({ redriveAfterMs: 0 })).redriven).toBeGreaterThanOrEqual(1);
    await settle(noPending(loan.loan_id));

    expect(await repaymentRows(loan.loan_id)).toEqual([
      expect.objectContaining({ status: "SUCCESSFUL", source: "AUTOPAY", installment: 1 }),
    ]);
    const [first] = await installments(loan.loan_id);
    expect(first).toMatchObject({ installment: 1, interest_cents: 200 });
    expect(first?.paid_cents).toBe(first?.amount_due_cents);
    expect(await repaymentDebits(user, walletId)).toHaveLength(1);
    expect(await getLoan(user, loan.loan_id)).toMatchObject({
      total_interest_charged: "2.00",
      interest_due: "0.00",
      delinquency: "CURRENT",
    });
    // Servicing no longer waits on it: the next advance goes straight on to installment 2.
    expect((await advance(31)).body.settled).toBe(true);
    await settle(noPending(loan.loan_id));
    expect((await repaymentRows(loan.loan_id)).map((r) => r.status)).toEqual(["SUCCESSFUL", "SUCCESSFUL"]);
    const admin = await signupAdmin();
    expect((await api("/admin/ledger", { token: admin.token })).body.difference).toBe("0.00");
  });
});
