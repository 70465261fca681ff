import { createRoute, z } from "@hono/zod-openapi";
import { LOAN_MAX_CENTS, LOAN_MAX_TERM_MONTHS, LOAN_MIN_CENTS, LOAN_MIN_TERM_MONTHS } from "../domain/limits";
import { errorResponses, IdempotencyHeader, IdParam, jsonBody, jsonResponse, PageQuery, security } from "../lib/app";
import { requireAdmin, requireUser } from "../lib/auth";
import { idempotent } from "../lib/idempotency";
import { amountSchema, moneyString } from "../lib/money";
import { limitPerUser } from "../lib/rate-limit";
import { textSchema } from "../lib/text";

const tags = ["Micro-loans"];
const LOAN_STATUSES = ["PENDING", "APPROVED", "REJECTED", "PAID"] as const;

export const LoanSchema = z
  .object({
    loan_id: z.string(),
    wallet_id: z.string(),
    user_id: z.string(),
    amount: moneyString,
    interest_rate: z.string().openapi({ example: "8.00", description: "Annual percent: 8.00 (≤12 months), 12.00 (≤24), 15.00 (above)" }),
    loan_term_months: z.number().int(),
    minimum_payment: moneyString,
    remaining_balance: moneyString.openapi({ description: "Principal still owed" }),
    status: z.enum(LOAN_STATUSES),
    purpose: z.string().nullable(),
    disbursed_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
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
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Repayment");

const LoanParam = IdParam("loan_id");
const LoanBody = z.object({ loan: LoanSchema });

export const applyForLoan = createRoute({
  method: "post",
  path: "/loan",
  tags,
  summary: "Apply for a micro-loan (PENDING until an admin decides)",
  security,
  middleware: [requireUser, idempotent] as const,
  request: {
    headers: IdempotencyHeader,
    body: jsonBody(
      z.strictObject({
        wallet_id: z.string().min(1).max(100),
        amount: amountSchema({ min: LOAN_MIN_CENTS, max: LOAN_MAX_CENTS }),
        loan_term_months: z.number().int().min(LOAN_MIN_TERM_MONTHS).max(LOAN_MAX_TERM_MONTHS),
        purpose: textSchema().optional(),
      }),
    ),
  },
  responses: {
    201: jsonResponse(LoanBody, "The loan, PENDING"),
    ...errorResponses("VALIDATION_ERROR", "UNAUTHENTICATED", "NOT_FOUND", "IDEMPOTENCY_IN_PROGRESS", "IDEMPOTENCY_KEY_REUSED"),
  },
});

export const listLoans = createRoute({
  method: "get",
  path: "/loan",
  tags,
  summary: "The caller's loans (an admin sees every user's), newest first",
  security,
  middleware: [requireUser] as const,
  request: { query: PageQuery.extend({ status: z.enum(LOAN_STATUSES).optional() }) },
  responses: {
    200: jsonResponse(z.object({ loans: z.array(LoanSchema), next_cursor: z.string().nullable() }), "One page"),
    ...errorResponses("VALIDATION_ERROR", "UNAUTHENTICATED"),
  },
});

export const getLoan = createRoute({
  method: "get",
  path: "/loan/{loan_id}",
  tags,
  summary: "One loan",
  security,
  middleware: [requireUser] as const,
  request: { params: LoanParam },
  responses: { 200: jsonResponse(LoanBody, "The loan"), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

export const loansByWallet = createRoute({
  method: "get",
  path: "/loan/by-wallet/{wallet_id}",
  tags,
  summary: "A wallet's loans, newest first",
  security,
  middleware: [requireUser] as const,
  request: { params: IdParam("wallet_id") },
  responses: {
    200: jsonResponse(z.object({ loans: z.array(LoanSchema) }), "The loans"),
    ...errorResponses("UNAUTHENTICATED", "NOT_FOUND"),
  },
});

export const approveLoan = createRoute({
  method: "post",
  path: "/loan/{loan_id}/approve",
  tags,
  summary: "Approve a PENDING loan (admin); the principal is then credited to the wallet by the approval saga",
  security,
  middleware: [requireUser, requireAdmin] as const,
  request: { params: LoanParam },
  responses: { 200: jsonResponse(LoanBody, "APPROVED"), ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "INVALID_STATE") },
});

export const rejectLoan = createRoute({
  method: "post",
  path: "/loan/{loan_id}/reject",
  tags,
  summary: "Reject a PENDING loan (admin)",
  security,
  middleware: [requireUser, requireAdmin] as const,
  request: {
    params: LoanParam,
    body: {
      required: false,
      content: { "application/json": { schema: z.strictObject({ reason: textSchema().optional() }) } },
    },
  },
  responses: {
    200: jsonResponse(LoanBody, "REJECTED"),
    ...errorResponses("VALIDATION_ERROR", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "INVALID_STATE"),
  },
});

export const repayLoan = createRoute({
  method: "post",
  path: "/loan/{loan_id}/repay",
  tags,
  summary: "Repay part or all of an APPROVED loan (asynchronous: 202 PENDING)",
  description: "Pending repayments are reserved against the remaining balance, so concurrent repays can never overpay.",
  security,
  middleware: [requireUser, limitPerUser("MONEY_RATE_LIMIT"), idempotent] as const,
  request: { params: LoanParam, headers: IdempotencyHeader, body: jsonBody(z.strictObject({ amount: amountSchema() })) },
  responses: {
    202: jsonResponse(z.object({ repayment: RepaymentSchema }), "Accepted"),
    ...errorResponses(
      "RATE_LIMITED",
      "VALIDATION_ERROR",
      "UNAUTHENTICATED",
      "NOT_FOUND",
      "INVALID_STATE",
      "REPAYMENT_EXCEEDS_BALANCE",
      "IDEMPOTENCY_IN_PROGRESS",
      "IDEMPOTENCY_KEY_REUSED",
    ),
  },
});

export const listRepayments = createRoute({
  method: "get",
  path: "/loan/{loan_id}/repayments",
  tags,
  summary: "A loan's repayments, newest first",
  security,
  middleware: [requireUser] as const,
  request: { params: LoanParam },
  responses: {
    200: jsonResponse(z.object({ repayments: z.array(RepaymentSchema) }), "The repayments"),
    ...errorResponses("UNAUTHENTICATED", "NOT_FOUND"),
  },
});

export const loanSchedule = createRoute({
  method: "get",
  path: "/loan/{loan_id}/schedule",
  tags,
  summary: "The amortisation schedule at the loan's minimum payment",
  security,
  middleware: [requireUser] as const,
  request: { params: LoanParam },
  responses: {
    200: jsonResponse(
      z.object({
        schedule: z.array(
          z.object({
            month: z.number().int(),
            payment: moneyString,
            interest: moneyString,
            principal: moneyString,
            balance_after: moneyString,
          }),
        ),
      }),
      "Month by month",
    ),
    ...errorResponses("UNAUTHENTICATED", "NOT_FOUND"),
  },
});
