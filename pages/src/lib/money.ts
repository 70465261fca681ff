/**
 * Money for people. The API sends money as decimal strings ("1250.00"); the domain module
 * (workers/domain/money.ts) turns them into integer cents for any arithmetic and back. Here cents
 * are only displayed, through Intl.NumberFormat fed the exact decimal string (never a float).
 */
import { type Cents, formatCents, parseCents } from "../../../workers/domain/money";

export const DEFAULT_CURRENCY = "USD";
const LOCALE = "en-US";

/** Sum of API money strings, exact. */
export function sumMoney(values: readonly string[]): Cents {
  let total = 0;
  for (const value of values) total += parseCents(value);
  if (!Number.isSafeInteger(total)) throw new RangeError(`not an integer number of cents: ${total}`);
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

/** Formats integer cents or an API money string for people: 125000 or "1250.00" → "$1,250.00". */
export function formatMoney(value: Cents | string, options: FormatMoneyOptions = {}): string {
  const cents = typeof value === "string" ? parseCents(value) : value;
  const decimal = formatCents(cents) as `${number}`;
  return formatter(options.currency ?? DEFAULT_CURRENCY, options.signDisplay ?? "auto").format(decimal);
}

/** A signed amount for a wallet transaction: "+$12.50" for credits, "-$12.50" for debits. */
export function formatSignedMoney(amount: string, direction: "CREDIT" | "DEBIT", currency?: string): string {
  const cents = parseCents(amount);
  return formatMoney(direction === "DEBIT" ? -cents : cents, { currency, signDisplay: "always" });
}

const compact = new Intl.NumberFormat(LOCALE, {
  style: "currency",
  currency: DEFAULT_CURRENCY,
  notation: "compact",
  maximumFractionDigits: 1,
});

// Charts plot integer cents, so nothing is converted to floating point on the way; the axis and
// tooltip formatters below turn a plotted value back into money text.

/** A chart axis tick in cents → "$1.2K". Ticks between whole cents (an axis below a few cents) are rounded. */
export function formatChartTick(cents: number): string {
  return compact.format(formatCents(Math.round(cents)) as `${number}`);
}

/** A plotted value in cents → exact money text for tooltips. */
export function formatChartMoney(value: unknown): string {
  const cents = typeof value === "number" ? value : Number(value);
  return Number.isSafeInteger(cents) ? formatMoney(cents) : "";
}
