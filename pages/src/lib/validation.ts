/**
 * Form schemas mirroring API.md's rules, so a person sees the same limits the API enforces before
 * anything is sent. Form fields are strings; each schema's output is the request body (amounts as
 * canonical "12.50" strings).
 */
import { z } from "zod";
import {
  LOAN_MAX_CENTS,
  LOAN_MAX_TERM_MONTHS,
  LOAN_MIN_CENTS,
  LOAN_MIN_TERM_MONTHS,
  MAX_DEBTS,
  MAX_MOVEMENT_CENTS,
} from "../../../workers/domain/limits";
import { type Cents, formatCents, parseAmountInput } from "../../../workers/domain/money";
import { formatRate, parseRate } from "../../../workers/domain/rates";
import { formatMoney } from "./money";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export type AmountRule = { min?: Cents; max?: Cents; label?: string };
export type AmountCheck = { ok: true; cents: Cents; value: string } | { ok: false; message: string };

/** Checks an amount a person typed against API.md's money rules and the field's own limits. */
export function checkAmount(text: string, rule: AmountRule = {}): AmountCheck {
  const { min = 1, max = MAX_MOVEMENT_CENTS, label = "Amount" } = rule;
  const parsed = parseAmountInput(text, Number.MAX_SAFE_INTEGER);
  if (!parsed.ok) {
    switch (parsed.reason) {
      case "empty":
        return { ok: false, message: `${label} is required` };
      case "decimals":
        return { ok: false, message: `${label} can have at most two decimals` };
      case "zero":
        return { ok: false, message: `${label} must be greater than zero` };
      case "too_large":
        return { ok: false, message: `${label} must be at most ${formatMoney(max)}` };
      case "format":
        return { ok: false, message: `${label} must be a positive number like 12.50` };
    }
  }
  if (parsed.cents < min) return { ok: false, message: `${label} must be at least ${formatMoney(min)}` };
  if (parsed.cents > max) return { ok: false, message: `${label} must be at most ${formatMoney(max)}` };
  return { ok: true, cents: parsed.cents, value: formatCents(parsed.cents) };
}

/** A money field: a string in, the canonical "12.50" string out. */
export function amountField(rule: AmountRule = {}) {
  return z.string().transform((text, ctx) => {
    const checked = checkAmount(text, rule);
    if (!checked.ok) {
      ctx.addIssue({ code: "custom", message: checked.message });
      return z.NEVER;
    }
    return checked.value;
  });
}

/** An optional free-text field: blank becomes undefined so it is left out of the request. */
export function optionalText(max: number, label: string) {
  return z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters`)
    .transform((value) => (value === "" ? undefined : value));
}

function requiredText(max: number, label: string) {
  return z.string().trim().min(1, `${label} is required`).max(max, `${label} must be at most ${max} characters`);
}

export const email = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address"));

export const signUpSchema = z.object({
  email,
  password: z
    .string()
    .min(PASSWORD_MIN, `Password must be at least ${PASSWORD_MIN} characters`)
    .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`),
  name: optionalText(100, "Name"),
});

