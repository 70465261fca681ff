/** What bench/scale-entry.ts seeds in one call (shared with the load generator in bench/run.ts). */
export type SeedRequest = {
  /** Wallets to open (D1 index row + ledger `open`) before crediting. */
  open: { wallet_id: string; user_id: string }[];
  /** Credits of 1.00 each: `count` transfers numbered from `from` (so chunks can be sent in parallel). */
  credits: { wallet_id: string; user_id: string; from: number; count: number }[];
};
