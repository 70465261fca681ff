/**
 * Loan servicing (saga 7) under the failures a queue and a process can cause: lost, repeated and
 * failing deliveries, a crash right after a step, concurrent clock moves. Messages are captured
 * (`queueTap`) and delivered by the test, so each one can be dropped, repeated or failed on purpose
 * (the concurrent advances run on the real queues). The clock is this file's: every test's loans are
 * serviced by every later advance, so each test leaves nothing undelivered.
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { periodInterest } from "../../workers/domain/loan-servicing";
import { DUE_WORK } from "../../workers/due-work";
import { consumerFaults, queueTap } from "../../workers/events";
import { clockNow } from "../../workers/lib/clock";
import { runDueWorkUntilDone } from "../../workers/lib/due-work";
import { ledgerFor } from "../../workers/lib/ledger";
import { sweepOutbox } from "../../workers/lib/outbox";
import { sweeperFor } from "../../workers/lib/saga-sweep";
import { servicingFaults } from "../../workers/loans/loans.servicing";
import { api, createWallet, signup, signupAdmin, type TestUser } from "../helpers/api";
import { type Captured, deliver, deliverBatch } from "../helpers/consumer";
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

type Keep = (c: Captured) => boolean;
const deliverAll: Keep = () => false;

/**
 * Delivers the next captured message, if any: one the consumer did not ack is delivered again later,
 * as the queue would retry it; one `keep` picks is handed to it instead (kept aside, or lost).
 */
async function deliverNext(keep: Keep): Promise<boolean> {
  const next = captured.shift();
  if (!next) return false;
  if (!keep(next) && !(await deliver(next.queue, next.body))) captured.push(next);
  return true;
}

/** Delivers every captured message (and what they cause) until `done` holds. */
async function settle(done: () => Promise<boolean>, keep: Keep = deliverAll, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await deliverNext(keep)) continue;
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

/**
 * Moves the clock. While capturing, messages are delivered as the advance runs (it waits for autopay
 * debits that a later due step needs), every loan of this file included, `keep` excepted.
 */
async function advance(days: number, keep: Keep = deliverAll) {
  const admin = await signupAdmin();
  let running = true;
  const pump = (async () => {
    while (running) if (!(await deliverNext(keep))) await sleep(5);
  })();
  try {
    return await api("/admin/clock/advance", { token: admin.token, body: { days } });
  } finally {
    running = false;
    await pump;
  }
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
  principal_before_cents: number;
  interest_cents: number;
  late_fee_cents: number;
  amount_due_cents: number;
  paid_cents: number;
};
const installments = async (loanId: string) =>
  (
    await env.DB.prepare(
      `SELECT installment, principal_before_cents, interest_cents, late_fee_cents, amount_due_cents, paid_cents
       FROM loan_installments WHERE loan_id = ? ORDER BY installment`,
    )
      .bind(loanId)
      .all<InstallmentRecord>()
  ).results;

async function repaymentDebits(user: TestUser, walletId: string) {
  const res = await api(`/wallet/${walletId}/transactions?limit=100`, { token: user.token });
  return (res.body.transactions as { type: string; amount: string; reference_id: string }[]).filter((t) => t.type === "LOAN_REPAYMENT");
}

const isRepaymentRequest = (c: Captured) => c.body?.type === "LOAN_REPAYMENT_REQUESTED";

type LoanRecord = {
  amount_cents: number;
  interest_rate_bp: number;
  remaining_balance_cents: number;
  total_interest_charged_cents: number;
  total_fees_charged_cents: number;
  installments_charged: number;
};

/**
 * What every failure must leave: interest charged once per installment (on the principal it met),
 * at most one late fee each, one AUTOPAY repayment per installment, one LOAN_REPAYMENT debit per
 * successful repayment (none for a failed one), the loan's books adding up, and the conservation
 * proof at 0.00.
 */
