import { z } from "@hono/zod-openapi";
import { LOAN_MAX_CENTS, LOAN_MAX_TERM_MONTHS, LOAN_MIN_CENTS, LOAN_MIN_TERM_MONTHS } from "../domain/limits";
import { IdParam, jsonResponse, PageQuery } from "../lib/app";
import { amountSchema, moneyString } from "../lib/money";
import { adminRoute, userRoute } from "../lib/routes";
import { textSchema } from "../lib/text";

const tags = ["Micro-loans"];
const LOAN_STATUSES = ["PENDING", "APPROVED", "REJECTED", "PAID"] as const;
const DELINQUENCIES = ["CURRENT", "LATE", "DEFAULTED"] as const;

export const LoanSchema = z
  .object({
    loan_id: z.string(),
    wallet_id: z.string(),
    user_id: z.string(),
    amount: moneyString,
    interest_rate: z.string().openapi({ example: "8.00", description: "Annual percent: 8.00 (≤12 months), 12.00 (≤24), 15.00 (above)" }),
    loan_term_months: z.number().int(),
    minimum_payment: moneyString,
    outstanding_principal: moneyString.openapi({ description: "Principal still owed" }),
    interest_due: moneyString.openapi({ description: "Interest charged and not yet paid" }),
    fees_due: moneyString.openapi({ description: "Late fees charged and not yet paid" }),
    remaining_balance: moneyString.openapi({
      description: "What clears the loan now: outstanding_principal + interest_due + fees_due (0.00 for a rejected loan)",
    }),
    total_interest_charged: moneyString,
    total_fees_charged: moneyString,
    next_due_date: z.string().nullable().openapi({ example: "2026-12-24", description: "The next installment's due date (YYYY-MM-DD)" }),
    next_payment_due: moneyString
      .nullable()
      .openapi({ description: "What the next due date asks for: its installment plus anything past due" }),
    days_past_due: z.number().int().openapi({ description: "Days since the oldest unpaid installment fell due" }),
    delinquency: z.enum(DELINQUENCIES),
    autopay: z.boolean(),
    status: z.enum(LOAN_STATUSES),
    purpose: z.string().nullable(),
    rejection_reason: z.string().nullable(),
    disbursed_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    applicant: z
      .object({ name: z.string().nullable(), email: z.string().nullable() })
      .optional()
      .openapi({ description: "Who applied: present only when an admin reads the loan" }),
  })
  .openapi("Loan");

