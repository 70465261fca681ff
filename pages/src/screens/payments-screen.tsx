import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useId, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import toast from "react-hot-toast";
import { Link } from "react-router";
import { z } from "zod";
import { parseCents } from "../../../workers/domain/money";
import { type PaymentRequest, useCreatePayment, usePayment, usePaymentPages } from "../api/hooks/payments";
import type { Payment, Wallet } from "../api/types";
import { Button, buttonClass } from "../components/button";
import { Card, FOCUS_TARGET, PageHeader } from "../components/card";
import { useConfirm } from "../components/confirm";
import { EmptyState, ErrorState, LoadingBlock } from "../components/feedback";
import { MoneyField, TextField } from "../components/field";
import { applyApiFieldErrors } from "../components/form-errors";
import { LoadMore } from "../components/load-more";
import { StatusBadge } from "../components/status-badge";
import { WalletRequired } from "../components/wallet-required";
import { failureReasonText, formatDateTime } from "../lib/format";
import { formatMoney } from "../lib/money";
import { paymentSchema } from "../lib/validation";

const paymentFormSchema = paymentSchema.extend({ authorize_only: z.boolean() });

const OUTCOME: Record<Payment["status"], string> = {
  PENDING: "Waiting for the wallet to settle the payment…",
  AUTHORIZED: "Authorized. The money is on hold in your wallet until you capture or cancel it.",
  SUCCESSFUL: "Paid. The money has left your wallet.",
  FAILED: "Refused. Nothing was taken from your wallet.",
  CANCELED: "Canceled. The hold is released; nothing was taken.",
};

/** One toast when the payment settles: green only once the money has really left, red when refused. */
function useSettledToast(payment: Payment | undefined) {
  const toasted = useRef<string | null>(null);
  useEffect(() => {
    if (!payment || payment.status === "PENDING" || toasted.current === payment.transaction_id) return;
    toasted.current = payment.transaction_id;
    const what = `${formatMoney(payment.amount)} to ${payment.merchant}`;
    if (payment.status === "SUCCESSFUL") toast.success(`Paid ${what}`);
    else if (payment.status === "AUTHORIZED") toast.success(`Authorized ${what}; capture or cancel it from its details`);
    else if (payment.status === "CANCELED") toast(`Authorization of ${what} canceled`);
    else toast.error(`Payment of ${what} refused: ${failureReasonText(payment.failure_reason) ?? "it could not be completed"}`);
  }, [payment]);
}

type Shown = Pick<Payment, "amount" | "merchant" | "status" | "failure_reason"> & { transaction_id?: string };

function PaymentCard({ p }: { p: Shown }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-slate-50 p-4" data-testid="latest-payment">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="min-w-0 font-medium wrap-anywhere">
          {formatMoney(p.amount)} to {p.merchant}
        </p>
        <StatusBadge status={p.status} testId="payment-status" />
      </div>
      <p className="mt-2 text-sm text-slate-700" role="status" aria-live="polite">
        {OUTCOME[p.status]}
        {p.status === "FAILED" && failureReasonText(p.failure_reason) ? ` (${failureReasonText(p.failure_reason)})` : ""}
      </p>
      {p.status !== "PENDING" && p.transaction_id && (
        <Link to={`/payments/${p.transaction_id}`} className={`${buttonClass("secondary", "sm")} mt-3`}>
          {p.status === "AUTHORIZED" ? "Capture or cancel" : "Details"}
        </Link>
      )}
    </div>
  );
}

/** The payment just made, followed live until it is SUCCESSFUL or FAILED. */
function LatestPayment({ paymentId }: { paymentId: string }) {
  const payment = usePayment(paymentId);
  useSettledToast(payment.data);
  if (payment.isPending) return <LoadingBlock rows={1} />;
  if (!payment.data) return <ErrorState error={payment.error} onRetry={() => void payment.refetch()} />;
  return <PaymentCard p={payment.data} />;
}

/** The latest-payment card: the last payment the API answered, and one on its way to the API (shown instead). */
type Latest = { paymentId: string | null; sending: PaymentRequest | null };

