import { formatCents } from "../domain/money";
import type { PaymentRow } from "./payments.queries";

export const presentPayment = (row: PaymentRow) => ({
  transaction_id: row.paymentId,
  wallet_id: row.walletId,
  merchant: row.merchant,
  amount: formatCents(row.amountCents),
  description: row.description,
  status: row.status,
  failure_reason: row.failureReason,
  created_at: row.createdAt,
  updated_at: row.updatedAt,
});