async function expectChargedOnce(walletId: string, loanId: string, { lateFees }: { lateFees?: number } = {}) {
  const loan = (await env.DB.prepare("SELECT * FROM loans WHERE loan_id = ?").bind(loanId).first<LoanRecord>())!;
  const charged = await installments(loanId);
  expect(charged.map((i) => i.installment)).toEqual(Array.from({ length: loan.installments_charged }, (_, n) => n + 1));
  for (const i of charged) expect(i.interest_cents).toBe(periodInterest(i.principal_before_cents, loan.interest_rate_bp));
  expect(loan.total_interest_charged_cents).toBe(charged.reduce((sum, i) => sum + i.interest_cents, 0));
  expect(charged.every((i) => i.late_fee_cents === 0 || i.late_fee_cents === 1000)).toBe(true);
  expect(loan.total_fees_charged_cents).toBe(charged.reduce((sum, i) => sum + i.late_fee_cents, 0));
  if (lateFees !== undefined) expect(loan.total_fees_charged_cents).toBe(lateFees * 1000);

  const repayments = await repaymentRows(loanId);
  const autopay = repayments.filter((r) => r.source === "AUTOPAY").map((r) => r.installment);
  expect(autopay.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(charged.map((i) => i.installment));
  const ledger = ledgerFor(env, walletId);
  let repaid = 0;
  for (const r of repayments) {
    const debits = (await ledger.entriesFor(r.repayment_id)).filter((e) => e.type === "LOAN_REPAYMENT");
    expect(debits, `debits of ${r.repayment_id}`).toHaveLength(r.status === "SUCCESSFUL" ? 1 : 0);
    repaid += debits.reduce((sum, e) => sum + e.amount, 0);
  }
  expect(loan.amount_cents + loan.total_interest_charged_cents + loan.total_fees_charged_cents).toBe(repaid + loan.remaining_balance_cents);
  const admin = await signupAdmin();
  expect((await api("/admin/ledger", { token: admin.token })).body.difference).toBe("0.00");
}

/** Makes the wallet's repayment debit of this loan throw once, before or after its effect; returns a counter. */
function failDebitOnce(loanId: string, point: "before" | "after") {
  let failed = 0;
  consumerFaults.inject = (at, subscriber, event) => {
    const payload = (event as unknown as { payload?: { loan_id?: string } }).payload;
    if (at === point && subscriber === "wallet.repayment-debit" && payload?.loan_id === loanId && failed === 0) {
      failed++;
      throw new Error(`injected consumer failure (${point})`);
    }
  };
  return () => failed;
}

describe("loan servicing: lost messages", () => {
  it("a lost autopay request is re-driven by the saga sweep while the clock is ahead: the installment is paid once", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    capture();
    const loan = await approvedLoan(user, walletId, "300.00", 3);

    // Everything but the autopay request is delivered; the request is lost (a restart of a local queue).
    const lost = (c: Captured) => isRepaymentRequest(c) && c.body.payload.loan_id === loan.loan_id;
    expect((await advance(31, lost)).status).toBe(200);
    await settle(async () => captured.length === 0 && (await repaymentRows(loan.loan_id)).length === 1, lost);
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
    await expectChargedOnce(walletId, loan.loan_id);
    expect(await getLoan(user, loan.loan_id)).toMatchObject({
      total_interest_charged: "2.00",
      interest_due: "0.00",
      delinquency: "CURRENT",
    });
    // Servicing no longer waits on it: the next advance goes straight on to installment 2.
    expect((await advance(31)).body.settled).toBe(true);
    await settle(noPending(loan.loan_id));
    expect((await repaymentRows(loan.loan_id)).map((r) => r.status)).toEqual(["SUCCESSFUL", "SUCCESSFUL"]);
    await expectChargedOnce(walletId, loan.loan_id, { lateFees: 0 });
  });
});

describe("loan servicing: failing and repeated deliveries", () => {
  for (const point of ["before", "after"] as const) {
    it(`the wallet's autopay debit throws once ${point} its effect: retried, the installment is debited and applied once`, async () => {
      const user = await signup();
      const walletId = await createWallet(user, 10_000);
      capture();
      const loan = await approvedLoan(user, walletId, "600.00", 6);
      const failures = failDebitOnce(loan.loan_id, point);
      expect((await advance(31)).status).toBe(200);
      await settle(async () => (await repaymentRows(loan.loan_id)).length === 1 && (await noPending(loan.loan_id)()));
      expect(failures()).toBe(1);
      expect(await repaymentRows(loan.loan_id)).toEqual([
        expect.objectContaining({ status: "SUCCESSFUL", source: "AUTOPAY", installment: 1 }),
      ]);
      const [first] = await installments(loan.loan_id);
      expect(first).toMatchObject({ interest_cents: 400, amount_due_cents: 10_235, paid_cents: 10_235 });
      expect(await repaymentDebits(user, walletId)).toEqual([expect.objectContaining({ amount: "102.35" })]);
      expect(await getLoan(user, loan.loan_id)).toMatchObject({ interest_due: "0.00", outstanding_principal: "501.65" });
      await expectChargedOnce(walletId, loan.loan_id, { lateFees: 0 });
    });
  }

  it("LOAN_REPAYMENT_SUCCESSFUL delivered twice at once and once more later: the loan's books are lowered once", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    capture();
    const loan = await approvedLoan(user, walletId, "600.00", 6);
    // Everything is delivered but the outcome, which is kept aside to be delivered by hand.
    let outcome: Captured | undefined;
    const keepOutcome = (c: Captured) => {
      if (c.body?.type !== "LOAN_REPAYMENT_SUCCESSFUL" || c.body.payload?.loan_id !== loan.loan_id) return false;
      outcome = c;
      return true;
    };
    expect((await advance(31, keepOutcome)).status).toBe(200);
    await settle(async () => outcome !== undefined, keepOutcome);
    expect(await getLoan(user, loan.loan_id)).toMatchObject({ interest_due: "4.00", outstanding_principal: "600.00" });
    // Two copies in one batch run concurrently, then a third, later.
    const batch = await deliverBatch(outcome!.queue, [outcome!.body, outcome!.body]);
    expect(batch.acked).toHaveLength(2);
    expect(await deliver(outcome!.queue, outcome!.body)).toBe(true);
    await settle(async () => true);
    // 102.35 applied once: 4.00 of interest, 98.35 of principal.
    expect(await getLoan(user, loan.loan_id)).toMatchObject({
      interest_due: "0.00",
      outstanding_principal: "501.65",
      remaining_balance: "501.65",
    });
    const [first] = await installments(loan.loan_id);
    expect(first).toMatchObject({ amount_due_cents: 10_235, paid_cents: 10_235 });
    const [repayment] = (
      await env.DB.prepare("SELECT status, interest_paid_cents, principal_paid_cents FROM repayments WHERE loan_id = ?")
        .bind(loan.loan_id)
        .all()
    ).results;
    expect(repayment).toEqual({ status: "SUCCESSFUL", interest_paid_cents: 400, principal_paid_cents: 9_835 });
    await expectChargedOnce(walletId, loan.loan_id, { lateFees: 0 });
  });
});

