/**
 * Compares what D1 says happened (payments, repayments, disbursed loans, transfers, goal amounts) with
 * what the wallet ledgers hold, wallet by wallet, and lists every difference. Sagas in flight are not
 * differences, but stuck ones are: a saga still unfinished after STUCK_AFTER_SECONDS (`STUCK`), and
 * an unfinished saga whose ledger side already happened, once older than the re-drive timeout (so a
 * saga mid-flight under load is no false alarm): a PENDING payment or repayment with its debit, an
 * approved loan with its LOAN_IN but no `disbursed_at`, a PENDING transfer already credited or
 * reversed. Every saga entry must also name the right counterparty (`COUNTERPARTY`): a payment
 * `merchants`, a loan and its repayments `loan:{loan_id}`, a goal's moves `goal:{goal_id}`, a
 * transfer's entries the other wallet; otherwise the conservation proof would credit the wrong account.
 */
import { eq } from "drizzle-orm";
import { formatCents } from "../domain/money";
import { clockNow } from "../lib/clock";
import { createDb } from "../lib/db";
import { ledgerFor } from "../lib/ledger";
import { redriveAfterMs, stuckAfterMs } from "../lib/saga-sweep";
import { loans, payments, refunds, repayments, savingsGoals, transfers, wallets } from "../lib/schema";

export type Difference = { kind: string; wallet_id: string; reference_id: string | null; message: string };

const CONCURRENCY = 8;

export async function reconcile(env: Env): Promise<Difference[]> {
  const db = createDb(env.DB);
  const walletIds = (await db.select({ id: wallets.walletId }).from(wallets)).map((w) => w.id);
  const differences: Difference[] = [];
  for (let i = 0; i < walletIds.length; i += CONCURRENCY) {
    const chunk = walletIds.slice(i, i + CONCURRENCY);
    for (const found of await Promise.all(chunk.map((id) => reconcileWallet(env, id)))) differences.push(...found);
  }
  return differences;
}

