import { formatCents } from "../domain/money";
import type { PaymentRow, RefundRow } from "./payments.queries";

/** What an automatic payment captured: its amount once it succeeded (rows written before the column existed included). */
const capturedCents = (row: PaymentRow) =>
  row.capturedAmountCents ?? (row.capture === "automatic" && row.status === "SUCCESSFUL" ? row.amountCents : 0);

export const presentPayment = (row: PaymentRow) => ({
  transaction_id: row.paymentId,
  wallet_id: row.walletId,
  merchant: row.merchant,
  amount: formatCents(row.amountCents),
  description: row.description,
  capture: row.capture,
  status: row.status,
  failure_reason: row.failureReason,
  authorized_amount: row.authorizedAmountCents === null ? null : formatCents(row.authorizedAmountCents),
  captured_amount: formatCents(capturedCents(row)),
  refunded_amount: formatCents(row.refundedAmountCents),
  authorization_expires_at: row.authorizationExpiresAt,
  created_at: row.createdAt,
  updated_at: row.updatedAt,
});

export const presentRefund = (row: RefundRow) => ({
  refund_id: row.refundId,
  transaction_id: row.paymentId,
  amount: formatCents(row.amountCents),
  reason: row.reason,
  created_at: row.createdAt,
});
