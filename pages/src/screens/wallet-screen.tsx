import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useForm } from "react-hook-form";
import toast from "react-hot-toast";
import { Link, useSearchParams } from "react-router";
import { parseCents } from "../../../workers/domain/money";
import {
  fetchAllTransactions,
  type MovementVariables,
  useCreateWallet,
  useCredit,
  useDebit,
  useHolds,
  useTransactionPages,
} from "../api/hooks/wallet";
import { TRANSACTION_TYPE_LABELS, TRANSACTION_TYPES, type TransactionFilters, type TransactionType, type Wallet } from "../api/types";
import { useActiveWallet } from "../components/active-wallet";
import { AvailableBalance } from "../components/available-balance";
import { Button, buttonClass } from "../components/button";
import { Card, PageHeader, Stat } from "../components/card";
import { useConfirm } from "../components/confirm";
import { EmptyState, ErrorState, LoadingBlock } from "../components/feedback";
import { MoneyField, SelectField, TextField } from "../components/field";
import { applyApiFieldErrors } from "../components/form-errors";
import { LoadMore } from "../components/load-more";
import { TransactionList, useTransactionDetails } from "../components/transaction-list";
import { useDebouncedValue } from "../components/use-debounced-value";
import { WalletPicker } from "../components/wallet-picker";
import { transactionsToCsv } from "../lib/csv";
import { dayRangeProblem, dayRangeToTimestamps } from "../lib/date-range";
import { downloadText } from "../lib/download";
import { formatDateTime } from "../lib/format";
import { formatMoney } from "../lib/money";
import { holdsLine } from "../lib/payment-actions";
import { walletMovementSchema } from "../lib/validation";

type MovementMutation = ReturnType<typeof useCredit>;

function MovementForm({ wallet, kind, mutation }: { wallet: Wallet; kind: "credit" | "debit"; mutation: MovementMutation }) {
  const confirm = useConfirm();
  const form = useForm({ resolver: zodResolver(walletMovementSchema), defaultValues: { amount: "", description: "" } });
  const { errors } = form.formState;
  const verb = kind === "credit" ? "Deposit" : "Withdraw";

  const onSubmit = form.handleSubmit(async (values) => {
    const cents = parseCents(values.amount);
    const balance = parseCents(wallet.available_balance);
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

const SEARCH_DEBOUNCE_MS = 300;

/**
 * The history's filters, mirrored into the URL (a filtered view can be reloaded or shared): `type`,
 * `q` (typed text, sent once typing pauses) and `from`/`to` (local calendar days, inclusive). State
 * is the source and the URL follows it in one write, so quick successive edits cannot undo each other.
 */
function useHistoryFilters() {
  const [params, setParams] = useSearchParams();
  const [initial] = useState(() => {
    const raw = params.get("type");
    return {
      type: isTransactionType(raw) ? raw : null,
      text: params.get("q") ?? "",
      from: params.get("from") ?? "",
      to: params.get("to") ?? "",
    };
  });
  const [type, setType] = useState<TransactionType | null>(initial.type);
  const [text, setText] = useState(initial.text);
  const [days, setDays] = useState({ from: initial.from, to: initial.to });
  const q = useDebouncedValue(text.trim(), SEARCH_DEBOUNCE_MS);

  useEffect(() => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [name, value] of [
          ["type", type ?? ""],
          ["q", q],
          ["from", days.from],
          ["to", days.to],
        ] as const) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        return next;
      },
      { replace: true },
    );
  }, [type, q, days, setParams]);

  const setParam = (name: "type" | "from" | "to", value: string) => {
    if (name === "type") setType(isTransactionType(value) ? value : null);
    else setDays((current) => ({ ...current, [name]: value }));
  };

  const clear = () => {
    setType(null);
    setText("");
    setDays({ from: "", to: "" });
  };

  const filters: TransactionFilters = { type, ...(q ? { q } : {}), ...dayRangeToTimestamps(days) };
  const active = type !== null || text.trim() !== "" || days.from !== "" || days.to !== "";
  return { type, days, text, setText, setParam, clear, filters, active, problem: dayRangeProblem(days) };
}

function HistoryFilters({ filters }: { filters: ReturnType<typeof useHistoryFilters> }) {
  const { type, days, text, setText, setParam, clear, active, problem } = filters;
  return (
    <search aria-label="Filter transactions" className="mb-4">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <TextField
          label="Search"
          wrapperClassName="col-span-2 lg:col-span-1"
          type="search"
          value={text}
          maxLength={100}
          placeholder="Merchant, description…"
          autoComplete="off"
          onChange={(event) => setText(event.target.value)}
        />
        <SelectField
          label="Type"
          wrapperClassName="col-span-2 lg:col-span-1"
          value={type ?? ""}
          onChange={(event) => setParam("type", event.target.value)}
        >
          <option value="">All transactions</option>
          {TRANSACTION_TYPES.map((t) => (
            <option key={t} value={t}>
              {TRANSACTION_TYPE_LABELS[t]}
            </option>
          ))}
        </SelectField>
        <TextField
          label="From"
          type="date"
          value={days.from}
          max={days.to || undefined}
          onChange={(event) => setParam("from", event.target.value)}
        />
        <TextField
          label="To"
          type="date"
          value={days.to}
          min={days.from || undefined}
          error={problem ?? undefined}
          onChange={(event) => setParam("to", event.target.value)}
        />
      </div>
      {active && (
        <div className="mt-3">
          <Button variant="secondary" size="sm" onClick={clear}>
            Clear filters
          </Button>
        </div>
      )}
    </search>
  );
}

