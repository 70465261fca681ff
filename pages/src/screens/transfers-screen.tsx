import { zodResolver } from "@hookform/resolvers/zod";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import toast from "react-hot-toast";
import { parseCents } from "../../../workers/domain/money";
import { toApiError } from "../api/errors";
import { type TransferRequestBody, useCreateTransfer, useTransfer, useTransferPages } from "../api/hooks/transfers";
import { queryKeys } from "../api/keys";
import type { Transfer, Wallet } from "../api/types";
import { useActiveWallet } from "../components/active-wallet";
import { Button } from "../components/button";
import { Card, PageHeader } from "../components/card";
import { useConfirm } from "../components/confirm";
import { EmptyState, ErrorState, LoadingBlock } from "../components/feedback";
import { FormError, MoneyField, SelectField, TextField } from "../components/field";
import { LoadMore } from "../components/load-more";
import { StatusBadge } from "../components/status-badge";
import { WalletRequired } from "../components/wallet-required";
import { formatDateTime } from "../lib/format";
import { formatMoney } from "../lib/money";
import { type TransferForm, transferFieldProblems, transferFormSchema, transferOutcome, transferSide } from "../lib/transfers";

/** One toast when the transfer ends, and the receiving wallet refreshed when it is one of the person's own. */
function useSettledTransfer(transfer: Transfer | undefined) {
  const client = useQueryClient();
  const settled = useRef<string | null>(null);
  useEffect(() => {
    if (!transfer || transfer.status === "PENDING" || settled.current === transfer.transfer_id) return;
    settled.current = transfer.transfer_id;
    void client.invalidateQueries({ queryKey: queryKeys.walletList });
    void client.invalidateQueries({ queryKey: queryKeys.transfers });
    const what = `${formatMoney(transfer.amount)} to ${transfer.recipient_name}`;
    if (transfer.status === "COMPLETED") toast.success(`Sent ${what}`);
    else toast.error(`Transfer of ${what} could not be delivered; the money is back in your wallet`);
  }, [transfer, client]);
}

/** The transfer just sent, followed live until it is COMPLETED or REVERSED. */
function LatestTransfer({ transferId }: { transferId: string }) {
  const query = useTransfer(transferId);
  useSettledTransfer(query.data);
  if (query.isPending) return <LoadingBlock rows={1} />;
  if (!query.data) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const t = query.data;
  return (
    <div className="rounded-lg border border-slate-200 bg-slate-50 p-4" data-testid="latest-transfer">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="min-w-0 font-medium wrap-anywhere">
          {formatMoney(t.amount)} to {t.recipient_name}
        </p>
        <StatusBadge status={t.status} testId="transfer-status" />
      </div>
      <p className="mt-2 text-sm text-slate-700" role="status" aria-live="polite">
        {transferOutcome(t)}
      </p>
    </div>
  );
}

function SendMoneyForm({ wallet, wallets, onSent }: { wallet: Wallet; wallets: Wallet[]; onSent: (transfer: Transfer) => void }) {
  const confirm = useConfirm();
  const send = useCreateTransfer();
  const [problem, setProblem] = useState<string | null>(null);
  const others = useMemo(() => wallets.filter((w) => w.wallet_id !== wallet.wallet_id), [wallets, wallet.wallet_id]);
  const noOtherId = useId();
  const form = useForm<TransferForm, unknown, ReturnType<typeof transferFormSchema.parse>>({
    resolver: zodResolver(transferFormSchema),
    defaultValues: { to: "person", to_email: "", to_wallet_id: others[0]?.wallet_id ?? "", amount: "", description: "" },
  });
  const { errors } = form.formState;
  const to = form.watch("to");

  // The choice of own wallets follows the picker: the sending wallet is never offered as the destination.
  const chosen = form.watch("to_wallet_id");
  useEffect(() => {
    if (!others.some((w) => w.wallet_id === chosen)) form.setValue("to_wallet_id", others[0]?.wallet_id ?? "");
  }, [others, chosen, form]);

  const onSubmit = form.handleSubmit(async ({ recipient, amount, description }) => {
    setProblem(null);
    const destination = "to_wallet_id" in recipient ? wallets.find((w) => w.wallet_id === recipient.to_wallet_id) : undefined;
    const who = "to_email" in recipient ? recipient.to_email : `your wallet ${destination?.name ?? ""}`;
    const short = parseCents(amount) > parseCents(wallet.available_balance);
    const ok = await confirm({
      title: `Send ${formatMoney(amount)}?`,
      body: (
        <div className="space-y-3">
          <dl className="space-y-2">
            <div>
              <dt className="text-xs text-slate-600">To</dt>
              <dd className="font-medium text-slate-900" data-testid="confirm-recipient">
                {who}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-600">From</dt>
              <dd className="text-slate-900">
                {wallet.name} (available {formatMoney(wallet.available_balance, { currency: wallet.currency })})
              </dd>
            </div>
            {description && (
              <div>
                <dt className="text-xs text-slate-600">Description</dt>
                <dd className="text-slate-900">{description}</dd>
              </div>
            )}
          </dl>
          <p>
            {short
              ? "This is more than this wallet can spend, so the transfer will most likely be refused."
              : destination
                ? "The money leaves this wallet now and arrives in the other within seconds."
                : "The money leaves your wallet now and reaches them within seconds; they see your name, never your email."}
          </p>
        </div>
      ),
      confirmLabel: "Send",
    });
    if (!ok) return;
    const request: TransferRequestBody = { from_wallet_id: wallet.wallet_id, ...recipient, amount, description };
    send.mutate(request, {
      onSuccess: (transfer) => {
        form.reset({ ...form.getValues(), to_email: "", amount: "", description: "" });
        onSent(transfer);
      },
      onError: (error) => {
        const problems = transferFieldProblems(error, to, wallet.available_balance);
        for (const p of problems) form.setError(p.field, { type: "server", message: p.message }, { shouldFocus: true });
        if (problems.length === 0) setProblem(toApiError(error).message);
      },
    });
  });

  return (
    <form noValidate className="space-y-4" onSubmit={onSubmit}>
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-800">Send to</legend>
        <div className="flex flex-wrap gap-4">
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" value="person" className="size-4 accent-emerald-700" {...form.register("to")} />A person, by email
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              value="wallet"
              className="size-4 accent-emerald-700"
              disabled={others.length === 0}
              aria-describedby={others.length === 0 ? noOtherId : undefined}
              {...form.register("to")}
            />
            One of my wallets
          </label>
        </div>
        {others.length === 0 && (
          <p id={noOtherId} className="mt-1 text-xs text-slate-600">
            Open a second wallet to move money between your own.
          </p>
        )}
      </fieldset>
      {to === "person" ? (
        <TextField
          label="Their email"
          type="email"
          autoComplete="off"
          spellCheck={false}
          error={errors.to_email?.message}
          {...form.register("to_email")}
        />
      ) : (
        <SelectField label="To wallet" error={errors.to_wallet_id?.message} {...form.register("to_wallet_id")}>
          {others.map((w) => (
            <option key={w.wallet_id} value={w.wallet_id}>
              {w.name} · {formatMoney(w.available_balance, { currency: w.currency })}
            </option>
          ))}
        </SelectField>
      )}
      <MoneyField
        label="Amount"
        hint={`You can send up to ${formatMoney(wallet.available_balance, { currency: wallet.currency })}`}
        error={errors.amount?.message}
        {...form.register("amount")}
      />
      <TextField label="Description (optional)" maxLength={200} error={errors.description?.message} {...form.register("description")} />
      <FormError message={problem} />
      <Button type="submit" loading={send.isPending}>
        Review and send
      </Button>
    </form>
  );
}

