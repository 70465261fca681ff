/** Dates for people, in their time zone. */
const dateTime = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });
const date = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" });
const dateOnlyUtc = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });
const shortDate = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric" });
const timeOfDay = new Intl.DateTimeFormat("en-US", { timeStyle: "short" });
const timeWithSeconds = new Intl.DateTimeFormat("en-US", { timeStyle: "medium" });

export function formatDateTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : dateTime.format(time);
}

/** A calendar date: "2027-06-30" stays that day whatever the time zone; timestamps use local time. */
export function formatDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return dateOnlyUtc.format(Date.parse(`${value}T00:00:00Z`));
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : date.format(time);
}

export function formatShortDate(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : shortDate.format(time);
}

export function formatTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : timeOfDay.format(time);
}

export function formatTimeWithSeconds(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : timeWithSeconds.format(time);
}

/** Percent for an API rate string: "8.00" → "8.00%". */
export function formatPercent(rate: string): string {
  return `${rate}%`;
}

const FAILURE_REASONS: Record<string, string> = {
  INSUFFICIENT_FUNDS: "Not enough money in the wallet",
  PROCESSING_ERROR: "It could not be processed; nothing was taken",
  EXPIRED: "The authorization expired and was released",
};

/** A saga's `failure_reason` for people; unknown codes are shown as they are. */
export function failureReasonText(reason: string | null): string | null {
  return reason ? (FAILURE_REASONS[reason] ?? reason) : null;
}
