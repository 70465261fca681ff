/**
 * The limits API.md sets on amounts and terms, shared by the API's validation and the UI's forms so
 * a person sees the same bounds before anything is sent.
 */
import type { Cents } from "./money";
import type { BasisPoints } from "./rates";

/** Largest single movement the API accepts (a credit, debit, payment, repayment, goal target or add): 1,000,000.00. */
export const MAX_MOVEMENT_CENTS: Cents = 100_000_000;

/** A loan's principal: 50.00 .. 50,000.00. */
export const LOAN_MIN_CENTS: Cents = 5_000;
export const LOAN_MAX_CENTS: Cents = 5_000_000;

/** A loan's term in whole months. */
export const LOAN_MIN_TERM_MONTHS = 1;
export const LOAN_MAX_TERM_MONTHS = 60;

/** The debt optimiser: at most 50 debts, each with an APR of 0 .. 100.00%. */
export const MAX_DEBTS = 50;
export const MAX_APR_BP: BasisPoints = 10_000;