describe("loan servicing: concurrent advances and crashes", () => {
  it("two clock advances sent at once: each due date is serviced once, whichever run gets there", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    capture();
    const loan = await approvedLoan(user, walletId, "600.00", 6);
    // Real deliveries from here: each advance waits for the autopay its due work requests.
    queueTap.capture = undefined;
    const start = await clockNow(env);
    const [a, b] = await Promise.all([advance(31), advance(31)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await clockNow(env)).getTime() - start.getTime()).toBeGreaterThanOrEqual(62 * 86_400_000 - 60_000);
    await expect.poll(noPending(loan.loan_id), { timeout: 10_000 }).toBe(true);
    const charged = await installments(loan.loan_id);
    expect(charged.map((i) => i.installment)).toEqual([1, 2]);
    expect(charged.every((i) => i.paid_cents === i.amount_due_cents)).toBe(true);
    expect((await repaymentRows(loan.loan_id)).map((r) => [r.installment, r.status])).toEqual([
      [1, "SUCCESSFUL"],
      [2, "SUCCESSFUL"],
    ]);
    expect(await repaymentDebits(user, walletId)).toHaveLength(2);
    await expectChargedOnce(walletId, loan.loan_id, { lateFees: 0 });
  });

  it("a servicing run that crashes right after a late fee, and two runs after it: the fee is charged once, its event recorded once", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    capture();
    const loan = await approvedLoan(user, walletId, "300.00", 3);
    // The loan is spent elsewhere, so the autopay debit is refused and the installment stays unpaid.
    expect((await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "300.00" } })).status).toBe(200);
    expect((await advance(31)).status).toBe(200);
    await settle(async () => (await repaymentRows(loan.loan_id)).length === 1 && (await noPending(loan.loan_id)()));
    expect((await repaymentRows(loan.loan_id)).map((r) => r.status)).toEqual(["FAILED"]);

    let crashes = 0;
    servicingFaults.afterStep = (loanId, step) => {
      if (loanId === loan.loan_id && step.kind === "late-fee" && crashes++ === 0) throw new Error("injected crash after a late fee");
    };
    expect((await advance(6)).status).toBe(500);
    servicingFaults.afterStep = undefined;
    expect(crashes).toBe(1);
    // The fee committed but its business event's outbox row was not sent; the next runs (two crons at once) go on.
    const now = await clockNow(env);
    await Promise.all([runDueWorkUntilDone(env, now, DUE_WORK), runDueWorkUntilDone(env, now, DUE_WORK)]);
    expect(await getLoan(user, loan.loan_id)).toMatchObject({ fees_due: "10.00", total_fees_charged: "10.00", delinquency: "LATE" });
    expect((await installments(loan.loan_id))[0]).toMatchObject({ installment: 1, late_fee_cents: 1000, paid_cents: 0 });
    const feeEvents = async () =>
      (
        (await api("/events?type=loan.late_fee_charged&limit=100", { token: user.token })).body.events as { data: { loan_id: string } }[]
      ).filter((e) => e.data.loan_id === loan.loan_id).length;
    await sweepOutbox(env, 0);
    await settle(async () => (await feeEvents()) === 1);
    // A second sweep, and the step's event delivered again, record nothing more.
    await sweepOutbox(env, 0);
    await sleep(100);
    await settle(async () => true);
    expect(await feeEvents()).toBe(1);
    expect(await repaymentDebits(user, walletId)).toHaveLength(0);
    await expectChargedOnce(walletId, loan.loan_id, { lateFees: 1 });
  });
});
