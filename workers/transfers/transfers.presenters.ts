import { formatCents } from "../domain/money";
import type { TransferRow } from "./transfers.queries";

export const presentTransfer = (row: TransferRow) => ({
  transfer_id: row.transferId,
  from_wallet_id: row.fromWalletId,
  to_wallet_id: row.toWalletId,
  amount: formatCents(row.amountCents),
  description: row.description,
  status: row.status,
  sender_name: row.senderName,
  recipient_name: row.recipientName,
  created_at: row.createdAt,
  completed_at: row.completedAt,
});
