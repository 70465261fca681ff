/**
 * The UI's only money module. The API sends money as decimal strings with exactly two decimals
 * ("1250.00"); here they become integer cents for any arithmetic (sums, comparisons) and go back
 * to display through Intl.NumberFormat, which formats the exact decimal string (no float rounding).
 */

export type Cents = number;

/** Largest single movement the API accepts: 1,000,000.00 (API.md, Conventions). */
export const MAX_MOVEMENT_CENTS: Cents = 100_000_000;

export const DEFAULT_CURRENCY = "USD";
const LOCALE = "en-US";

const API_MONEY = /^(-?)(0|[1-9]\d*)\.(\d{2})$/;
const INPUT_MONEY = /^(\d+)(?:\.(\d{1,2}))?$/;
const TOO_MANY_DECIMALS = /^\d+\.\d{3,}$/;
/** Thousands separators are accepted only in proper groups, so "1,5" is never read as 15. */
const GROUPED = /^\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

function assertCents(cents: Cents): void {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an integer number of cents: ${cents}`);
}

/** "1250.00" → 125000. Throws on anything that is not an API money string. */
export function parseMoney(value: string): Cents {
  const match = API_MONEY.exec(value);
  if (!match) throw new RangeError(`not a money string: ${JSON.stringify(value)}`);
  const [, sign, whole = "0", fraction = "00"] = match;
  const cents = Number(whole) * 100 + Number(fraction);
  assertCents(cents);
  return sign === "-" && cents !== 0 ? -cents : cents;
}

/** 125000 → "1250.00" (the API's request and response format). */
export function centsToDecimal(cents: Cents): string {
  assertCents(cents);
  const abs = Math.abs(cents);
  const whole = Math.trunc(abs / 100);
  const fraction = String(abs % 100).padStart(2, "0");
  return `${cents < 0 ? "-" : ""}${whole}.${fraction}`;
}

export type AmountInputResult = { ok: true; cents: Cents } | { ok: false; reason: "empty" | "format" | "decimals" | "zero" | "too_large" };

/**
 * Reads what a person typed into an amount field: "12", "12.5", "12.50" (surrounding spaces and
 * well-placed thousands commas are tolerated). Rejects signs, exponents and more than two decimals, like the API.
 */
export function parseAmountInput(text: string, max: Cents = MAX_MOVEMENT_CENTS): AmountInputResult {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, reason: "empty" };
  if (trimmed.includes(",") && !GROUPED.test(trimmed)) return { ok: false, reason: "format" };
  const cleaned = trimmed.replace(/,/g, "");
  const match = INPUT_MONEY.exec(cleaned);
  if (!match) {
    return { ok: false, reason: TOO_MANY_DECIMALS.test(cleaned) ? "decimals" : "format" };
  }
  const [, whole = "0", fraction = ""] = match;
  if (whole.replace(/^0+/, "").length > 13) return { ok: false, reason: "too_large" };
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  if (cents === 0) return { ok: false, reason: "zero" };
  if (cents > max) return { ok: false, reason: "too_large" };
  return { ok: true, cents };
}

/** Sum of API money strings, exact. */
export function sumMoney(values: readonly string[]): Cents {
  let total = 0;
  for (const value of values) total += parseMoney(value);
  assertCents(total);
  return total;
}

const formatters = new Map<string, Intl.NumberFormat>();
function formatter(currency: string, signDisplay: "auto" | "always" | "exceptZero"): Intl.NumberFormat {
  const key = `${currency}|${signDisplay}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, { style: "currency", currency, signDisplay });
    formatters.set(key, f);
  }
  return f;
}

export type FormatMoneyOptions = {
  currency?: string;
  /** "always" renders "+$12.50" / "-$12.50", for signed movements. */
  signDisplay?: "auto" | "always" | "exceptZero";
};

/**
 * Formats integer cents or an API money string for people: 125000 or "1250.00" → "$1,250.00".
 * Intl receives the exact decimal string, never a float.
 */
export function formatMoney(value: Cents | string, options: FormatMoneyOptions = {}): string {
  const cents = typeof value === "string" ? parseMoney(value) : value;
  const decimal = centsToDecimal(cents) as `${number}`;
  return formatter(options.currency ?? DEFAULT_CURRENCY, options.signDisplay ?? "auto").format(decimal);
}

/** A signed amount for a wallet transaction: "+$12.50" for credits, "-$12.50" for debits. */
export function formatSignedMoney(amount: string, direction: "CREDIT" | "DEBIT", currency?: string): string {
  const cents = parseMoney(amount);
  return formatMoney(direction === "DEBIT" ? -cents : cents, { currency, signDisplay: "always" });
}

const compact = new Intl.NumberFormat(LOCALE, {
  style: "currency",
  currency: DEFAULT_CURRENCY,
  notation: "compact",
  maximumFractionDigits: 1,
});

/**
 * Display-only: cents as a JS number of currency units, for chart axes and plotted points.
 * Never feed the result back into money arithmetic.
 */
export function centsToChartValue(cents: Cents): number {
  return cents / 100;
}

/** Display-only: a chart axis tick ("$1.2K") from a chart value made by centsToChartValue. */
export function formatChartTick(value: number): string {
  return compact.format(value);
}

/** Display-only: a plotted value (from centsToChartValue) back to exact money text for tooltips. */
export function formatChartMoney(value: unknown): string {
  const number = typeof value === "number" ? value : Number(value);
  return Number.isFinite(number) ? formatMoney(Math.round(number * 100)) : "";
}
