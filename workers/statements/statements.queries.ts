import { ledgerFor } from "../lib/ledger";

/** The period's entries and the chain before them, from the wallet's ledger; null when not the owner's. */
export const periodEntries = (env: Env, walletId: string, owner: string, from: string, to: string) =>
  ledgerFor(env, walletId).statementEntries(owner, from, to);

/** The months with activity, newest first; null when not the owner's. */
export const activePeriods = (env: Env, walletId: string, owner: string) => ledgerFor(env, walletId).statementPeriods(owner);
