/**
 * Money arriving in the open wallet is announced as it lands: the live feed pushes the TRANSFER_IN
 * transaction, whose `reference_id` is the transfer; the transfer says who sent it (or that it is one
 * of the person's own transfers coming back). Each transaction is announced once per tab, however
 * often it is pushed.
 */
import type { QueryClient } from "@tanstack/react-query";
import toast from "react-hot-toast";
import { formatMoney } from "../lib/money";
import { incomingTransferNotice } from "../lib/transfer-notices";
import { fetchTransfer } from "./hooks/transfers";
import { queryKeys } from "./keys";
import type { Transaction, Wallet } from "./types";

const announced = new Set<string>();

export async function announceIncomingTransfer(client: QueryClient, walletId: string, transaction: Transaction): Promise<void> {
  if (transaction.type !== "TRANSFER_IN" || transaction.wallet_id !== walletId || announced.has(transaction.transaction_id)) return;
  announced.add(transaction.transaction_id);
  const own = new Set((client.getQueryData<Wallet[]>(queryKeys.walletList) ?? []).map((w) => w.wallet_id));
  let notice: ReturnType<typeof incomingTransferNotice>;
  try {
    const transfer = transaction.reference_id
      ? await client.fetchQuery({
          queryKey: queryKeys.transfer(transaction.reference_id),
          queryFn: () => fetchTransfer(transaction.reference_id ?? ""),
        })
      : null;
    notice = transfer ? incomingTransferNotice(transfer, walletId, own) : null;
  } catch {
    // The transfer could not be read: the transaction alone still says who and how much.
    notice = { tone: "success", message: `${transaction.counterparty.name} sent you ${formatMoney(transaction.amount)}` };
  }
  if (!notice) return;
  if (notice.tone === "success") toast.success(notice.message, { id: transaction.transaction_id });
  else toast.error(notice.message, { id: transaction.transaction_id });
}