export const RepaymentSchema = z
  .object({
    repayment_id: z.string(),
    loan_id: z.string(),
    wallet_id: z.string(),
    amount: moneyString,
    status: z.enum(["PENDING", "SUCCESSFUL", "FAILED"]),
    failure_reason: z.string().nullable().openapi({ description: "`INSUFFICIENT_FUNDS`, or `PROCESSING_ERROR` after a dead letter" }),
    source: z.enum(["MANUAL", "AUTOPAY"]),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Repayment");

const LoanParam = IdParam("loan_id");
const LoanBody = z.object({ loan: LoanSchema });

export const applyForLoan = userRoute({
  method: "post",
  path: "/loan",
  operationId: "applyForLoan",
  tags,
  summary: "Apply for a micro-loan (PENDING until an admin decides)",
  idempotency: "stored",
  body: z.strictObject({
    wallet_id: z.string().min(1).max(100),
    amount: amountSchema({ min: LOAN_MIN_CENTS, max: LOAN_MAX_CENTS }),
    loan_term_months: z.number().int().min(LOAN_MIN_TERM_MONTHS).max(LOAN_MAX_TERM_MONTHS),
    purpose: textSchema().optional(),
  }),
  responses: { 201: jsonResponse(LoanBody, "The loan, PENDING") },
  errors: ["NOT_FOUND"],
});

export const listLoans = userRoute({
  method: "get",
  path: "/loan",
  operationId: "listLoans",
  tags,
  summary: "The caller's loans (an admin sees every user's), newest first",
  description: "`status` and `delinquency` filter the list (both may be given); `delinquency` is the loan's as it reads now.",
  request: {
    query: PageQuery.extend({
      status: z.enum(LOAN_STATUSES).optional(),
      delinquency: z.enum(DELINQUENCIES).optional().openapi({ description: "CURRENT, LATE or DEFAULTED, as the loan presents it now" }),
    }),
  },
  responses: { 200: jsonResponse(z.object({ loans: z.array(LoanSchema), next_cursor: z.string().nullable() }), "One page") },
});

export const getLoan = userRoute({
  method: "get",
  path: "/loan/{loan_id}",
  operationId: "getLoan",
  tags,
  summary: "One loan",
  request: { params: LoanParam },
  responses: { 200: jsonResponse(LoanBody, "The loan") },
  errors: ["NOT_FOUND"],
});

export const loansByWallet = userRoute({
  method: "get",
  path: "/loan/by-wallet/{wallet_id}",
  operationId: "listWalletLoans",
  tags,
  summary: "A wallet's loans, newest first",
  request: { params: IdParam("wallet_id") },
  responses: { 200: jsonResponse(z.object({ loans: z.array(LoanSchema) }), "The loans") },
  errors: ["NOT_FOUND"],
});

export const approveLoan = adminRoute({
  method: "post",
  path: "/loan/{loan_id}/approve",
  operationId: "approveLoan",
  tags,
  summary: "Approve a PENDING loan (admin); the principal is then credited to the wallet by the approval saga",
  request: { params: LoanParam },
  responses: { 200: jsonResponse(LoanBody, "APPROVED") },
  errors: ["NOT_FOUND", "INVALID_STATE"],
});

export const rejectLoan = adminRoute({
  method: "post",
  path: "/loan/{loan_id}/reject",
  operationId: "rejectLoan",
  tags,
  summary: "Reject a PENDING loan (admin)",
  request: { params: LoanParam },
  body: z.strictObject({ reason: textSchema().optional() }),
  bodyOptional: true,
  responses: { 200: jsonResponse(LoanBody, "REJECTED") },
  errors: ["NOT_FOUND", "INVALID_STATE"],
});

export const repayLoan = userRoute({
  method: "post",
  path: "/loan/{loan_id}/repay",
  operationId: "repayLoan",
  tags,
  summary: "Repay part or all of an APPROVED loan (asynchronous: 202 PENDING)",
  description: "Pending repayments are reserved against the remaining balance, so concurrent repays can never overpay.",
  rateLimit: "MONEY_RATE_LIMIT",
  idempotency: "stored",
  request: { params: LoanParam },
  body: z.strictObject({ amount: amountSchema() }),
  responses: { 202: jsonResponse(z.object({ repayment: RepaymentSchema }), "Accepted") },
  errors: ["NOT_FOUND", "INVALID_STATE", "REPAYMENT_EXCEEDS_BALANCE"],
});

export const listRepayments = userRoute({
  method: "get",
  path: "/loan/{loan_id}/repayments",
  operationId: "listLoanRepayments",
  tags,
  summary: "A loan's repayments, newest first",
  request: { params: LoanParam },
  responses: { 200: jsonResponse(z.object({ repayments: z.array(RepaymentSchema) }), "The repayments") },
  errors: ["NOT_FOUND"],
});

export const loanSchedule = userRoute({
  method: "get",
  path: "/loan/{loan_id}/schedule",
  operationId: "getLoanSchedule",
  tags,
  summary: "The live schedule: installments charged so far as charged and paid, the rest projected",
  description:
    "A rejected loan has no schedule. Rows after today's are projected from today's principal at the minimum payment, until it is " +
    "repaid: a loan still owing at the end of its term goes on falling due month by month, each month's installment " +
    "min(minimum_payment, remaining_balance), with late fees and delinquency as before.",
  request: { params: LoanParam },
  responses: {
    200: jsonResponse(
      z.object({
        schedule: z.array(
          z.object({
            month: z.number().int(),
            due_date: z.string().nullable().openapi({ description: "YYYY-MM-DD; null until the loan is disbursed" }),
            payment: moneyString,
            interest: moneyString,
            principal: moneyString,
            balance_after: moneyString,
            status: z.enum(["UPCOMING", "DUE", "PAID", "LATE"]),
            paid: moneyString,
          }),
        ),
      }),
      "Month by month",
    ),
  },
  errors: ["NOT_FOUND"],
});

export const loanPayoff = userRoute({
  method: "get",
  path: "/loan/{loan_id}/payoff",
  operationId: "getLoanPayoff",
  tags,
  summary: "What clears the loan today (no interest for periods not yet begun)",
  description: "`payoff_amount` counts repayments already on their way: it is what one more repayment must be to clear the loan.",
  request: { params: LoanParam },
  responses: {
    200: jsonResponse(
      z.object({ payoff_amount: moneyString, principal: moneyString, interest_due: moneyString, fees_due: moneyString, as_of: z.string() }),
      "The payoff quote",
    ),
  },
  errors: ["NOT_FOUND"],
});

export const setAutopay = userRoute({
  method: "post",
  path: "/loan/{loan_id}/autopay",
  operationId: "setLoanAutopay",
  tags,
  summary: "Turn autopay on or off (the borrower)",
  request: { params: LoanParam },
  body: z.strictObject({ enabled: z.boolean() }),
  responses: { 200: jsonResponse(LoanBody, "The loan") },
  errors: ["NOT_FOUND", "INVALID_STATE"],
});
