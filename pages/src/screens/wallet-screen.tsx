import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import toast from "react-hot-toast";
import { useSearchParams } from "react-router";
import { parseCents } from "../../../workers/domain/money";
import {
  fetchAllTransactions,
  type MovementVariables,
  useCreateWallet,
  useCredit,
  useDebit,
  useTransactionPages,
} from "../api/hooks/wallet";
import { TRANSACTION_TYPE_LABELS, TRANSACTION_TYPES, type TransactionType, type Wallet } from "../api/types";
import { useActiveWallet } from "../components/active-wallet";
import { Button } from "../components/button";
import { Card, PageHeader, Stat } from "../components/card";
import { useConfirm } from "../components/confirm";
import { EmptyState, ErrorState, LoadingBlock } from "../components/feedback";
import { MoneyField, SelectField, TextField } from "../components/field";
import { applyApiFieldErrors } from "../components/form-errors";
import { LoadMore } from "../components/load-more";
import { TransactionList, useTransactionDetails } from "../components/transaction-list";
import { transactionsToCsv } from "../lib/csv";
import { downloadText } from "../lib/download";
import { formatMoney } from "../lib/money";
import { walletMovementSchema } from "../lib/validation";

type MovementMutation = ReturnType<typeof useCredit>;

function MovementForm({ wallet, kind, mutation }: { wallet: Wallet; kind: "credit" | "debit"; mutation: MovementMutation }) {
  const confirm = useConfirm();
  const form = useForm({ resolver: zodResolver(walletMovementSchema), defaultValues: { amount: "", description: "" } });
  const { errors } = form.formState;
  const verb = kind === "credit" ? "Deposit" : "Withdraw";

  const onSubmit = form.handleSubmit(async (values) => {
    const cents = parseCents(values.amount);
    const balance = parseCents(wallet.balance);
    if (kind === "debit" && cents > balance) {
      form.setError("amount", { message: `That is more than your spendable balance (${formatMoney(balance)})` });
      return;
    }
    const after = kind === "credit" ? balance + cents : balance - cents;
    const ok = await confirm({
      title: `${verb} ${formatMoney(cents)}?`,
      body: (
        <>
          {kind === "credit" ? "Add" : "Take"} <strong>{formatMoney(cents)}</strong> {kind === "credit" ? "to" : "from"} your wallet
          {values.description ? ` (“${values.description}”)` : ""}. Your balance will be about {formatMoney(after)}.
        </>
      ),
      confirmLabel: verb,
    });
    if (!ok) return;
    const variables: MovementVariables = { walletId: wallet.wallet_id, amount: values.amount, description: values.description };
    mutation.mutate(variables, {
      onSuccess: () => form.reset(),
      onError: (error) => applyApiFieldErrors(error, form.setError, ["amount", "description"]),
    });
  });

  return (
    <Card
      title={kind === "credit" ? "Deposit" : "Withdraw"}
      description={kind === "credit" ? "Add money to your wallet." : "Take money out of your wallet."}
    >
      <form noValidate className="space-y-4" onSubmit={onSubmit}>
        <MoneyField label="Amount" error={errors.amount?.message} {...form.register("amount")} />
        <TextField label="Description (optional)" error={errors.description?.message} {...form.register("description")} />
        <Button type="submit" variant={kind === "credit" ? "primary" : "secondary"} loading={mutation.isPending}>
          {verb}
        </Button>
      </form>
    </Card>
  );
}

function isTransactionType(value: string | null): value is TransactionType {
  return value !== null && (TRANSACTION_TYPES as readonly string[]).includes(value);
}

