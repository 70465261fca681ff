/**
 * The D1 schema, one table group per owning service (see DESIGN.md "Who owns what"). Money columns
 * are integer cents and carry the `_cents` suffix; rates are integer basis points (`_bp`).
 * Migrations in migrations/ are generated from this file by drizzle-kit and reviewed by hand.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// ---- auth
export const users = sqliteTable(
  "users",
  {
    userId: text("user_id").primaryKey(),
    email: text("email").notNull(),
    name: text("name"),
    passwordHash: text("password_hash").notNull(),
    createdAt: text("created_at").notNull(),
    /** Read on every request; granted out of band outside local development (scripts/admin.mjs). */
    role: text("role", { enum: ["customer", "admin"] })
      .notNull()
      .default("customer"),
    /** Base32 TOTP secret while two-factor sign-in is on; null when off. */
    totpSecret: text("totp_secret"),
    /** A secret from /2fa/setup awaiting its first code. */
    totpPendingSecret: text("totp_pending_secret"),
    /** The last accepted TOTP time step: a code of that step or earlier is never accepted again. */
    totpLastStep: integer("totp_last_step"),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email)],
);

/** One row per sign-in; every token names its session (`sid`), and a revoked session's token is refused. */
export const sessions = sqliteTable(
  "sessions",
  {
    sessionId: text("session_id").primaryKey(),
    userId: text("user_id").notNull(),
    createdAt: text("created_at").notNull(),
    lastSeenAt: text("last_seen_at").notNull(),
    userAgent: text("user_agent"),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("sessions_by_user").on(t.userId, t.createdAt)],
);

// ---- wallet (the index of wallets; every balance lives in the wallet's Durable Object)
export const wallets = sqliteTable(
  "wallets",
  {
    walletId: text("wallet_id").primaryKey(),
    userId: text("user_id").notNull(),
    currency: text("currency").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("wallets_by_user").on(t.userId, t.createdAt)],
);

