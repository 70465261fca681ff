/** Choosing among a person's wallets (API.md: up to 10 each, listed oldest first). */

export const WALLET_LIMIT = 10;

/** The wallet the screens act on: the remembered one while it still exists, else the oldest; null when there is none. */
export function pickWallet<W extends { wallet_id: string }>(wallets: readonly W[], rememberedId: string | null): W | null {
  return wallets.find((w) => w.wallet_id === rememberedId) ?? wallets[0] ?? null;
}

export function canCreateWallet(wallets: readonly unknown[]): boolean {
  return wallets.length < WALLET_LIMIT;
}
