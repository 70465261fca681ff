import { useEffect, useId, useRef, useState } from "react";
import { NavLink, Outlet, useLocation, useNavigate, useNavigation } from "react-router";
import { useSignOut } from "../api/hooks/auth";
import { useWalletLive } from "../api/live";
import type { User } from "../api/types";
import { useUserLive } from "../api/user-live";
import { ActiveWalletProvider, useActiveWallet } from "./active-wallet";
import { Button } from "./button";
import { LiveIndicator } from "./live-indicator";
import { NotificationBell } from "./notification-bell";
import { ThemeSwitch } from "./theme-switch";

type NavItem = { to: string; label: string; end?: boolean; admin?: boolean };

const NAV: NavItem[] = [
  { to: "/", label: "Dashboard", end: true },
  { to: "/wallet", label: "Wallet" },
  { to: "/loans", label: "Loans" },
  { to: "/payments", label: "Payments" },
  { to: "/transfers", label: "Send money" },
  { to: "/savings", label: "Savings" },
  { to: "/debt-optimiser", label: "Debt optimiser" },
  { to: "/settings", label: "Settings", end: true },
  { to: "/settings/integrations", label: "Integrations" },
  { to: "/admin", label: "Admin", admin: true },
];

function navClass({ isActive }: { isActive: boolean }): string {
  return `block rounded-lg px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-emerald-700 ${
    isActive ? "bg-emerald-50 text-emerald-800" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900"
  }`;
}

function Live() {
  const { wallet } = useActiveWallet();
  const status = useWalletLive(wallet?.wallet_id);
  if (!wallet) return null;
  return <LiveIndicator status={status} />;
}

function Shell({ user }: { user: User }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  const navigation = useNavigation();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const menuId = useId();
  const items = NAV.filter((item) => !item.admin || user.role === "admin");
  // The user's feed: statuses and notifications of every wallet arrive pushed (no polling).
  useUserLive(true);

  // A route change closes the phone menu and moves focus to the new screen, so keyboard and
  // screen-reader users start reading it from the top (not on the first render).
  const mainRef = useRef<HTMLElement>(null);
  const lastPath = useRef(location.pathname);
  useEffect(() => {
    if (lastPath.current === location.pathname) return;
    lastPath.current = location.pathname;
    setMenuOpen(false);
    mainRef.current?.focus();
  }, [location.pathname]);

  const links = items.map((item) => (
    <li key={item.to}>
      <NavLink to={item.to} end={item.end} className={navClass}>
        {item.label}
      </NavLink>
    </li>
  ));

  const onSignOut = () => signOut.mutate(undefined, { onSuccess: () => navigate("/sign-in", { replace: true }) });

  return (
    <div className="min-h-dvh">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded-lg focus:bg-white focus:px-3 focus:py-2 focus:shadow"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-3">
          <NavLink to="/" className="flex items-center gap-2 font-semibold text-slate-900">
            <span className="grid size-8 place-items-center rounded-lg bg-emerald-700 text-white" aria-hidden="true">
              $
            </span>
            <span className="max-[379px]:sr-only">Edge Fintech</span>
          </NavLink>
          <div className="ml-auto flex items-center gap-2">
            <Live />
            <NotificationBell />
            <ThemeSwitch className="hidden md:block" />
            <span className="hidden max-w-48 truncate text-sm text-slate-600 lg:inline" title={user.email}>
              {user.name || user.email}
              {user.role === "admin" && <span className="ml-1 rounded bg-slate-800 px-1.5 py-0.5 text-xs text-white">admin</span>}
            </span>
            {/* A wrapper hides it on phones: on the button, "hidden" loses to the button's own inline-flex. */}
            <div className="hidden md:block">
              <Button variant="ghost" size="sm" onClick={onSignOut} loading={signOut.isPending}>
                Sign out
              </Button>
            </div>
            <Button
              variant="ghost"
              size="sm"
              className="md:hidden"
              aria-expanded={menuOpen}
              aria-controls={menuId}
              onClick={() => setMenuOpen((open) => !open)}
            >
              <svg viewBox="0 0 20 20" className="size-5" aria-hidden="true" fill="currentColor">
                {menuOpen ? (
                  <path d="M5.3 4.3 10 9l4.7-4.7 1 1L11 10l4.7 4.7-1 1L10 11l-4.7 4.7-1-1L9 10 4.3 5.3z" />
                ) : (
                  <path d="M3 5h14v1.5H3zm0 4.25h14v1.5H3zM3 13.5h14V15H3z" />
                )}
              </svg>
              Menu
            </Button>
          </div>
        </div>
        <nav aria-label="Main" className="mx-auto hidden max-w-6xl px-4 pb-2 md:block">
          <ul className="flex flex-wrap gap-1">{links}</ul>
        </nav>
        {menuOpen && (
          <nav id={menuId} aria-label="Main" className="border-t border-slate-200 px-4 py-2 md:hidden">
            <ul className="space-y-1">{links}</ul>
            <div className="mt-2 flex flex-wrap items-center justify-between gap-2 border-t border-slate-200 pt-2">
              <span className="truncate text-sm text-slate-600">{user.email}</span>
              <ThemeSwitch />
              <Button variant="secondary" size="sm" onClick={onSignOut} loading={signOut.isPending}>
                Sign out
              </Button>
            </div>
          </nav>
        )}
        {navigation.state !== "idle" && (
          <div className="absolute inset-x-0 bottom-0 h-0.5 motion-safe:animate-pulse bg-emerald-600" aria-hidden="true" />
        )}
      </header>
      <main
        ref={mainRef}
        id="main"
        tabIndex={-1}
        className="mx-auto max-w-6xl px-4 py-6 focus:outline-none"
        aria-busy={navigation.state !== "idle"}
      >
        <Outlet context={user} />
      </main>
    </div>
  );
}

export function AppLayout({ user }: { user: User }) {
  return (
    <ActiveWalletProvider>
      <Shell user={user} />
    </ActiveWalletProvider>
  );
}
