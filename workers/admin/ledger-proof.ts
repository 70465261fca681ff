/**
 * The conservation proof (GET /v1/admin/ledger, invariant 12). Every wallet's ledger names the other
 * side of each entry, so summing all ledgers gives two views of the same money: what the wallets and
 * goals hold, and the net each counterparty account has moved into them. No movement creates or
 * destroys money, so the two agree to the cent; `difference` is where they do not.
 */
import { createDb } from "../lib/db";
import { ledgerFor } from "../lib/ledger";
import { wallets } from "../lib/schema";

/** The external accounts always listed, in this order (zero when none), then any other one seen. */
export const PROOF_ACCOUNTS = ["funding", "payouts", "adjustments", "merchants", "loans"] as const;

/** Accounts whose other side is inside the proof itself: pockets (`goals`) and other wallets (`wallets`). */
const INTERNAL = new Set(["goals", "wallets"]);

const CONCURRENCY = 8;

export type LedgerProof = {
  wallets: number;
  goals: number;
  held: number;
  counterparties: { account: string; balance: number }[];
  inTransit: number;
  difference: number;
};

export async function proveConservation(env: Env): Promise<LedgerProof> {
  const walletIds = (await createDb(env.DB).select({ id: wallets.walletId }).from(wallets)).map((w) => w.id);
  let posted = 0;
  let goals = 0;
  let held = 0;
  const nets = new Map<string, number>([...PROOF_ACCOUNTS, ...INTERNAL].map((a) => [a, 0]));
  for (let i = 0; i < walletIds.length; i += CONCURRENCY) {
    const chunk = walletIds.slice(i, i + CONCURRENCY);
    for (const totals of await Promise.all(chunk.map((id) => ledgerFor(env, id).totals()))) {
      // A wallet listed in D1 whose ledger was never opened holds nothing (reconciliation reports it).
      if (!totals) continue;
      posted += totals.balance;
      goals += totals.pockets;
      held += totals.held;
      for (const { account, net } of totals.accounts) nets.set(account, (nets.get(account) ?? 0) + net);
    }
  }
  const counterparties = [...nets].filter(([account]) => !INTERNAL.has(account)).map(([account, balance]) => ({ account, balance }));
  // Transfers between wallets debit the sender (counterparty `wallet:{recipient}`) at once and credit
  // the recipient later through the saga. Once both sides are posted the `wallets` nets cancel out; in
  // between, their sum is minus the money that left a sender and has not landed yet: in transit.
  const inTransit = -(nets.get("wallets") ?? 0);
  const sources = counterparties.reduce((sum, c) => sum + c.balance, 0);
  return { wallets: posted, goals, held, counterparties, inTransit, difference: posted + goals + inTransit - sources };
}