// ---- loans
export const loans = sqliteTable(
  "loans",
  {
    loanId: text("loan_id").primaryKey(),
    walletId: text("wallet_id").notNull(),
    userId: text("user_id").notNull(),
    amountCents: integer("amount_cents").notNull(),
    interestRateBp: integer("interest_rate_bp").notNull(),
    loanTermMonths: integer("loan_term_months").notNull(),
    minimumPaymentCents: integer("minimum_payment_cents").notNull(),
    remainingBalanceCents: integer("remaining_balance_cents").notNull(),
    /** Sum of PENDING repayments: reserved so concurrent repays can never overpay. */
    pendingRepaymentCents: integer("pending_repayment_cents").notNull().default(0),
    status: text("status", { enum: ["PENDING", "APPROVED", "REJECTED", "PAID"] }).notNull(),
    purpose: text("purpose"),
    rejectionReason: text("rejection_reason"),
    disbursedAt: text("disbursed_at"),
    disbursementError: text("disbursement_error"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    // Servicing (API.md Micro-Loans, Servicing). remaining_balance_cents is always
    // outstanding_principal_cents + interest_due_cents + fees_due_cents.
    outstandingPrincipalCents: integer("outstanding_principal_cents").notNull().default(0),
    interestDueCents: integer("interest_due_cents").notNull().default(0),
    feesDueCents: integer("fees_due_cents").notNull().default(0),
    totalInterestChargedCents: integer("total_interest_charged_cents").notNull().default(0),
    totalFeesChargedCents: integer("total_fees_charged_cents").notNull().default(0),
    /** The last installment whose due date has been processed. */
    installmentsCharged: integer("installments_charged").notNull().default(0),
    /** The first installment serviced; null for a loan disbursed before servicing existed, until it is adopted. */
    firstInstallment: integer("first_installment"),
    autopay: integer("autopay", { mode: "boolean" }).notNull().default(true),
    delinquency: text("delinquency", { enum: ["CURRENT", "LATE", "DEFAULTED"] })
      .notNull()
      .default("CURRENT"),
    /** When the next servicing step falls due (clock time); null when nothing will. */
    nextServiceAt: text("next_service_at"),
    /** Bumped by every servicing write: a step computed from a stale read changes nothing. */
    version: integer("version").notNull().default(0),
  },
  (t) => [
    index("loans_next_service").on(t.nextServiceAt),
    index("loans_by_user").on(t.userId, t.createdAt),
    index("loans_by_wallet").on(t.walletId, t.createdAt),
    index("loans_by_status").on(t.status, t.createdAt),
    check("loans_remaining_non_negative", sql`${t.remainingBalanceCents} >= 0`),
    check(
      "loans_pending_within_remaining",
      sql`${t.pendingRepaymentCents} >= 0 AND ${t.pendingRepaymentCents} <= ${t.remainingBalanceCents}`,
    ),
  ],
);

export const repayments = sqliteTable(
  "repayments",
  {
    repaymentId: text("repayment_id").primaryKey(),
    loanId: text("loan_id").notNull(),
    walletId: text("wallet_id").notNull(),
    userId: text("user_id").notNull(),
    amountCents: integer("amount_cents").notNull(),
    status: text("status", { enum: ["PENDING", "SUCCESSFUL", "FAILED"] }).notNull(),
    failureReason: text("failure_reason"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    source: text("source", { enum: ["MANUAL", "AUTOPAY"] })
      .notNull()
      .default("MANUAL"),
    /** The installment an autopay repayment was requested for. */
    installment: integer("installment"),
    /** How a successful repayment was applied: fees, then interest, then principal. */
    feesPaidCents: integer("fees_paid_cents").notNull().default(0),
    interestPaidCents: integer("interest_paid_cents").notNull().default(0),
    principalPaidCents: integer("principal_paid_cents").notNull().default(0),
  },
  (t) => [index("repayments_by_loan").on(t.loanId, t.createdAt), check("repayments_positive", sql`${t.amountCents} > 0`)],
);

/** One row per due date processed: what was charged and due, what has gone to it, its late fee. */
export const loanInstallments = sqliteTable(
  "loan_installments",
  {
    loanId: text("loan_id").notNull(),
    installment: integer("installment").notNull(),
    dueDate: text("due_date").notNull(),
    principalBeforeCents: integer("principal_before_cents").notNull(),
    interestCents: integer("interest_cents").notNull(),
    amountDueCents: integer("amount_due_cents").notNull(),
    paidCents: integer("paid_cents").notNull().default(0),
    lateFeeCents: integer("late_fee_cents").notNull().default(0),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.loanId, t.installment] }),
    check("loan_installments_paid_within_due", sql`${t.paidCents} >= 0 AND ${t.paidCents} <= ${t.amountDueCents}`),
  ],
);

