/** Plain data exchanged with the WalletLedger over RPC. Amounts are integer cents. */

export const TRANSACTION_TYPES = [
  "DEPOSIT",
  "WITHDRAWAL",
  "LOAN_IN",
  "PAYMENT_OUT",
  "LOAN_REPAYMENT",
  "SAVINGS_ADD",
  "SAVINGS_REDEEM",
  "TRANSFER_OUT",
  "TRANSFER_IN",
  "REFUND",
  "ADJUSTMENT",
] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/**
 * The other side of a movement (API.md, "Double entry"): `funding`, `payouts`, `adjustments`,
 * `merchants`, `loan:{loan_id}`, `wallet:{wallet_id}` or `goal:{goal_id}`, and a name for people.
 */
export type Counterparty = { account: string; name: string };

export type WalletSnapshot = {
  wallet_id: string;
  user_id: string;
  name: string;
  /** Posted: what the entries add up to. */
  balance: number;
  /** Reserved by active holds. */
  held_balance: number;
  /** `balance - held_balance`: what every spending check reads. */
  available_balance: number;
  savings_balance: number;
  currency: string;
  created_at: string;
  updated_at: string;
};

export type LedgerTransaction = {
  transaction_id: string;
  wallet_id: string;
  type: TransactionType;
  direction: "CREDIT" | "DEBIT";
  amount: number;
  balance_after: number;
  description: string | null;
  counterparty: Counterparty;
  reference_id: string | null;
  created_at: string;
  /** SHA-256 (hex) of the previous entry's hash and this entry's canonical JSON (workers/domain/ledger-hash.ts). */
  hash: string;
};

/** The event envelope of API.md, as the ledger stores it in its outbox. */
export type LedgerEvent = {
  event_id: string;
  type: string;
  occurred_at: string;
  correlation_id: string;
  request_id: string;
  payload: Record<string, unknown>;
};

export type OutcomeEvent = { queue: "loan-events" | "payment-events"; event: LedgerEvent };

export type MoveRequest = {
  /** Unique per movement (payment id, loan id, repayment id, idempotency-derived id…). */
  transferId: string;
  /** The caller's user id, or null for the system (saga consumers act on behalf of the owner). */
  owner: string | null;
  amount: number;
  type: TransactionType;
  description?: string | null;
  /** The other side; when omitted, the one the type implies (DEPOSIT: funding, WITHDRAWAL: payouts, ...). */
  counterparty?: Counterparty;
  referenceId?: string | null;
  now: string;
  /**
   * Events written to the outbox in the same transaction as the outcome. With `reemitOnReplay`, a
   * replayed transfer id writes its stored outcome's event again (a saga re-driven after its first
   * outcome event was lost); outcome handlers apply it once.
   */
  events?: { onSuccess?: OutcomeEvent; onFailure?: OutcomeEvent; reemitOnReplay?: boolean };
};

export type RefusalCode =
  | "INSUFFICIENT_FUNDS"
  | "NOT_FOUND"
  | "TRANSFER_CONFLICT"
  | "INVALID_STATE"
  | "GOAL_NOT_REACHED"
  | "ABANDONED"
  | "CAPTURE_EXCEEDS_AUTHORIZED"
  | "REFUND_EXCEEDS_CAPTURED";

export type MoveOutcome =
  | { ok: true; wallet: WalletSnapshot; transaction: LedgerTransaction; replayed?: boolean }
  | { ok: false; code: RefusalCode; wallet?: WalletSnapshot; replayed?: boolean };

export type PocketView = { goal_id: string; amount: number; status: "ACTIVE" | "REDEEMED" | "CLOSED"; target: number; version: number };

export type PocketMoveRequest = {
  transferId: string;
  owner: string | null;
  goalId: string;
  amount?: number;
  description?: string | null;
  /** The goal's name, for the counterparty `goal:{goal_id}` of the entry. */
  goalName?: string;
  now: string;
};

