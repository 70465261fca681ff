/**
 * Every service's due work, in one place (see workers/lib/due-work.ts). Loan servicing charges
 * interest, requests autopay and charges late fees; hold expiry releases authorizations past their
 * expiry.
 */
import type { DueWork } from "./lib/due-work";
import { loanServicing } from "./loans/loans.servicing";
import { expireDueAuthorizations } from "./payments";

export const DUE_WORK: readonly DueWork[] = [
  loanServicing,
  // The ledger's alarm releases each hold at its expiry by real time; this releases those the
  // project's clock has passed (the test clock's advance, or an alarm that has not run yet).
  { name: "payments.hold-expiry", run: async (env, now) => ({ done: await expireDueAuthorizations(env, now), waiting: 0 }) },
];
