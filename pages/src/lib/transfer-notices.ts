/**
 * The announcement of a transfer arriving, apart from the form's rules: the live feed that uses it
 * loads with the app's shell, which should not carry the form's validation library.
 */
import type { Transfer } from "../api/types";
import { formatMoney } from "./money";

export type TransferNotice = { tone: "success" | "error"; message: string };

/**
 * The announcement of money arriving in a wallet (a TRANSFER_IN on its live feed): from a person,
 * from another of one's own wallets, or a transfer of one's own coming back because it could not be
 * delivered (the reversal is a TRANSFER_IN to the sender).
 */
export function incomingTransferNotice(
  transfer: Pick<Transfer, "from_wallet_id" | "to_wallet_id" | "amount" | "sender_name" | "recipient_name">,
  walletId: string,
  ownWalletIds: ReadonlySet<string>,
): TransferNotice | null {
  const amount = formatMoney(transfer.amount);
  if (transfer.from_wallet_id === walletId) {
    return { tone: "error", message: `Your transfer of ${amount} to ${transfer.recipient_name} could not be delivered; the money is back` };
  }
  if (transfer.to_wallet_id !== walletId) return null;
  if (ownWalletIds.has(transfer.from_wallet_id)) {
    return { tone: "success", message: `${amount} moved in from your wallet ${transfer.sender_name}` };
  }
  return { tone: "success", message: `${transfer.sender_name} sent you ${amount}` };
}
