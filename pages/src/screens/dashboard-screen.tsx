import { lazy, Suspense } from "react";
import { Link } from "react-router";
import { useLoansByWallet } from "../api/hooks/loans";
import { useRecentTransactions } from "../api/hooks/wallet";
import type { Loan, Wallet } from "../api/types";
import { useActiveWallet } from "../components/active-wallet";
import { AvailableBalance } from "../components/available-balance";
import { buttonClass } from "../components/button";
import { Card, PageHeader, Stat } from "../components/card";
import { BalanceAsOf } from "../components/charts/balance-as-of";
import { EmptyState, QueryState, Skeleton } from "../components/feedback";
import { FirstSteps } from "../components/first-steps";
import { LoanStanding } from "../components/status-badge";
import { TransactionList, useTransactionDetails } from "../components/transaction-list";
import { useUser } from "../components/use-user";
import { WalletRequired } from "../components/wallet-required";
import { formatPercent } from "../lib/format";
import { formatMoney, sumMoney } from "../lib/money";

const BalanceChart = lazy(() => import("../components/charts/dashboard-charts").then((m) => ({ default: m.BalanceChart })));
const FlowChart = lazy(() => import("../components/charts/dashboard-charts").then((m) => ({ default: m.FlowChart })));

const CHART_WINDOW = 100;

function ChartSkeleton() {
  return (
    <div role="status">
      <span className="sr-only">Loading chart…</span>
      <Skeleton className="h-5 w-40" />
      <Skeleton className="mt-3 h-64 w-full" />
    </div>
  );
}

function ActiveLoans({ wallet }: { wallet: Wallet }) {
  const loans = useLoansByWallet(wallet.wallet_id);
  return (
    <Card
      title="Loans"
      actions={
        <Link to="/loans" className={buttonClass("secondary", "sm")}>
          All loans
        </Link>
      }
    >
      <QueryState
        query={loans}
        isEmpty={(list) => list.filter(isOpen).length === 0}
        empty={<EmptyState title="No active loans">Apply for a micro-loan from the Loans page.</EmptyState>}
      >
        {(list) => (
          <ul className="divide-y divide-slate-200">
            {list.filter(isOpen).map((loan) => (
              <li key={loan.loan_id} className="flex items-center justify-between gap-3 py-3">
                <div className="min-w-0">
                  <Link to={`/loans/${loan.loan_id}`} className="font-medium text-slate-900 underline-offset-2 hover:underline">
                    {loan.purpose || "Micro-loan"}
                  </Link>
                  <p className="text-xs text-slate-600">
                    {formatMoney(loan.amount)} · {formatPercent(loan.interest_rate)} · {loan.loan_term_months} months
                  </p>
                </div>
                <LoanStanding loan={loan} className="shrink-0 text-right" />
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Card>
  );
}

const isOpen = (loan: Loan) => loan.status === "APPROVED" || loan.status === "PENDING";

function Overview({ wallet }: { wallet: Wallet }) {
  const recent = useRecentTransactions(wallet.wallet_id, CHART_WINDOW);
  const details = useTransactionDetails(wallet.wallet_id);
  const loans = useLoansByWallet(wallet.wallet_id);
  const approved = loans.data?.filter((loan) => loan.status === "APPROVED") ?? [];
  const owed = sumMoney(approved.map((loan) => loan.remaining_balance));

  return (
    <div className="space-y-6">
      {recent.data?.length === 0 && <FirstSteps hasWallet />}
      <Card>
        <dl className="grid grid-cols-1 gap-6 sm:grid-cols-3">
          <AvailableBalance wallet={wallet} />
          <Stat
            label="In savings goals"
            value={formatMoney(wallet.savings_balance, { currency: wallet.currency })}
            testId="savings-balance"
          />
          <Stat
            label="Owed on loans"
            value={loans.data ? formatMoney(owed) : <Skeleton className="h-8 w-28" />}
            hint={loans.data ? `${approved.length} active ${approved.length === 1 ? "loan" : "loans"}` : undefined}
            testId="loans-owed"
          />
        </dl>
      </Card>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card>
          <QueryState
            query={recent}
            loading={<ChartSkeleton />}
            isEmpty={(list) => list.length === 0}
            empty={<EmptyState title="No activity to chart yet">Your balance history appears after your first deposit.</EmptyState>}
          >
            {(list) => (
              <Suspense fallback={<ChartSkeleton />}>
                <BalanceChart transactions={list} />
              </Suspense>
            )}
          </QueryState>
          <BalanceAsOf walletId={wallet.wallet_id} currency={wallet.currency} />
        </Card>
        <Card>
          <QueryState
            query={recent}
            loading={<ChartSkeleton />}
            isEmpty={(list) => list.length === 0}
            empty={<EmptyState title="No money movements yet" />}
          >
            {(list) => (
              <Suspense fallback={<ChartSkeleton />}>
                <FlowChart transactions={list} />
              </Suspense>
            )}
          </QueryState>
        </Card>
      </div>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card
          title="Recent activity"
          actions={
            <Link to="/wallet" className={buttonClass("secondary", "sm")}>
              Full history
            </Link>
          }
        >
          <QueryState
            query={recent}
            isEmpty={(list) => list.length === 0}
            empty={
              <EmptyState
                title="No transactions yet"
                action={
                  <Link to="/wallet" className={buttonClass("primary", "sm")}>
                    Make a deposit
                  </Link>
                }
              />
            }
          >
            {(list) => <TransactionList transactions={list.slice(0, 8)} currency={wallet.currency} details={details} />}
          </QueryState>
        </Card>
        <ActiveLoans wallet={wallet} />
      </div>
    </div>
  );
}

export function DashboardScreen() {
  const user = useUser();
  const { wallet } = useActiveWallet();
  return (
    <>
      <PageHeader title={`Hello${user.name ? `, ${user.name}` : ""}`} documentTitle="Dashboard" description="Your money at a glance." />
      {wallet === null && (
        <div className="mb-6">
          <FirstSteps hasWallet={false} />
        </div>
      )}
      <WalletRequired purpose="Create a wallet to start depositing, paying and saving.">
        {(wallet) => <Overview wallet={wallet} />}
      </WalletRequired>
    </>
  );
}
