import { zodResolver } from "@hookform/resolvers/zod";
import { type Ref, useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useParams } from "react-router";
import { useCancelPayment, useCapturePayment, usePayment, useRefundPayment } from "../api/hooks/payments";
import type { Payment } from "../api/types";
import { Button } from "../components/button";
import { Card, PageHeader } from "../components/card";
import { useConfirm } from "../components/confirm";
import { ErrorState, LoadingBlock } from "../components/feedback";
import { FormError, MoneyField, TextField } from "../components/field";
import { StatusBadge } from "../components/status-badge";
import { failureReasonText, formatDateTime } from "../lib/format";
import { formatMoney } from "../lib/money";
import {
  amountOrAll,
  authorizedCents,
  captureSchema,
  paymentActionProblem,
  paymentActions,
  refundableCents,
  refundSchema,
} from "../lib/payment-actions";

function Summary({ payment: p, headingRef }: { payment: Payment; headingRef: Ref<HTMLHeadingElement> }) {
  const rows: [string, string, string?][] = [
    ["Amount", formatMoney(p.amount)],
    ...(p.capture === "manual" && p.authorized_amount
      ? [["Authorized", formatMoney(p.authorized_amount), "authorized"] as [string, string, string]]
      : []),
    ["Captured", formatMoney(p.captured_amount), "captured"],
    ["Refunded", formatMoney(p.refunded_amount), "refunded"],
    ...(p.status === "AUTHORIZED" && p.authorization_expires_at
      ? [["Authorization expires", formatDateTime(p.authorization_expires_at)] as [string, string]]
      : []),
    ["Made", formatDateTime(p.created_at)],
  ];
  return (
    <Card
      headingRef={headingRef}
      title={<span className="wrap-anywhere">{p.merchant}</span>}
      description={p.description ?? undefined}
      actions={<StatusBadge status={p.status} testId="payment-status" />}
    >
      <dl className="grid grid-cols-1 gap-x-6 gap-y-3 sm:grid-cols-3">
        {rows.map(([label, value, testId]) => (
          <div key={label}>
            <dt className="text-sm text-slate-600">{label}</dt>
            <dd className="mt-0.5 font-semibold tabular-nums text-slate-900" data-testid={testId ? `payment-${testId}` : undefined}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {failureReasonText(p.failure_reason) && <p className="mt-3 text-sm text-slate-700">{failureReasonText(p.failure_reason)}.</p>}
    </Card>
  );
}

function CaptureOrCancel({ payment }: { payment: Payment }) {
  const confirm = useConfirm();
  const capture = useCapturePayment();
  const cancel = useCancelPayment();
  const [problem, setProblem] = useState<string | null>(null);
  const authorized = authorizedCents(payment);
  const form = useForm({ resolver: zodResolver(captureSchema(authorized)), defaultValues: { amount: "" } });
  const { errors } = form.formState;

  const onError = (error: unknown) => {
    const found = paymentActionProblem(error);
    if (found.field === "amount") form.setError("amount", { type: "server", message: found.message }, { shouldFocus: true });
    else setProblem(found.message);
  };

  const onCapture = form.handleSubmit(async ({ amount }) => {
    setProblem(null);
    const taken = amountOrAll(amount, authorized);
    const partial = amount !== undefined && amount !== amountOrAll(undefined, authorized);
    const ok = await confirm({
      title: `Capture ${formatMoney(taken)}?`,
      body: partial
        ? `${formatMoney(taken)} is paid to ${payment.merchant} and the rest of the ${formatMoney(authorized)} on hold is released.`
        : `The ${formatMoney(authorized)} on hold is paid to ${payment.merchant}.`,
      confirmLabel: "Capture",
    });
    if (ok) capture.mutate({ paymentId: payment.transaction_id, amount }, { onError });
  });

  const onCancel = async () => {
    setProblem(null);
    const ok = await confirm({
      title: "Cancel this authorization?",
      body: `The ${formatMoney(authorized)} on hold for ${payment.merchant} is released; nothing is paid.`,
      confirmLabel: "Cancel authorization",
      tone: "danger",
    });
    if (ok) cancel.mutate({ paymentId: payment.transaction_id }, { onError });
  };

  return (
    <Card title="Capture or cancel" description={`${formatMoney(authorized)} is on hold in your wallet for this payment.`}>
      <form noValidate className="space-y-4" onSubmit={onCapture}>
        <MoneyField
          label="Amount to capture (optional)"
          hint={`Leave it blank to capture all ${formatMoney(authorized)}; less releases the rest.`}
          error={errors.amount?.message}
          {...form.register("amount")}
        />
        <FormError message={problem} />
        <div className="flex flex-wrap gap-2">
          <Button type="submit" loading={capture.isPending} disabled={cancel.isPending}>
            Capture
          </Button>
          <Button variant="danger" onClick={() => void onCancel()} loading={cancel.isPending} disabled={capture.isPending}>
            Cancel authorization
          </Button>
        </div>
      </form>
    </Card>
  );
}

function RefundForm({ payment }: { payment: Payment }) {
  const confirm = useConfirm();
  const refund = useRefundPayment();
  const [problem, setProblem] = useState<string | null>(null);
  const left = refundableCents(payment);
  const form = useForm({ resolver: zodResolver(refundSchema(left)), defaultValues: { amount: "", reason: "" } });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit(async ({ amount, reason }) => {
    setProblem(null);
    const back = amountOrAll(amount, left);
    const ok = await confirm({
      title: `Refund ${formatMoney(back)}?`,
      body: `${formatMoney(back)} comes back to your wallet from ${payment.merchant}${reason ? ` (“${reason}”)` : ""}.`,
      confirmLabel: "Refund",
    });
    if (!ok) return;
    refund.mutate(
      { paymentId: payment.transaction_id, amount, reason },
      {
        onSuccess: () => form.reset(),
        onError: (error) => {
          const found = paymentActionProblem(error);
          if (found.field) form.setError(found.field, { type: "server", message: found.message }, { shouldFocus: true });
          else setProblem(found.message);
        },
      },
    );
  });

  return (
    <Card
      title="Refund"
      description={`${formatMoney(payment.refunded_amount)} of ${formatMoney(payment.captured_amount)} refunded so far; ${formatMoney(left)} can still be refunded.`}
    >
      <form noValidate className="space-y-4" onSubmit={onSubmit}>
        <MoneyField
          label="Amount to refund (optional)"
          hint={`Leave it blank to refund the ${formatMoney(left)} left.`}
          error={errors.amount?.message}
          {...form.register("amount")}
        />
        <TextField label="Reason (optional)" maxLength={200} error={errors.reason?.message} {...form.register("reason")} />
        <FormError message={problem} />
        <Button type="submit" loading={refund.isPending}>
          Refund
        </Button>
      </form>
    </Card>
  );
}

/**
 * After a capture, cancel or refund the control that had focus is gone (its card closes, or the
 * refund form starts afresh): focus goes to the payment's summary, which shows the outcome, so the
 * next Tab reaches what can be done next. Focus somewhere else (a live update while typing in
 * another field, say) is left alone.
 */
function useFocusSummaryOnChange(payment: Payment) {
  const heading = useRef<HTMLHeadingElement>(null);
  const version = `${payment.status}:${payment.captured_amount}:${payment.refunded_amount}`;
  const seen = useRef(version);
  useEffect(() => {
    if (seen.current === version) return;
    seen.current = version;
    const active = document.activeElement;
    if (active === null || active === document.body) heading.current?.focus();
  }, [version]);
  return heading;
}

function PaymentDetail({ payment }: { payment: Payment }) {
  const actions = paymentActions(payment);
  const summaryHeading = useFocusSummaryOnChange(payment);
  return (
    <div className="space-y-6">
      <Summary payment={payment} headingRef={summaryHeading} />
      {actions.capture && <CaptureOrCancel key={payment.updated_at} payment={payment} />}
      {actions.refund && <RefundForm key={payment.refunded_amount} payment={payment} />}
      {payment.status === "SUCCESSFUL" && !actions.refund && (
        <p className="text-sm text-slate-700" data-testid="fully-refunded">
          This payment is fully refunded.
        </p>
      )}
    </div>
  );
}

export function PaymentDetailScreen() {
  const { paymentId = "" } = useParams();
  const payment = usePayment(paymentId);
  return (
    <>
      <PageHeader
        title="Payment"
        documentTitle={payment.data ? `Payment to ${payment.data.merchant}` : "Payment"}
        actions={
          <Link to="/payments" className="text-sm font-medium text-emerald-800 underline">
            Back to payments
          </Link>
        }
      />
      {payment.isPending ? (
        <LoadingBlock rows={4} label="Loading the payment…" />
      ) : payment.data ? (
        <PaymentDetail payment={payment.data} />
      ) : (
        <ErrorState error={payment.error} title="Could not load this payment" onRetry={() => void payment.refetch()} />
      )}
    </>
  );
}
