import type { Wallet } from "../api/types";
import { formatMoney } from "../lib/money";
import { Stat } from "./card";

/** What can be spent now; while holds reserve part of the posted balance, how much and of what. */
export function AvailableBalance({ wallet }: { wallet: Wallet }) {
  const currency = { currency: wallet.currency };
  return (
    <Stat
      label="Available balance"
      value={formatMoney(wallet.available_balance, currency)}
      hint={
        wallet.held_balance === "0.00"
          ? undefined
          : `${formatMoney(wallet.held_balance, currency)} on hold of ${formatMoney(wallet.balance, currency)} posted`
      }
      testId="balance"
    />
  );
}
