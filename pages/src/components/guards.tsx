import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { useMe } from "../api/hooks/auth";
import type { User } from "../api/types";
import { ErrorState, LoadingBlock } from "./feedback";

function FullPageLoading() {
  return (
    <div className="mx-auto max-w-md p-8">
      <LoadingBlock rows={3} label="Checking your session…" />
    </div>
  );
}

/** Signed-in area: a missing or expired session (401) goes to sign-in and comes back afterwards. */
export function RequireAuth({ children }: { children: (user: User) => ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <FullPageLoading />;
  if (me.data === null) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in${next === "/" ? "" : `?next=${encodeURIComponent(next)}`}`} replace />;
  }
  if (me.data === undefined) {
    return (
      <div className="mx-auto max-w-md p-8">
        <ErrorState error={me.error} title="Could not reach the service" onRetry={() => void me.refetch()} />
      </div>
    );
  }
  return <>{children(me.data)}</>;
}

/**
 * Admin routes: a customer gets `fallback` (the not-found screen) at the same URL, like the API's
 * 404 for foreign resources: nothing admin is fetched or shown, and a redirect would hide why.
 */
export function RequireAdmin({ user, fallback, children }: { user: User; fallback: ReactNode; children: ReactNode }) {
  if (user.role !== "admin") return <>{fallback}</>;
  return <>{children}</>;
}

/** Sign-in and sign-up: someone already signed in goes straight to where they were heading. */
export function PublicOnly({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <FullPageLoading />;
  if (me.data) return <Navigate to={safeNext(new URLSearchParams(location.search).get("next"))} replace />;
  return <>{children}</>;
}

/** Only same-app paths, so ?next= can never send someone to another site. */
function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}