// ---- clock
/** The test clock's offset from real time (one row; only read where TEST_CLOCK is "true"). */
export const testClock = sqliteTable(
  "test_clock",
  {
    id: integer("id").primaryKey(),
    offsetSeconds: integer("offset_seconds").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [check("test_clock_one_row", sql`${t.id} = 1`)],
);

// ---- payments
export const payments = sqliteTable(
  "payments",
  {
    paymentId: text("payment_id").primaryKey(),
    walletId: text("wallet_id").notNull(),
    userId: text("user_id").notNull(),
    merchant: text("merchant").notNull(),
    amountCents: integer("amount_cents").notNull(),
    description: text("description"),
    status: text("status", { enum: ["PENDING", "AUTHORIZED", "SUCCESSFUL", "FAILED", "CANCELED"] }).notNull(),
    failureReason: text("failure_reason"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    /** `manual`: the saga places a hold (AUTHORIZED), then a capture, a cancel or the expiry settles it. */
    capture: text("capture", { enum: ["automatic", "manual"] })
      .notNull()
      .default("automatic"),
    authorizedAmountCents: integer("authorized_amount_cents"),
    capturedAmountCents: integer("captured_amount_cents"),
    /** Mirrors the ledger's running total of the payment's refunds (the ledger checks the cap). */
    refundedAmountCents: integer("refunded_amount_cents").notNull().default(0),
    authorizationExpiresAt: text("authorization_expires_at"),
  },
  (t) => [
    index("payments_by_wallet").on(t.walletId, t.createdAt, t.paymentId),
    check("payments_positive", sql`${t.amountCents} > 0`),
    index("payments_authorized_by_expiry").on(t.status, t.authorizationExpiresAt),
  ],
);

/** A payment's refunds, mirrored from the wallet's ledger (which holds the money and the running total). */
export const refunds = sqliteTable(
  "refunds",
  {
    refundId: text("refund_id").primaryKey(),
    paymentId: text("payment_id").notNull(),
    walletId: text("wallet_id").notNull(),
    userId: text("user_id").notNull(),
    amountCents: integer("amount_cents").notNull(),
    reason: text("reason"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("refunds_by_payment").on(t.paymentId, t.createdAt), check("refunds_positive", sql`${t.amountCents} > 0`)],
);

// ---- transfers (the money is in the two wallets' ledgers; this is the saga's record)
export const transfers = sqliteTable(
  "transfers",
  {
    transferId: text("transfer_id").primaryKey(),
    fromWalletId: text("from_wallet_id").notNull(),
    toWalletId: text("to_wallet_id").notNull(),
    fromUserId: text("from_user_id").notNull(),
    toUserId: text("to_user_id").notNull(),
    amountCents: integer("amount_cents").notNull(),
    description: text("description"),
    status: text("status", { enum: ["PENDING", "COMPLETED", "REVERSED"] }).notNull(),
    senderName: text("sender_name").notNull(),
    recipientName: text("recipient_name").notNull(),
    createdAt: text("created_at").notNull(),
    completedAt: text("completed_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("transfers_by_sender").on(t.fromUserId, t.createdAt, t.transferId),
    index("transfers_by_recipient").on(t.toUserId, t.createdAt, t.transferId),
    index("transfers_by_from_wallet").on(t.fromWalletId, t.createdAt, t.transferId),
    index("transfers_by_to_wallet").on(t.toWalletId, t.createdAt, t.transferId),
    index("transfers_by_status").on(t.status, t.createdAt),
    check("transfers_positive", sql`${t.amountCents} > 0`),
    check("transfers_two_wallets", sql`${t.fromWalletId} <> ${t.toWalletId}`),
  ],
);

// ---- savings goals (metadata; the money is a pocket in the wallet's ledger)
export const savingsGoals = sqliteTable(
  "savings_goals",
  {
    goalId: text("goal_id").primaryKey(),
    walletId: text("wallet_id").notNull(),
    userId: text("user_id").notNull(),
    goalName: text("goal_name").notNull(),
    targetCents: integer("target_cents").notNull(),
    currentCents: integer("current_cents").notNull().default(0),
    targetDate: text("target_date"),
    status: text("status", { enum: ["ACTIVE", "REDEEMED", "ARCHIVED", "DELETED"] }).notNull(),
    /** The pocket's version in the ledger that `current_cents` mirrors; older replies never overwrite newer ones. */
    ledgerVersion: integer("ledger_version").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("savings_goals_by_wallet").on(t.walletId, t.createdAt)],
);

// ---- event plumbing (each consumer's inbox, dead letters, and the D1-side outbox)
export const processedEvents = sqliteTable(
  "processed_events",
  {
    consumer: text("consumer").notNull(),
    eventId: text("event_id").notNull(),
    processedAt: text("processed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.eventId] })],
);

export const deadLetters = sqliteTable("dead_letters", {
  deadLetterId: text("dead_letter_id").primaryKey(),
  queue: text("queue").notNull(),
  event: text("event").notNull(),
  error: text("error").notNull(),
  attempts: integer("attempts").notNull(),
  createdAt: text("created_at").notNull(),
  replayedAt: text("replayed_at"),
});

export const outbox = sqliteTable(
  "outbox",
  {
    outboxId: text("outbox_id").primaryKey(),
    queue: text("queue").notNull(),
    body: text("body").notNull(),
    createdAt: text("created_at").notNull(),
    sentAt: text("sent_at"),
  },
  (t) => [index("outbox_unsent").on(t.sentAt, t.createdAt)],
);

// ---- funding (how money enters; the ledger holds the money, these rows hold the claims)
/** What each user deposited through the sandbox credit route per UTC day, reserved before the ledger moves. */
export const depositDays = sqliteTable(
  "deposit_days",
  {
    userId: text("user_id").notNull(),
    /** YYYY-MM-DD, UTC. */
    day: text("day").notNull(),
    cents: integer("cents").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] }), check("deposit_days_non_negative", sql`${t.cents} >= 0`)],
);

/** One row per deposit webhook id: the first delivery's body is the one that credits, every replay answers it. */
export const fundingDeposits = sqliteTable(
  "funding_deposits",
  {
    webhookId: text("webhook_id").primaryKey(),
    walletId: text("wallet_id").notNull(),
    amountCents: integer("amount_cents").notNull(),
    reference: text("reference").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [check("funding_deposits_positive", sql`${t.amountCents} > 0`)],
);

// ---- admin
/**
 * Every admin action, append-only. `seq` (the rowid) orders it: D1 has one writer, so insertion order
 * is time order even within a millisecond. `admin_user_id` is "operator" for a role change made out
 * of band (scripts/admin-role.mjs).
 */
export const adminAuditLog = sqliteTable(
  "admin_audit_log",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    entryId: text("entry_id").notNull(),
    adminUserId: text("admin_user_id"),
    action: text("action").notNull(),
    target: text("target").notNull(),
    /** A JSON object. */
    details: text("details").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("admin_audit_log_entry_id").on(t.entryId)],
);

// ---- integrations (business events, notifications, webhooks, API keys)
/**
 * One row per committed business state change per user, kept 30 days. `(user_id, type, business_id)`
 * is unique: a duplicate or redelivered saga message records nothing new. `seq` orders the feed.
 */
export const businessEvents = sqliteTable(
  "business_events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    eventId: text("event_id").notNull(),
    userId: text("user_id").notNull(),
    type: text("type").notNull(),
    businessId: text("business_id").notNull(),
    /** The resource as its route returns it (JSON). */
    data: text("data").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("business_events_event_id").on(t.eventId),
    uniqueIndex("business_events_once").on(t.userId, t.type, t.businessId),
    index("business_events_by_user").on(t.userId, t.seq),
    index("business_events_by_time").on(t.createdAt),
  ],
);

/** A short text for people, one per business event. */
export const notifications = sqliteTable(
  "notifications",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    notificationId: text("notification_id").notNull(),
    userId: text("user_id").notNull(),
    eventId: text("event_id").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    readAt: text("read_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("notifications_notification_id").on(t.notificationId),
    uniqueIndex("notifications_event_id").on(t.eventId),
    index("notifications_by_user").on(t.userId, t.seq),
  ],
);

/** A user's webhook endpoint; `secret` (whsec_…) signs its deliveries and is never returned after creation. */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    webhookId: text("webhook_id").primaryKey(),
    userId: text("user_id").notNull(),
    url: text("url").notNull(),
    /** JSON array of business event types. */
    events: text("events").notNull(),
    description: text("description"),
    secret: text("secret").notNull(),
    createdAt: text("created_at").notNull(),
    deletedAt: text("deleted_at"),
  },
  (t) => [index("webhook_endpoints_by_user").on(t.userId, t.createdAt)],
);

/** One delivery of one event to one endpoint, updated on every attempt (the delivery log). */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    deliveryId: text("delivery_id").primaryKey(),
    webhookId: text("webhook_id").notNull(),
    userId: text("user_id").notNull(),
    eventId: text("event_id").notNull(),
    status: text("status", { enum: ["PENDING", "DELIVERED", "FAILED"] }).notNull(),
    attempt: integer("attempt").notNull().default(0),
    /** Attempts this round may still make (a retry by the user starts a new round). */
    attemptsLeft: integer("attempts_left").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    deliveredAt: text("delivered_at"),
    nextAttemptAt: text("next_attempt_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_once").on(t.webhookId, t.eventId),
    index("webhook_deliveries_by_webhook").on(t.webhookId, t.createdAt, t.deliveryId),
    index("webhook_deliveries_pending").on(t.status, t.nextAttemptAt),
  ],
);

/** A server's credential acting for a user: only the SHA-256 of the secret is stored. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    apiKeyId: text("api_key_id").primaryKey(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    /** The first characters of the secret, to tell keys apart in a list. */
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    /** JSON array of scopes. */
    scopes: text("scopes").notNull(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_secret_hash").on(t.secretHash), index("api_keys_by_user").on(t.userId, t.createdAt)],
);
