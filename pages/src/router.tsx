/**
 * Routes. Every screen is its own lazily loaded chunk, so the first load carries only the shell
 * (router, query client, layout); charts load with the screens that draw them.
 */
import { createBrowserRouter, Outlet, type RouteObject } from "react-router";
import { LoadingBlock } from "./components/feedback";
import { PublicOnly, RequireAdmin, RequireAuth } from "./components/guards";
import { AppLayout } from "./components/layout";
import { RouteError } from "./components/route-error";
import { Toasts } from "./components/toasts";
import { useUser } from "./components/use-user";
import { NotFoundScreen } from "./screens/not-found-screen";

function Hydrating() {
  return (
    <div className="mx-auto max-w-md p-8">
      <LoadingBlock rows={3} />
    </div>
  );
}

/** The whole app: the screens, and the one place toasts appear. */
function Root() {
  return (
    <>
      <Outlet />
      <Toasts />
    </>
  );
}

function PublicArea() {
  return (
    <PublicOnly>
      <Outlet />
    </PublicOnly>
  );
}

function SignedInArea() {
  return <RequireAuth>{(user) => <AppLayout user={user} />}</RequireAuth>;
}

function AdminArea() {
  const user = useUser();
  return (
    <RequireAdmin user={user} fallback={<NotFoundScreen />}>
      <Outlet context={user} />
    </RequireAdmin>
  );
}

export const routes: RouteObject[] = [
  {
    Component: Root,
    ErrorBoundary: RouteError,
    HydrateFallback: Hydrating,
    children: [
      {
        Component: PublicArea,
        children: [
          { path: "sign-in", lazy: () => import("./screens/sign-in-screen").then((m) => ({ Component: m.SignInScreen })) },
          { path: "sign-up", lazy: () => import("./screens/sign-up-screen").then((m) => ({ Component: m.SignUpScreen })) },
        ],
      },
      {
        Component: SignedInArea,
        children: [
          { index: true, lazy: () => import("./screens/dashboard-screen").then((m) => ({ Component: m.DashboardScreen })) },
          { path: "wallet", lazy: () => import("./screens/wallet-screen").then((m) => ({ Component: m.WalletScreen })) },
          {
            path: "wallet/:walletId/statements/:period?",
            lazy: () => import("./screens/statement-screen").then((m) => ({ Component: m.StatementScreen })),
          },
          { path: "loans", lazy: () => import("./screens/loans-screen").then((m) => ({ Component: m.LoansScreen })) },
          {
            path: "loans/:loanId",
            lazy: () => import("./screens/loan-detail-screen").then((m) => ({ Component: m.LoanDetailScreen })),
          },
          { path: "payments", lazy: () => import("./screens/payments-screen").then((m) => ({ Component: m.PaymentsScreen })) },
          {
            path: "payments/:paymentId",
            lazy: () => import("./screens/payment-detail-screen").then((m) => ({ Component: m.PaymentDetailScreen })),
          },
          { path: "transfers", lazy: () => import("./screens/transfers-screen").then((m) => ({ Component: m.TransfersScreen })) },
          { path: "savings", lazy: () => import("./screens/savings-screen").then((m) => ({ Component: m.SavingsScreen })) },
          {
            path: "debt-optimiser",
            lazy: () => import("./screens/debt-optimiser-screen").then((m) => ({ Component: m.DebtOptimiserScreen })),
          },
          { path: "settings", lazy: () => import("./screens/settings-screen").then((m) => ({ Component: m.SettingsScreen })) },
          {
            path: "settings/integrations",
            lazy: () => import("./screens/integrations-screen").then((m) => ({ Component: m.IntegrationsScreen })),
          },
          {
            path: "admin",
            Component: AdminArea,
            children: [{ index: true, lazy: () => import("./screens/admin-screen").then((m) => ({ Component: m.AdminScreen })) }],
          },
          { path: "*", Component: NotFoundScreen },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