export const signInSchema = z.object({
  email,
  password: z.string().min(1, "Password is required").max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`),
});

/** Wallet credit and debit. */
export const walletMovementSchema = z.object({
  amount: amountField(),
  description: optionalText(200, "Description"),
});

/** A wallet's name (API.md: 1..50 characters, no control characters or bidirectional overrides). */
const walletName = z
  .string()
  .trim()
  .min(1, "Name is required")
  .max(50, "Name must be at most 50 characters")
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what the API refuses.
  .refine((value) => !/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(value), "Name cannot contain control characters");

export const renameWalletSchema = z.object({ name: walletName });

/** A new wallet's name is optional: the API calls an unnamed one "Main". */
export const newWalletSchema = z.object({
  name: z.string().transform((value, context) => {
    if (value.trim() === "") return undefined;
    const checked = walletName.safeParse(value);
    if (!checked.success) {
      for (const issue of checked.error.issues) context.addIssue({ code: "custom", message: issue.message });
      return z.NEVER;
    }
    return checked.data;
  }),
});

export const loanApplicationSchema = z.object({
  amount: amountField({ min: LOAN_MIN_CENTS, max: LOAN_MAX_CENTS, label: "Loan amount" }),
  loan_term_months: z.string().transform((text, ctx) => {
    const term = /^\s*\d{1,3}\s*$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(term) || term < LOAN_MIN_TERM_MONTHS || term > LOAN_MAX_TERM_MONTHS) {
      ctx.addIssue({
        code: "custom",
        message: `Term must be a whole number of months from ${LOAN_MIN_TERM_MONTHS} to ${LOAN_MAX_TERM_MONTHS}`,
      });
      return z.NEVER;
    }
    return term;
  }),
  purpose: optionalText(200, "Purpose"),
});

/** Repaying a loan: at most what is still owed (after pending repayments). */
export function repaymentSchema(outstanding: Cents) {
  return z.object({
    amount: amountField({ max: Math.min(outstanding, MAX_MOVEMENT_CENTS), label: "Repayment" }),
  });
}

export const paymentSchema = z.object({
  merchant: requiredText(100, "Merchant"),
  amount: amountField(),
  description: optionalText(200, "Description"),
});

/** Today's date in the person's time zone as YYYY-MM-DD. */
export function localDateString(date = new Date()): string {
  const month = String(date.getMonth() + 1).padStart(2, "0");
  const day = String(date.getDate()).padStart(2, "0");
  return `${date.getFullYear()}-${month}-${day}`;
}

function isRealDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Creating a savings goal; `today` is injectable for tests. */
export function savingsGoalSchema(today = localDateString()) {
  return z.object({
    goal_name: requiredText(100, "Goal name"),
    target_amount: amountField({ label: "Target amount" }),
    target_date: z
      .string()
      .trim()
      .refine((value) => value === "" || isRealDate(value), "Enter a date as YYYY-MM-DD")
      .refine((value) => value === "" || value > today, "Target date must be in the future")
      .transform((value) => (value === "" ? undefined : value)),
  });
}

export const savingsAddSchema = z.object({ amount: amountField() });

export const rejectLoanSchema = z.object({ reason: optionalText(200, "Reason") });

const APR_INPUT = /^\d{1,3}(?:\.\d{1,2})?$/;

/** An APR as typed ("19.99", " 07.5 ") → basis points, or null when it is not 0..100 with ≤ 2 decimals. */
export function parseApr(text: string): number | null {
  const typed = text.trim();
  // People may type leading zeros; the API's canonical form has none.
  return APR_INPUT.test(typed) ? parseRate(typed.replace(/^0+(?=\d)/, "")) : null;
}

/** A debt's minimum payment: like an amount, but 0 is allowed (a debt with no minimum). */
function checkMinimumPayment(text: string): AmountCheck {
  if (/^\s*0*(?:\.0{0,2})?\s*$/.test(text) && /0/.test(text)) return { ok: true, cents: 0, value: "0.00" };
  return checkAmount(text, { label: "Minimum payment" });
}

export type DebtFormRow = { name: string; balance: string; apr: string; minimum_payment: string };

/**
 * The debt optimiser form: either typed debts (1..50, unique names) or "use my approved loans"
 * (the API reads them from the wallet). Rows are checked only when they are sent.
 */
export const debtOptimiserSchema = z
  .object({
    source: z.enum(["manual", "loans"]),
    monthly_budget: z.string(),
    debts: z.array(z.object({ name: z.string(), balance: z.string(), apr: z.string(), minimum_payment: z.string() })),
  })
  .transform((form, ctx) => {
    const budget = checkAmount(form.monthly_budget, { label: "Monthly budget" });
    if (!budget.ok) ctx.addIssue({ code: "custom", path: ["monthly_budget"], message: budget.message });
    if (form.source === "loans") {
      return budget.ok ? { source: "loans" as const, monthly_budget: budget.value } : z.NEVER;
    }
    if (form.debts.length < 1) ctx.addIssue({ code: "custom", path: ["debts"], message: "Add at least one debt" });
    if (form.debts.length > MAX_DEBTS) {
      ctx.addIssue({ code: "custom", path: ["debts"], message: `At most ${MAX_DEBTS} debts` });
    }
    // Names key the API's per-month maps, so they must be unique (exactly, as the API compares them).
    const seen = new Set<string>();
    const debts = form.debts.map((row, index) => {
      const name = row.name.trim();
      if (name === "") ctx.addIssue({ code: "custom", path: ["debts", index, "name"], message: "Name is required" });
      else if (name.length > 40) {
        ctx.addIssue({ code: "custom", path: ["debts", index, "name"], message: "Name must be at most 40 characters" });
      } else if (seen.has(name)) {
        ctx.addIssue({ code: "custom", path: ["debts", index, "name"], message: "Names must be unique" });
      }
      seen.add(name);
      const balance = checkAmount(row.balance, { label: "Balance" });
      if (!balance.ok) ctx.addIssue({ code: "custom", path: ["debts", index, "balance"], message: balance.message });
      const minimum = checkMinimumPayment(row.minimum_payment);
      if (!minimum.ok) {
        ctx.addIssue({ code: "custom", path: ["debts", index, "minimum_payment"], message: minimum.message });
      }
      const apr = parseApr(row.apr);
      if (row.apr.trim() === "") {
        ctx.addIssue({ code: "custom", path: ["debts", index, "apr"], message: "APR is required" });
      } else if (apr === null) {
        ctx.addIssue({ code: "custom", path: ["debts", index, "apr"], message: "APR must be 0 to 100 with at most two decimals" });
      }
      return {
        name,
        balance: balance.ok ? balance.value : "",
        apr: apr === null ? "" : formatRate(apr),
        minimum_payment: minimum.ok ? minimum.value : "",
      };
    });
    if (!budget.ok) return z.NEVER;
    return { source: "manual" as const, monthly_budget: budget.value, debts };
  });

export type DebtOptimiserForm = z.input<typeof debtOptimiserSchema>;
export type DebtOptimiserRequest = z.output<typeof debtOptimiserSchema>;

/** Password change: the API judges strength (a 400 with the reason); here only length and the typo check. */
export const changePasswordSchema = z
  .object({
    current_password: z
      .string()
      .min(1, "Current password is required")
      .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`),
    new_password: z
      .string()
      .min(PASSWORD_MIN, `New password must be at least ${PASSWORD_MIN} characters`)
      .max(PASSWORD_MAX, `New password must be at most ${PASSWORD_MAX} characters`),
    confirm_password: z.string(),
  })
  .refine((values) => values.confirm_password === values.new_password, {
    path: ["confirm_password"],
    message: "The passwords do not match",
  })
  .refine((values) => values.new_password !== values.current_password || values.new_password === "", {
    path: ["new_password"],
    message: "Choose a password different from the current one",
  });

/** A 6-digit authenticator code; spaces and dashes people type from the app are dropped. */
export const otpSchema = z.object({
  otp: z
    .string()
    .transform((value) => value.replace(/[\s-]/g, ""))
    .pipe(z.string().regex(/^\d{6}$/, "Enter the 6-digit code from your authenticator app")),
});