function TransferRow({ transfer, walletId }: { transfer: Transfer; walletId: string }) {
  const side = transferSide(transfer, walletId);
  const sent = side.direction === "sent";
  const cents = parseCents(transfer.amount);
  return (
    <li className="flex items-start justify-between gap-3 py-3" data-testid="transfer-row" data-direction={side.direction}>
      <div className="min-w-0 flex-1">
        <p className="truncate font-medium text-slate-900" title={side.otherParty}>
          {sent ? "To" : "From"} {side.otherParty}
        </p>
        {transfer.description && (
          <p className="truncate text-sm text-slate-600" title={transfer.description}>
            {transfer.description}
          </p>
        )}
        <p className="text-xs text-slate-600">
          <time dateTime={transfer.created_at}>{formatDateTime(transfer.created_at)}</time>
        </p>
      </div>
      <div className="shrink-0 text-right">
        <p className={`font-semibold tabular-nums ${sent ? "text-slate-900" : "text-emerald-700"}`}>
          <span className="sr-only">{sent ? "Sent: " : "Received: "}</span>
          {formatMoney(sent ? -cents : cents, { signDisplay: "always" })}
        </p>
        <StatusBadge status={transfer.status} testId="transfer-status" />
      </div>
    </li>
  );
}

function TransferHistory({ wallet }: { wallet: Wallet }) {
  const pages = useTransferPages(wallet.wallet_id);
  const transfers = pages.data?.pages.flatMap((page) => page.transfers);
  if (pages.isPending) return <LoadingBlock rows={4} label="Loading transfers…" />;
  if (!transfers) return <ErrorState error={pages.error} title="Could not load transfers" onRetry={() => void pages.refetch()} />;
  if (transfers.length === 0) {
    return <EmptyState title="No transfers yet">Money you send from this wallet, or receive into it, appears here.</EmptyState>;
  }
  return (
    <>
      <ul className="divide-y divide-slate-200">
        {transfers.map((t) => (
          <TransferRow key={t.transfer_id} transfer={t} walletId={wallet.wallet_id} />
        ))}
      </ul>
      {pages.isFetchNextPageError && <ErrorState error={pages.error} title="Could not load more" />}
      <LoadMore query={pages} />
    </>
  );
}

function TransfersView({ wallet }: { wallet: Wallet }) {
  const { wallets } = useActiveWallet();
  const [latest, setLatest] = useState<string | null>(null);
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
      <Card title="Send money" description={`From ${wallet.name}`}>
        <SendMoneyForm
          key={wallet.wallet_id}
          wallet={wallet}
          wallets={wallets ?? [wallet]}
          onSent={(transfer) => setLatest(transfer.transfer_id)}
        />
        {latest && (
          <div className="mt-5">
            <h3 className="mb-2 text-sm font-semibold text-slate-900">Latest transfer</h3>
            <LatestTransfer transferId={latest} />
          </div>
        )}
      </Card>
      <Card title="Transfers" description="Sent and received by this wallet">
        <TransferHistory wallet={wallet} />
      </Card>
    </div>
  );
}

export function TransfersScreen() {
  return (
    <>
      <PageHeader title="Send money" description="Pay a person by their email, or move money between your wallets." />
      <WalletRequired purpose="Money is sent from a wallet, so create one first.">
        {(wallet) => <TransfersView wallet={wallet} />}
      </WalletRequired>
    </>
  );
}