function PayForm({
  wallet,
  onSending,
  onPaid,
  onRefused,
}: {
  wallet: Wallet;
  onSending: (payment: PaymentRequest) => void;
  onPaid: (payment: Payment) => void;
  onRefused: () => void;
}) {
  const confirm = useConfirm();
  const pay = useCreatePayment();
  const form = useForm({
    resolver: zodResolver(paymentFormSchema),
    defaultValues: { merchant: "", amount: "", description: "", authorize_only: false },
  });
  const { errors } = form.formState;
  const authorizeOnly = form.watch("authorize_only");
  const captureHintId = useId();

  const onSubmit = form.handleSubmit(async ({ authorize_only, ...values }) => {
    const short = parseCents(values.amount) > parseCents(wallet.available_balance);
    const ok = await confirm({
      title: authorize_only
        ? `Authorize ${formatMoney(values.amount)} for ${values.merchant}?`
        : `Pay ${formatMoney(values.amount)} to ${values.merchant}?`,
      body: short
        ? `This is more than your spendable balance (${formatMoney(wallet.available_balance)}), so the payment will most likely be refused.`
        : authorize_only
          ? "The money is put on hold in your wallet, not taken. Capture it (all or less) or cancel it later; an authorization left alone expires and is released."
          : "The payment is settled by your wallet in the background; you can watch its status here.",
      confirmLabel: authorize_only ? "Authorize" : "Pay",
    });
    if (!ok) return;
    const request: PaymentRequest = { wallet_id: wallet.wallet_id, ...values, ...(authorize_only ? { capture: "manual" } : {}) };
    // The card shows the payment as pending from the moment it is sent: the saga can settle it before
    // the API's answer arrives, and the user should still see it go from pending to its outcome.
    onSending(request);
    pay.mutate(request, {
      onSuccess: (payment) => {
        form.reset();
        onPaid(payment);
      },
      onError: (error) => {
        onRefused();
        applyApiFieldErrors(error, form.setError, ["merchant", "amount", "description"]);
      },
    });
  });

  return (
    <form noValidate className="space-y-4" onSubmit={onSubmit}>
      <TextField label="Merchant" autoComplete="off" error={errors.merchant?.message} {...form.register("merchant")} />
      <MoneyField label="Amount" error={errors.amount?.message} {...form.register("amount")} />
      <TextField label="Description (optional)" error={errors.description?.message} {...form.register("description")} />
      <label className="flex items-start gap-2 text-sm text-slate-800">
        <input
          type="checkbox"
          className="mt-0.5 size-4 accent-emerald-700"
          aria-describedby={captureHintId}
          {...form.register("authorize_only")}
        />
        <span>
          Authorize now, capture later
          <span id={captureHintId} className="block text-xs text-slate-600">
            Holds the money in your wallet; you capture or cancel it from the payment's details.
          </span>
        </span>
      </label>
      <Button type="submit" loading={pay.isPending}>
        {authorizeOnly ? "Authorize" : "Pay"}
      </Button>
    </form>
  );
}

function PaymentHistory({ wallet }: { wallet: Wallet }) {
  const pages = usePaymentPages(wallet.wallet_id);
  const payments = pages.data?.pages.flatMap((page) => page.payments);
  if (pages.isPending) return <LoadingBlock rows={4} label="Loading payments…" />;
  if (!payments) return <ErrorState error={pages.error} title="Could not load payments" onRetry={() => void pages.refetch()} />;
  if (payments.length === 0) return <EmptyState title="No payments yet">Payments you make appear here with their status.</EmptyState>;
  return (
    <>
      <ul className="divide-y divide-slate-200">
        {payments.map((p) => (
          <li key={p.transaction_id} className="flex items-start justify-between gap-3 py-3" data-testid="payment-row">
            <div className="min-w-0">
              <p className="truncate font-medium">
                <Link
                  to={`/payments/${p.transaction_id}`}
                  className="rounded hover:underline focus-visible:outline-2 focus-visible:outline-emerald-700"
                >
                  {p.merchant}
                </Link>
              </p>
              <p className="text-xs text-slate-600">
                {formatDateTime(p.created_at)}
                {p.description && ` · ${p.description}`}
                {failureReasonText(p.failure_reason) && ` · ${failureReasonText(p.failure_reason)}`}
                {p.refunded_amount !== "0.00" && ` · ${formatMoney(p.refunded_amount)} refunded`}
              </p>
            </div>
            <div className="shrink-0 text-right">
              <p className="font-semibold tabular-nums">{formatMoney(p.amount)}</p>
              <StatusBadge status={p.status} testId="payment-status" />
            </div>
          </li>
        ))}
      </ul>
      <LoadMore query={pages} />
    </>
  );
}

function PaymentsView({ wallet }: { wallet: Wallet }) {
  const [latest, setLatest] = useState<Latest>({ paymentId: null, sending: null });
  // The form's button is disabled while the payment is sent, which drops focus: once the API has
  // answered, focus goes to the latest payment, whose status is announced and whose link is next.
  const latestHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (latest.paymentId === null) return;
    const active = document.activeElement;
    if (active === null || active === document.body) latestHeading.current?.focus();
  }, [latest.paymentId]);
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
      <Card title="Pay a merchant" description={`Spendable balance: ${formatMoney(wallet.available_balance)}`}>
        <PayForm
          wallet={wallet}
          onSending={(payment) => setLatest((shown) => ({ ...shown, sending: payment }))}
          onPaid={(payment) => setLatest({ paymentId: payment.transaction_id, sending: null })}
          // Refused by the API itself (a field error, a network failure): the card goes back to the last real payment.
          onRefused={() => setLatest((shown) => ({ ...shown, sending: null }))}
        />
        {(latest.sending || latest.paymentId) && (
          <div className="mt-5">
            <h3 ref={latestHeading} tabIndex={-1} className={`mb-2 w-fit text-sm font-semibold text-slate-900 ${FOCUS_TARGET}`}>
              Latest payment
            </h3>
            {latest.sending ? (
              <PaymentCard p={{ ...latest.sending, status: "PENDING", failure_reason: null }} />
            ) : (
              latest.paymentId && <LatestPayment paymentId={latest.paymentId} />
            )}
          </div>
        )}
      </Card>
      <Card title="Payment history">
        <PaymentHistory wallet={wallet} />
      </Card>
    </div>
  );
}

export function PaymentsScreen() {
  return (
    <>
      <PageHeader title="Payment simulator" description="Pay a merchant and watch the payment settle live." />
      <WalletRequired purpose="Payments come out of a wallet, so create one first.">
        {(wallet) => <PaymentsView wallet={wallet} />}
      </WalletRequired>
    </>
  );
}
