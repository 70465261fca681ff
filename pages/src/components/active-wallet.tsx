import { createContext, type ReactNode, useContext, useState } from "react";
import { useWallets } from "../api/hooks/wallet";
import type { Wallet } from "../api/types";
import { pickWallet } from "../lib/wallets";

const STORAGE_KEY = "edge-fintech.active-wallet";

type ActiveWallet = {
  wallets: Wallet[] | undefined;
  /** The wallet the screens act on; null when the person has none yet; undefined while loading. */
  wallet: Wallet | null | undefined;
  error: unknown;
  isPending: boolean;
  refetch: () => unknown;
  select: (walletId: string) => void;
};

const ActiveWalletContext = createContext<ActiveWallet | null>(null);

function storedWalletId(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function ActiveWalletProvider({ children }: { children: ReactNode }) {
  const query = useWallets();
  const [selected, setSelected] = useState<string | null>(storedWalletId);
  const wallets = query.data;
  const wallet = wallets ? pickWallet(wallets, selected) : undefined;

  const select = (walletId: string) => {
    setSelected(walletId);
    try {
      localStorage.setItem(STORAGE_KEY, walletId);
    } catch {
      // Private mode: the choice just lasts for this visit.
    }
  };

  return (
    <ActiveWalletContext value={{ wallets, wallet, error: query.error, isPending: query.isPending, refetch: query.refetch, select }}>
      {children}
    </ActiveWalletContext>
  );
}

export function useActiveWallet(): ActiveWallet {
  const value = useContext(ActiveWalletContext);
  if (!value) throw new Error("useActiveWallet needs an <ActiveWalletProvider>");
  return value;
}