export type PocketOutcome =
  | {
      ok: true;
      wallet: WalletSnapshot;
      pocket: PocketView;
      transaction: LedgerTransaction | null;
      released?: number;
      replayed?: boolean;
    }
  | { ok: false; code: RefusalCode; wallet?: WalletSnapshot; pocket?: PocketView; replayed?: boolean };

export type PocketRetargetOutcome =
  | { ok: true; pocket: PocketView }
  | { ok: false; code: "NOT_FOUND" | "INVALID_STATE" | "BELOW_CURRENT"; pocket?: PocketView };

export type ListTransactionsQuery = {
  limit: number;
  beforeSeq?: number;
  type?: TransactionType;
  referenceId?: string;
  /** Inclusive bounds on `created_at` (normalised ISO 8601 UTC). */
  from?: string;
  to?: string;
  /** Text in the description or the counterparty's name. */
  q?: string;
};

export type BalanceAsOf = { balance: number; as_of: string; transaction_id: string | null };

/**
 * A wallet's side of the conservation proof: its posted and held money, its pockets, and the net
 * each counterparty account has moved into it (credits minus debits), from the entries.
 */
export type LedgerTotals = { balance: number; held: number; pockets: number; accounts: { account: string; net: number }[] };

export type TransactionPage = { transactions: LedgerTransaction[]; nextSeq: number | null };

/** A hold: money of the posted balance reserved for one payment (its `reference_id`), ACTIVE until posted or released once. */
export type HoldView = {
  hold_id: string;
  reference_id: string;
  amount: number;
  /** Why the money is held (the merchant of a payment). */
  reason: string;
  status: "ACTIVE" | "POSTED" | "RELEASED";
  /** What a capture posted (0 unless POSTED). */
  captured: number;
  release_reason: "CANCELED" | "EXPIRED" | null;
  expires_at: string;
  created_at: string;
  settled_at: string | null;
};

export type PlaceHoldRequest = {
  /** Keys the placement: a redelivered request places the hold once (e.g. `hold:{payment_id}`). */
  transferId: string;
  owner: string | null;
  referenceId: string;
  amount: number;
  reason: string;
  expiresAt: string;
  now: string;
  events?: MoveRequest["events"];
  /** Written to the outbox when the hold expires (by the alarm or `expireHold`). */
  onExpire?: OutcomeEvent;
};

export type SettleHoldRequest = {
  referenceId: string;
  /** The "now" of the project's clock: a hold is due when `expires_at <= now`. */
  now: string;
  events?: { onSuccess?: OutcomeEvent };
} & ({ op: "capture"; amount?: number; transferId: string; description?: string | null } | { op: "cancel" } | { op: "expire" });

export type HoldOutcome =
  | { ok: true; wallet: WalletSnapshot; hold: HoldView; transaction: LedgerTransaction | null; replayed?: boolean }
  | { ok: false; code: RefusalCode; wallet?: WalletSnapshot; hold?: HoldView; replayed?: boolean };

export type RefundView = { refund_id: string; payment_id: string; amount: number; reason: string | null; created_at: string };

export type RefundRequest = {
  /** Keys the refund (e.g. `refund:{refund_id}`). */
  transferId: string;
  owner: string | null;
  refundId: string;
  paymentId: string;
  /** Omitted: whatever of the captured amount is not refunded yet. */
  amount?: number;
  reason?: string | null;
  now: string;
  events?: MoveRequest["events"];
};

export type RefundOutcome =
  | {
      ok: true;
      wallet: WalletSnapshot;
      refund: RefundView;
      /** The payment's refunded total, this refund included. */
      refunded: number;
      captured: number;
      transaction: LedgerTransaction;
      replayed?: boolean;
    }
  | { ok: false; code: RefusalCode; wallet?: WalletSnapshot; replayed?: boolean };

/** Any outcome of a keyed ledger effect. */
export type LedgerOutcome = MoveOutcome | PocketOutcome | HoldOutcome | RefundOutcome;
