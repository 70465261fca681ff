import { useState } from "react";
import { useBalanceAsOf } from "../../api/hooks/statements";
import { formatMoney } from "../../lib/money";
import { TextField } from "../field";

const today = () => new Date().toLocaleDateString("en-CA");

/** The end of a local calendar day, as the API's `as_of`: what you had when the day was over. */
const endOfDay = (day: string) => new Date(`${day}T23:59:59.999`).toISOString();

/** "On date X you had Y": the posted balance at the end of a chosen day (GET …/balance?as_of). */
export function BalanceAsOf({ walletId, currency }: { walletId: string; currency: string }) {
  const [day, setDay] = useState("");
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(day) && day <= today();
  const balance = useBalanceAsOf(walletId, valid ? endOfDay(day) : null);
  const label = valid ? new Date(`${day}T12:00:00`).toLocaleDateString(undefined, { dateStyle: "long" }) : "";
  return (
    <div className="mt-4 flex flex-wrap items-end gap-3 border-t border-slate-100 pt-4">
      <TextField
        label="Balance on a date"
        type="date"
        wrapperClassName="w-48"
        max={today()}
        value={day}
        onChange={(e) => setDay(e.target.value)}
      />
      <p aria-live="polite" data-testid="balance-as-of" className="min-h-11 py-2 text-sm text-slate-700">
        {!valid ? (
          "Pick a day to see what you had at its end."
        ) : balance.isPending ? (
          "Looking it up…"
        ) : balance.data ? (
          <>
            On {label} you had <strong className="text-slate-900">{formatMoney(balance.data.balance, { currency })}</strong>.
          </>
        ) : (
          "Could not look that day up."
        )}
      </p>
    </div>
  );
}
