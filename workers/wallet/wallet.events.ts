/**
 * The wallet's saga steps: each requested movement becomes one keyed ledger transfer whose outcome
 * event is written to the ledger's outbox in the same transaction. A duplicate or re-driven delivery
 * replays the stored outcome and moves no money; it writes the outcome event again (its first copy may
 * have been lost with a crash), which the outcome handlers apply once by business id.
 */
import type { LedgerOutcome, OutcomeEvent } from "../../durable-objects/wallet-ledger.types";
import { businessNow } from "../lib/clock";
import { type AppEvent, type EventOf, makeEvent, queueFor, type ServiceEvents } from "../lib/events";
import { ledgerFor } from "../lib/ledger";
import { parseAmount } from "../lib/money";

const cents = (amount: string) => {
  const parsed = parseAmount(amount, Number.MAX_SAFE_INTEGER);
  if (!parsed.ok) throw new Error(`invalid amount in event: ${amount}`);
  return parsed.cents;
};

/** A missing wallet is not a business outcome the saga can express: let the message retry and dead-letter. */
function assertRan(outcome: LedgerOutcome, what: string): void {
  if (!outcome.ok && (outcome.code === "NOT_FOUND" || outcome.code === "TRANSFER_CONFLICT")) {
    throw new Error(`${what}: ledger refused with ${outcome.code}`);
  }
}

/** An outcome event for the ledger's outbox, on the queue the registry gives its type. */
const outcomeOf = (event: AppEvent): OutcomeEvent => ({ queue: queueFor(event.type), event });

const paymentTransferId = (paymentId: string) => `payment:${paymentId}`;
const loanTransferId = (loanId: string) => `loan:${loanId}`;
const repaymentTransferId = (repaymentId: string) => `repayment:${repaymentId}`;

export async function onPaymentRequested(env: Env, event: EventOf<"PAYMENT_REQUESTED">): Promise<void> {
  const { payment_id, wallet_id } = event.payload;
  const merchant = event.payload.merchant ?? "Merchant";
  const context = { correlationId: event.correlation_id, requestId: event.request_id };
  if (event.payload.capture === "manual") return placePaymentHold(env, event, merchant, context);
  const outcome = await ledgerFor(env, wallet_id).debit({
    transferId: paymentTransferId(payment_id),
    owner: null,
    amount: cents(event.payload.amount),
    type: "PAYMENT_OUT",
    referenceId: payment_id,
    // API.md: a payment's transaction carries its merchant.
    description: merchant,
    counterparty: { account: "merchants", name: merchant },
    now: await businessNow(env),
    events: {
      // A replay (a re-driven request, or a retry after a crash past the effect) re-emits the outcome.
      reemitOnReplay: true,
      onSuccess: outcomeOf(makeEvent("PAYMENT_SUCCESSFUL", { payment_id, wallet_id, transaction_id: null }, context)),
      onFailure: outcomeOf(makeEvent("PAYMENT_FAILED", { payment_id, wallet_id, failure_reason: "INSUFFICIENT_FUNDS" }, context)),
    },
  });
  assertRan(outcome, `payment ${payment_id}`);
}

const holdTransferId = (paymentId: string) => `hold:${paymentId}`;

/** Manual capture: the payment's hold is placed once (keyed by the payment id) → PAYMENT_AUTHORIZED, or refused → PAYMENT_FAILED. */
async function placePaymentHold(
  env: Env,
  event: EventOf<"PAYMENT_REQUESTED">,
  merchant: string,
  context: { correlationId: string; requestId: string },
): Promise<void> {
  const { payment_id, wallet_id, authorization_expires_at } = event.payload;
  if (!authorization_expires_at) throw new Error(`payment ${payment_id}: a manual payment carries its authorization's expiry`);
  const outcome = await ledgerFor(env, wallet_id).placeHold({
    transferId: holdTransferId(payment_id),
    owner: null,
    referenceId: payment_id,
    amount: cents(event.payload.amount),
    reason: merchant,
    expiresAt: authorization_expires_at,
    now: await businessNow(env),
    events: {
      reemitOnReplay: true,
      onSuccess: outcomeOf(makeEvent("PAYMENT_AUTHORIZED", { payment_id, wallet_id }, context)),
      onFailure: outcomeOf(makeEvent("PAYMENT_FAILED", { payment_id, wallet_id, failure_reason: "INSUFFICIENT_FUNDS" }, context)),
    },
    onExpire: outcomeOf(makeEvent("PAYMENT_CANCELED", { payment_id, wallet_id, reason: "EXPIRED" }, context)),
  });
  assertRan(outcome, `payment ${payment_id}`);
}