function History({ wallet }: { wallet: Wallet }) {
  const historyFilters = useHistoryFilters();
  const { filters, active, problem, clear } = historyFilters;
  const pages = useTransactionPages(wallet.wallet_id, filters, problem === null);
  const details = useTransactionDetails(wallet.wallet_id);
  const transactions = pages.data?.pages.flatMap((page) => page.transactions);

  const exportCsv = useMutation({
    mutationFn: () => fetchAllTransactions(wallet.wallet_id, filters),
    onSuccess: (all) => {
      const suffix = filters.type ? `-${filters.type.toLowerCase()}` : "";
      downloadText(`transactions${suffix}-${new Date().toISOString().slice(0, 10)}.csv`, transactionsToCsv(all));
      toast.success(`Exported ${all.length} ${all.length === 1 ? "transaction" : "transactions"}`);
    },
    meta: { failure: "Export failed" },
  });

  const clearAction = (
    <Button variant="secondary" size="sm" onClick={clear}>
      Clear filters
    </Button>
  );

  return (
    <Card
      title="History"
      actions={
        <Button
          variant="secondary"
          size="sm"
          loading={exportCsv.isPending}
          onClick={() => exportCsv.mutate()}
          disabled={problem !== null || transactions?.length === 0}
        >
          Export CSV
        </Button>
      }
    >
      <HistoryFilters filters={historyFilters} />
      {problem ? (
        <EmptyState title="No matching transactions" action={clearAction}>
          {problem}.
        </EmptyState>
      ) : pages.isPending ? (
        <LoadingBlock rows={5} label="Loading transactions…" />
      ) : transactions === undefined ? (
        <ErrorState error={pages.error} title="Could not load transactions" onRetry={() => void pages.refetch()} />
      ) : transactions.length === 0 ? (
        active ? (
          <EmptyState title="No matching transactions" action={clearAction}>
            Nothing in this wallet matches these filters. Try other words or dates.
          </EmptyState>
        ) : (
          <EmptyState title="No transactions yet">Deposits, payments and loan movements will appear here.</EmptyState>
        )
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

/** Authorizations holding part of the balance, each with the way to capture or cancel it. */
function Holds({ wallet }: { wallet: Wallet }) {
  const line = holdsLine(wallet);
  const holds = useHolds(wallet.wallet_id, line !== null);
  if (line === null) return null;
  return (
    <Card title="On hold" description={<span data-testid="holds-line">{line}</span>}>
      {holds.isPending ? (
        <LoadingBlock rows={1} label="Loading holds…" />
      ) : !holds.data ? (
        <ErrorState error={holds.error} title="Could not load the holds" onRetry={() => void holds.refetch()} />
      ) : (
        <ul className="divide-y divide-slate-200">
          {holds.data.map((hold) => (
            <li key={hold.hold_id} className="flex flex-wrap items-start justify-between gap-3 py-3" data-testid="hold-row">
              <div className="min-w-0 flex-1">
                <p className="truncate font-medium text-slate-900">{hold.reason}</p>
                <p className="text-xs text-slate-600">
                  Released <time dateTime={hold.expires_at}>{formatDateTime(hold.expires_at)}</time> unless captured first
                </p>
              </div>
              <div className="flex shrink-0 items-center gap-3">
                <p className="font-semibold tabular-nums">{formatMoney(hold.amount, { currency: wallet.currency })}</p>
                <Link to={`/payments/${hold.reference_id}`} className={buttonClass("secondary", "sm")}>
                  Capture or cancel<span className="sr-only"> {hold.reason}</span>
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function WalletView({ wallet }: { wallet: Wallet }) {
  const credit = useCredit();
  const debit = useDebit();
  return (
    <div className="space-y-6">
      <WalletPicker />
      <Card>
        <dl className="grid grid-cols-1 gap-6 sm:grid-cols-2">
          <AvailableBalance wallet={wallet} />
          <Stat
            label="In savings goals"
            value={formatMoney(wallet.savings_balance, { currency: wallet.currency })}
            testId="savings-balance"
          />
        </dl>
        <Link to={`/wallet/${wallet.wallet_id}/statements`} className={buttonClass("secondary", "sm", "mt-4")}>
          Monthly statements
        </Link>
      </Card>
      <Holds wallet={wallet} />
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
