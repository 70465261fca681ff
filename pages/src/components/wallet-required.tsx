import type { ReactNode } from "react";
import { Link } from "react-router";
import type { Wallet } from "../api/types";
import { useActiveWallet } from "./active-wallet";
import { buttonClass } from "./button";
import { Card } from "./card";
import { EmptyState, ErrorState, LoadingBlock } from "./feedback";
import { WalletPicker } from "./wallet-picker";

/** Renders the wallet picker and its children with the active wallet, or the loading, error or "no wallet yet" state. */
export function WalletRequired({ children, purpose }: { children: (wallet: Wallet) => ReactNode; purpose: string }) {
  const { wallet, error, isPending, refetch } = useActiveWallet();
  if (isPending) return <LoadingBlock rows={4} label="Loading your wallet…" />;
  if (wallet === undefined) return <ErrorState error={error} title="Could not load your wallet" onRetry={() => void refetch()} />;
  if (wallet === null) {
    return (
      <Card>
        <EmptyState
          title="You don't have a wallet yet"
          action={
            <Link to="/wallet" className={buttonClass("primary")}>
              Create your wallet
            </Link>
          }
        >
          {purpose}
        </EmptyState>
      </Card>
    );
  }
  return (
    <>
      <WalletPicker />
      {children(wallet)}
    </>
  );
}