export async function onLoanApproved(env: Env, event: EventOf<"LOAN_APPROVED">): Promise<void> {
  const { loan_id, wallet_id } = event.payload;
  const outcome = await ledgerFor(env, wallet_id).credit({
    transferId: loanTransferId(loan_id),
    owner: null,
    amount: cents(event.payload.amount),
    type: "LOAN_IN",
    referenceId: loan_id,
    description: "Loan disbursement",
    counterparty: { account: `loan:${loan_id}`, name: "Loan" },
    now: await businessNow(env),
    events: {
      // A replay (a re-driven request, or a retry after a crash past the effect) re-emits the outcome.
      reemitOnReplay: true,
      onSuccess: outcomeOf(
        makeEvent(
          "LOAN_DISBURSED",
          { loan_id, wallet_id, transaction_id: null },
          { correlationId: event.correlation_id, requestId: event.request_id },
        ),
      ),
    },
  });
  assertRan(outcome, `loan ${loan_id}`);
}

export async function onRepaymentRequested(env: Env, event: EventOf<"LOAN_REPAYMENT_REQUESTED">): Promise<void> {
  const { repayment_id, loan_id, wallet_id } = event.payload;
  const context = { correlationId: event.correlation_id, requestId: event.request_id };
  const outcome = await ledgerFor(env, wallet_id).debit({
    transferId: repaymentTransferId(repayment_id),
    owner: null,
    amount: cents(event.payload.amount),
    type: "LOAN_REPAYMENT",
    referenceId: repayment_id,
    description: "Loan repayment",
    counterparty: { account: `loan:${loan_id}`, name: "Loan" },
    now: await businessNow(env),
    events: {
      // A replay (a re-driven request, or a retry after a crash past the effect) re-emits the outcome.
      reemitOnReplay: true,
      onSuccess: outcomeOf(makeEvent("LOAN_REPAYMENT_SUCCESSFUL", { repayment_id, loan_id, wallet_id, transaction_id: null }, context)),
      onFailure: outcomeOf(
        makeEvent("LOAN_REPAYMENT_FAILED", { repayment_id, loan_id, wallet_id, failure_reason: "INSUFFICIENT_FUNDS" }, context),
      ),
    },
  });
  assertRan(outcome, `repayment ${repayment_id}`);
}

const transferCreditId = (transferId: string) => `transfer:${transferId}`;
const transferReversalId = (transferId: string) => `transfer-reversal:${transferId}`;

/** The recipient's side of a transfer: credited once, keyed by the transfer id; TRANSFER_COMPLETED follows from its outbox. */
export async function onTransferRequested(env: Env, event: EventOf<"TRANSFER_REQUESTED">): Promise<void> {
  const facts = event.payload;
  const context = { correlationId: event.correlation_id, requestId: event.request_id };
  const now = await businessNow(env);
  const outcome = await ledgerFor(env, facts.to_wallet_id).credit({
    transferId: transferCreditId(facts.transfer_id),
    owner: null,
    amount: cents(facts.amount),
    type: "TRANSFER_IN",
    referenceId: facts.transfer_id,
    description: facts.description ?? `From ${facts.sender_name}`,
    counterparty: { account: `wallet:${facts.from_wallet_id}`, name: facts.sender_name },
    now,
    events: {
      reemitOnReplay: true,
      // When the recipient was credited: the credit's own time.
      onSuccess: outcomeOf(makeEvent("TRANSFER_COMPLETED", { ...facts, completed_at: now }, context)),
    },
  });
  assertRan(outcome, `transfer ${facts.transfer_id}`);
}

/**
 * A TRANSFER_REQUESTED that dead-lettered: if the recipient was credited after all, the transfer is
 * COMPLETED; otherwise the credit is abandoned (a late delivery can never make it) and the sender is
 * credited back once, keyed by the transfer id → REVERSED.
 */
