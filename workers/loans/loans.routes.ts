import { z } from "@hono/zod-openapi";
import { LOAN_MAX_CENTS, LOAN_MAX_TERM_MONTHS, LOAN_MIN_CENTS, LOAN_MIN_TERM_MONTHS } from "../domain/limits";
import { IdParam, jsonResponse, PageQuery } from "../lib/app";
import { amountSchema, moneyString } from "../lib/money";
import { adminRoute, userRoute } from "../lib/routes";
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
  request: { query: PageQuery.extend({ status: z.enum(LOAN_STATUSES).optional() }) },
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
  summary: "The amortisation schedule at the loan's minimum payment",
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
  },
  errors: ["NOT_FOUND"],
});