async function reconcileWallet(env: Env, walletId: string): Promise<Difference[]> {
  const db = createDb(env.DB);
  const ledger = ledgerFor(env, walletId);
  const [audit, split, walletPayments, walletRepayments, walletLoans, goals, heldAndRefunded, walletRefunds, sent, received] =
    await Promise.all([
      ledger.audit(),
      ledger.sagaEntriesByCounterparty(),
      db.select().from(payments).where(eq(payments.walletId, walletId)),
      db.select().from(repayments).where(eq(repayments.walletId, walletId)),
      db.select().from(loans).where(eq(loans.walletId, walletId)),
      db.select().from(savingsGoals).where(eq(savingsGoals.walletId, walletId)),
      ledger.holdsAndRefunds(),
      db.select().from(refunds).where(eq(refunds.walletId, walletId)),
      db.select().from(transfers).where(eq(transfers.fromWalletId, walletId)),
      db.select().from(transfers).where(eq(transfers.toWalletId, walletId)),
    ]);
  const out: Difference[] = [];
  const diff = (kind: string, reference: string | null, message: string) =>
    out.push({ kind, wallet_id: walletId, reference_id: reference, message });
  if (!audit) {
    diff("LEDGER_MISSING", null, "D1 lists this wallet but its ledger was never opened");
    return out;
  }
  if (audit.balance !== audit.entriesNet) {
    diff("LEDGER_BALANCE", null, `balance ${formatCents(audit.balance)} != sum of entries ${formatCents(audit.entriesNet)}`);
  }
  if (audit.held !== audit.heldByHolds) {
    diff("LEDGER_HELD", null, `held ${formatCents(audit.held)} != active holds ${formatCents(audit.heldByHolds)}`);
  }
  if (audit.pockets !== audit.pocketsFromEntries) {
    diff("LEDGER_POCKETS", null, `pockets ${formatCents(audit.pockets)} != savings entries ${formatCents(audit.pocketsFromEntries)}`);
  }

  // One saga entry per type and reference, with every counterparty account its rows name.
  const entry = new Map<string, { type: string; reference_id: string; amount: number; count: number; accounts: string[] }>();
  for (const e of split) {
    const key = `${e.type}:${e.reference_id}`;
    const seen = entry.get(key);
    if (seen) {
      seen.amount += e.amount;
      seen.count += e.count;
      seen.accounts.push(e.counterparty_account);
    } else {
      entry.set(key, { type: e.type, reference_id: e.reference_id, amount: e.amount, count: e.count, accounts: [e.counterparty_account] });
    }
  }
  const expectAccount = (type: string, id: string, account: string) => {
    const found = entry.get(`${type}:${id}`);
    const wrong = found?.accounts.filter((a) => a !== account) ?? [];
    if (wrong.length > 0) diff("COUNTERPARTY", id, `${type} entries name ${wrong.join(", ")}, expected ${account}`);
  };
  const now = Date.now();
  const stuckMs = stuckAfterMs(env);
  const redriveMs = redriveAfterMs(env);
  const age = (iso: string) => now - Date.parse(iso);
  /** `moved` null: the saga is unfinished since `since`. */
  const expectMoved = (kind: string, type: string, id: string, account: string, amount: number, moved: boolean | null, since: string) => {
    expectAccount(type, id, account);
    const found = entry.get(`${type}:${id}`);
    entry.delete(`${type}:${id}`);
    if (moved === null) {
      const unfinished = kind === "LOAN" ? "approved but not disbursed" : "PENDING";
      if (found && age(since) >= redriveMs) {
        diff(kind, id, `D1 says ${unfinished} but the ledger has ${found.count} ${type} entries for ${formatCents(found.amount)}`);
      } else if (age(since) >= stuckMs) {
        diff("STUCK", id, `${kind.toLowerCase()} ${unfinished} since ${since} (over ${stuckMs / 1000} s)`);
      }
      return;
    }
    if (moved && !found) diff(kind, id, `D1 says it succeeded but the ledger has no ${type} entry`);
    if (moved && found && (found.count !== 1 || found.amount !== amount)) {
      diff(kind, id, `ledger has ${found.count} ${type} entries for ${formatCents(found.amount)}, D1 says one of ${formatCents(amount)}`);
    }
    if (!moved && found) diff(kind, id, `D1 says it did not happen but the ledger has ${found.count} ${type} entries`);
  };
  const holds = new Map(heldAndRefunded.holds.map((h) => [h.reference_id, h]));
  for (const p of walletPayments) {
    if (p.capture === "manual") {
      reconcileManual(p, holds.get(p.paymentId));
      continue;
    }
    expectMoved(
      "PAYMENT",
      "PAYMENT_OUT",
      p.paymentId,
      "merchants",
      p.amountCents,
      p.status === "PENDING" ? null : p.status === "SUCCESSFUL",
      p.createdAt,
    );
  }
  /**
   * A manual payment: AUTHORIZED needs its hold ACTIVE, SUCCESSFUL one PAYMENT_OUT of what it captured
   * (its hold POSTED), CANCELED its hold RELEASED and no PAYMENT_OUT. The ledger decides first and D1
   * follows, so a hold settled a moment ago is not a difference until the re-drive timeout has passed.
   */
  function reconcileManual(p: (typeof walletPayments)[number], hold: { status: string; captured: number } | undefined) {
    const settled = age(p.updatedAt) >= redriveMs;
    const expectHold = (status: string) => {
      if (!hold) diff("HOLD_MISSING", p.paymentId, `D1 says ${p.status} but the ledger has no hold for it`);
      else if (hold.status !== status && settled) diff("HOLD", p.paymentId, `D1 says ${p.status} but the hold is ${hold.status}`);
    };
    if (p.status === "PENDING") {
      if (hold && age(p.createdAt) >= redriveMs) diff("PAYMENT", p.paymentId, `D1 says PENDING but the ledger holds it (${hold.status})`);
      expectMoved("PAYMENT", "PAYMENT_OUT", p.paymentId, "merchants", 0, null, p.createdAt);
      return;
    }
    if (p.status === "AUTHORIZED") expectHold("ACTIVE");
    if (p.status === "SUCCESSFUL") expectHold("POSTED");
    if (p.status === "CANCELED") expectHold("RELEASED");
    if (p.status === "FAILED" && hold) diff("HOLD", p.paymentId, `D1 says FAILED but the ledger has a hold (${hold.status})`);
    expectMoved("PAYMENT", "PAYMENT_OUT", p.paymentId, "merchants", p.capturedAmountCents ?? 0, p.status === "SUCCESSFUL", p.createdAt);
  }
  // Refunds: each one D1 mirrors is in the ledger, one REFUND credit from merchants of its amount, and
  // each payment's refunded total is the ledger's.
  const ledgerRefunds = new Map(heldAndRefunded.refunds.map((r) => [r.refund_id, r]));
  for (const r of walletRefunds) {
    const inLedger = ledgerRefunds.get(r.refundId);
    if (!inLedger || inLedger.amount !== r.amountCents || inLedger.payment_id !== r.paymentId) {
      diff("REFUND", r.refundId, `D1 records a refund of ${formatCents(r.amountCents)} the ledger does not have`);
    }
    expectMoved("REFUND", "REFUND", r.refundId, "merchants", r.amountCents, true, r.createdAt);
    ledgerRefunds.delete(r.refundId);
  }
  // The ledger's refund is stamped by the clock that stamps ledger entries: aged on that clock.
  let ledgerNow: number | undefined;
  for (const r of ledgerRefunds.values()) {
    entry.delete(`REFUND:${r.refund_id}`);
    ledgerNow ??= (await clockNow(env)).getTime();
    if (ledgerNow - Date.parse(r.created_at) >= redriveMs) {
      diff("REFUND", r.refund_id, `the ledger refunded ${formatCents(r.amount)} that D1 does not record`);
    }
  }
  for (const p of walletPayments) {
    const total = heldAndRefunded.refunds.filter((r) => r.payment_id === p.paymentId).reduce((sum, r) => sum + r.amount, 0);
    if (total !== p.refundedAmountCents && age(p.updatedAt) >= redriveMs) {
      diff("REFUND", p.paymentId, `D1 says ${formatCents(p.refundedAmountCents)} refunded, the ledger ${formatCents(total)}`);
    }
  }
  for (const r of walletRepayments) {
    expectMoved(
      "REPAYMENT",
      "LOAN_REPAYMENT",
      r.repaymentId,
      `loan:${r.loanId}`,
      r.amountCents,
      r.status === "PENDING" ? null : r.status === "SUCCESSFUL",
      r.createdAt,
    );
  }
  for (const l of walletLoans) {
    const moved = l.disbursedAt !== null ? true : l.status === "PENDING" || l.status === "REJECTED" ? false : null;
    expectMoved("LOAN", "LOAN_IN", l.loanId, `loan:${l.loanId}`, l.amountCents, moved, l.updatedAt);
    const repaid = walletRepayments
      .filter((r) => r.loanId === l.loanId && r.status === "SUCCESSFUL")
      .reduce((s, r) => s + r.amountCents, 0);
    // What the loan's books say is owed: nothing once rejected; otherwise the principal plus every
    // interest charge and fee so far, less what the ledger took in successful repayments. And the
    // remaining balance is always its parts (principal + interest due + fees due).
    const owed = l.status === "REJECTED" ? 0 : l.amountCents + l.totalInterestChargedCents + l.totalFeesChargedCents - repaid;
    const parts = l.outstandingPrincipalCents + l.interestDueCents + l.feesDueCents;
    if (l.remainingBalanceCents !== owed) {
      diff(
        "LOAN_BALANCE",
        l.loanId,
        `remaining ${formatCents(l.remainingBalanceCents)} != amount + interest and fees charged − successful repayments ${formatCents(owed)}`,
      );
    } else if (l.remainingBalanceCents !== parts) {
      diff(
        "LOAN_BALANCE",
        l.loanId,
        `remaining ${formatCents(l.remainingBalanceCents)} != principal + interest due + fees due ${formatCents(parts)}`,
      );
    }
  }
  /**
   * One side of a transfer: `expected` true for exactly one entry of its amount, false for none, null
   * while PENDING (none yet, or one that landed a moment ago and whose outcome is on its way). True
   * when a PENDING transfer's entry is older than the re-drive timeout: the ledger is ahead of D1.
   */
  const expectTransferEntry = (t: (typeof sent)[number], type: string, account: string, what: string, expected: boolean | null) => {
    const id = t.transferId;
    expectAccount(type, id, account);
    const found = entry.get(`${type}:${id}`);
    entry.delete(`${type}:${id}`);
    if (expected === null) {
      const ahead = found !== undefined && age(t.createdAt) >= redriveMs;
      if (ahead) diff("TRANSFER", id, `D1 says PENDING but the ledger has ${found.count} ${what} for ${formatCents(found.amount)}`);
      return ahead;
    }
    if (expected && !found) diff("TRANSFER", id, `D1 says ${t.status} but the ledger has no ${what}`);
    if (expected && found && (found.count !== 1 || found.amount !== t.amountCents)) {
      diff(
        "TRANSFER",
        id,
        `ledger has ${found.count} ${what} for ${formatCents(found.amount)}, D1 says one of ${formatCents(t.amountCents)}`,
      );
    }
    if (!expected && found) diff("TRANSFER", id, `D1 says ${t.status} but the ledger has ${found.count} ${what}`);
    return false;
  };
  // The sender's ledger has the TRANSFER_OUT of every transfer D1 records (the debit comes before the
  // record), and the reversal (a TRANSFER_IN back) once REVERSED; the recipient's ledger has the
  // TRANSFER_IN once COMPLETED, and never one of a REVERSED transfer. A stuck one is reported once, on
  // the sender, whose money it holds.
  for (const t of sent) {
    const pending = t.status === "PENDING";
    expectTransferEntry(t, "TRANSFER_OUT", `wallet:${t.toWalletId}`, "TRANSFER_OUT entries", true);
    const ahead = expectTransferEntry(
      t,
      "TRANSFER_IN",
      `wallet:${t.toWalletId}`,
      "reversal entries (TRANSFER_IN)",
      pending ? null : t.status === "REVERSED",
    );
    if (pending && !ahead && age(t.createdAt) >= stuckMs) {
      diff("STUCK", t.transferId, `transfer PENDING since ${t.createdAt} (over ${stuckMs / 1000} s)`);
    }
  }
  for (const t of received) {
    const expected = t.status === "PENDING" ? null : t.status === "COMPLETED";
    expectTransferEntry(t, "TRANSFER_IN", `wallet:${t.fromWalletId}`, "TRANSFER_IN entries", expected);
  }
  for (const g of goals) {
    const pocket = await ledger.getPocket(null, g.goalId);
    const inLedger = pocket?.amount ?? 0;
    if (g.status !== "DELETED" && inLedger !== g.currentCents) {
      diff("GOAL", g.goalId, `D1 mirrors ${formatCents(g.currentCents)} but the pocket holds ${formatCents(inLedger)}`);
    }
    expectAccount("SAVINGS_ADD", g.goalId, `goal:${g.goalId}`);
    expectAccount("SAVINGS_REDEEM", g.goalId, `goal:${g.goalId}`);
    entry.delete(`SAVINGS_ADD:${g.goalId}`);
    entry.delete(`SAVINGS_REDEEM:${g.goalId}`);
  }
  for (const [key, e] of entry) {
    if (e.type === "PAYMENT_OUT" || e.type === "LOAN_REPAYMENT" || e.type === "LOAN_IN" || e.type === "REFUND") {
      diff("ORPHAN_ENTRY", e.reference_id, `ledger has ${key} with no matching record in D1`);
    }
    // A transfer's debit is made before its record is written (and a crash between the two leaves the
    // saga to record it): an orphan only once older than the re-drive timeout, by the clock that
    // stamps ledger entries.
    if (e.type === "TRANSFER_OUT" || e.type === "TRANSFER_IN") {
      const first = (await ledger.entriesFor(e.reference_id)).find((x) => x.type === e.type);
      ledgerNow ??= (await clockNow(env)).getTime();
      if (!first || ledgerNow - Date.parse(first.created_at) >= redriveMs) {
        diff("ORPHAN_ENTRY", e.reference_id, `ledger has ${key} with no matching record in D1`);
      }
    }
  }
  return out;
}