async function settleTransfer(env: Env, event: EventOf<"TRANSFER_REQUESTED">): Promise<AppEvent[]> {
  const facts = event.payload;
  const context = { correlationId: event.correlation_id, requestId: event.request_id };
  const credited = await abandonMovement(env, facts.to_wallet_id, transferCreditId(facts.transfer_id));
  if (credited.ok) return [makeEvent("TRANSFER_COMPLETED", { ...facts, completed_at: credited.transaction.created_at }, context)];
  const reversal = await ledgerFor(env, facts.from_wallet_id).credit({
    transferId: transferReversalId(facts.transfer_id),
    owner: null,
    amount: cents(facts.amount),
    type: "TRANSFER_IN",
    referenceId: facts.transfer_id,
    description: `Reversal: transfer to ${facts.recipient_name}`,
    counterparty: { account: `wallet:${facts.to_wallet_id}`, name: facts.recipient_name },
    now: await businessNow(env),
  });
  if (!reversal.ok) throw new Error(`transfer ${facts.transfer_id}: the reversal was refused with ${reversal.code}`);
  return [makeEvent("TRANSFER_REVERSED", { ...facts, completed_at: reversal.transaction.created_at }, context)];
}

/**
 * Settles a movement whose request dead-lettered: the stored outcome when the ledger did move the
 * money (its outcome event is on its way too), otherwise an abandoned transfer that never will.
 */
const abandonMovement = async (env: Env, walletId: string, transferId: string) =>
  ledgerFor(env, walletId).abandonTransfer(transferId, await businessNow(env));

/** A dead-lettered PAYMENT_REQUESTED ends as what the ledger did: debited, or a processing error. */
async function abandonPayment(env: Env, event: EventOf<"PAYMENT_REQUESTED">): Promise<AppEvent[]> {
  const { payment_id, wallet_id } = event.payload;
  const context = { correlationId: event.correlation_id, requestId: event.request_id };
  if (event.payload.capture === "manual") {
    // Placed after all: AUTHORIZED (its event is on its way too); otherwise it never will be.
    const placed = await abandonMovement(env, wallet_id, holdTransferId(payment_id));
    return [
      placed.ok
        ? makeEvent("PAYMENT_AUTHORIZED", { payment_id, wallet_id }, context)
        : makeEvent("PAYMENT_FAILED", { payment_id, wallet_id, failure_reason: "PROCESSING_ERROR" }, context),
    ];
  }
  const outcome = await abandonMovement(env, wallet_id, paymentTransferId(payment_id));
  return [
    outcome.ok
      ? makeEvent("PAYMENT_SUCCESSFUL", { payment_id, wallet_id, transaction_id: outcome.transaction.transaction_id }, context)
      : makeEvent("PAYMENT_FAILED", { payment_id, wallet_id, failure_reason: "PROCESSING_ERROR" }, context),
  ];
}

/** A dead-lettered LOAN_REPAYMENT_REQUESTED ends as what the ledger did: debited, or a processing error. */
async function abandonRepayment(env: Env, event: EventOf<"LOAN_REPAYMENT_REQUESTED">): Promise<AppEvent[]> {
  const { repayment_id, loan_id, wallet_id } = event.payload;
  const context = { correlationId: event.correlation_id, requestId: event.request_id };
  const outcome = await abandonMovement(env, wallet_id, repaymentTransferId(repayment_id));
  return [
    outcome.ok
      ? makeEvent(
          "LOAN_REPAYMENT_SUCCESSFUL",
          { repayment_id, loan_id, wallet_id, transaction_id: outcome.transaction.transaction_id },
          context,
        )
      : makeEvent("LOAN_REPAYMENT_FAILED", { repayment_id, loan_id, wallet_id, failure_reason: "PROCESSING_ERROR" }, context),
  ];
}

export const walletEvents: ServiceEvents = {
  subscribers: {
    // Keyed ledger transfers: a repeat replays the stored outcome and moves no money. The sagas that
    // run at volume skip the inbox; a loan's disbursement (once per approval) keeps it, so a repeat
    // is not even replayed.
    PAYMENT_REQUESTED: [{ name: "wallet.payment-debit", handle: onPaymentRequested, keyed: true }],
    LOAN_APPROVED: [{ name: "wallet.loan-credit", handle: onLoanApproved }],
    LOAN_REPAYMENT_REQUESTED: [{ name: "wallet.repayment-debit", handle: onRepaymentRequested, keyed: true }],
    TRANSFER_REQUESTED: [{ name: "wallet.transfer-credit", handle: onTransferRequested, keyed: true }],
  },
  // A dead-lettered LOAN_APPROVED is left for an admin's replay: the credit is still owed.
  deadLetters: { PAYMENT_REQUESTED: abandonPayment, LOAN_REPAYMENT_REQUESTED: abandonRepayment, TRANSFER_REQUESTED: settleTransfer },
};
