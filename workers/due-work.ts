/**
 * Every service's due work, in one place (see workers/lib/due-work.ts). Loan servicing charges
 * interest, requests autopay and charges late fees; hold expiry releases authorizations past their
 * expiry.
 */
import type { DueWork } from "./lib/due-work";
import { loanServicing } from "./loans/loans.servicing";

export const DUE_WORK: readonly DueWork[] = [
  loanServicing,
  // Hold expiry (payments): { name: "payments.hold-expiry", run: async (env, now) => ({ done: await expireDueAuthorizations(env, now), waiting: 0 }) },
];