function History({ wallet }: { wallet: Wallet }) {
  const [params, setParams] = useSearchParams();
  const raw = params.get("type");
  const type = isTransactionType(raw) ? raw : null;
  const pages = useTransactionPages(wallet.wallet_id, type);
  const details = useTransactionDetails(wallet.wallet_id);
  const transactions = pages.data?.pages.flatMap((page) => page.transactions);

  const exportCsv = useMutation({
    mutationFn: () => fetchAllTransactions(wallet.wallet_id, type),
    onSuccess: (all) => {
      const suffix = type ? `-${type.toLowerCase()}` : "";
      downloadText(`transactions${suffix}-${new Date().toISOString().slice(0, 10)}.csv`, transactionsToCsv(all));
      toast.success(`Exported ${all.length} ${all.length === 1 ? "transaction" : "transactions"}`);
    },
    meta: { failure: "Export failed" },
  });

  return (
    <Card
      title="History"
      actions={
        <Button
          variant="secondary"
          size="sm"
          loading={exportCsv.isPending}
          onClick={() => exportCsv.mutate()}
          disabled={transactions?.length === 0}
        >
          Export CSV
        </Button>
      }
    >
      <div className="mb-4 max-w-xs">
        <SelectField
          label="Type"
          value={type ?? ""}
          onChange={(event) => {
            const next = new URLSearchParams(params);
            if (event.target.value) next.set("type", event.target.value);
            else next.delete("type");
            setParams(next, { replace: true });
          }}
        >
          <option value="">All transactions</option>
          {TRANSACTION_TYPES.map((t) => (
            <option key={t} value={t}>
              {TRANSACTION_TYPE_LABELS[t]}
            </option>
          ))}
        </SelectField>
      </div>
      {pages.isPending ? (
        <LoadingBlock rows={5} label="Loading transactions…" />
      ) : transactions === undefined ? (
        <ErrorState error={pages.error} title="Could not load transactions" onRetry={() => void pages.refetch()} />
      ) : transactions.length === 0 ? (
        <EmptyState title={type ? `No ${TRANSACTION_TYPE_LABELS[type].toLowerCase()} transactions` : "No transactions yet"}>
          {type ? "Try another type." : "Deposits, payments and loan movements will appear here."}
        </EmptyState>
      ) : (
        <>
          <TransactionList transactions={transactions} currency={wallet.currency} details={details} />
          {pages.isFetchNextPageError && <ErrorState error={pages.error} title="Could not load more" />}
          <LoadMore query={pages} />
        </>
      )}
    </Card>
  );
}

function WalletView({ wallet }: { wallet: Wallet }) {
  const credit = useCredit();
  const debit = useDebit();
  return (
    <div className="space-y-6">
      <Card>
        <dl className="grid grid-cols-1 gap-6 sm:grid-cols-2">
          <Stat label="Spendable balance" value={formatMoney(wallet.balance, { currency: wallet.currency })} testId="balance" />
          <Stat
            label="In savings goals"
            value={formatMoney(wallet.savings_balance, { currency: wallet.currency })}
            testId="savings-balance"
          />
        </dl>
      </Card>
      <div className="grid grid-cols-1 gap-6 md:grid-cols-2">
        <MovementForm wallet={wallet} kind="credit" mutation={credit} />
        <MovementForm wallet={wallet} kind="debit" mutation={debit} />
      </div>
      <History wallet={wallet} />
    </div>
  );
}

function CreateWallet() {
  const create = useCreateWallet();
  return (
    <Card>
      <EmptyState
        title="You don't have a wallet yet"
        action={
          <Button loading={create.isPending} onClick={() => create.mutate({ currency: "USD" })}>
            Create my wallet
          </Button>
        }
      >
        A US dollar wallet holds your spendable money and your savings goals.
      </EmptyState>
    </Card>
  );
}

export function WalletScreen() {
  const { wallet, error, isPending, refetch } = useActiveWallet();
  return (
    <>
      <PageHeader title="Wallet" description="Deposit, withdraw and review every movement." />
      {isPending ? (
        <LoadingBlock rows={4} label="Loading your wallet…" />
      ) : wallet === undefined ? (
        <ErrorState error={error} title="Could not load your wallet" onRetry={() => void refetch()} />
      ) : wallet === null ? (
        <CreateWallet />
      ) : (
        <WalletView wallet={wallet} />
      )}
    </>
  );
}
