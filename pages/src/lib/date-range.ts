/**
 * The history's date range: calendar days picked in the person's time zone, sent to the API as
 * inclusive UTC timestamps (`from` the first millisecond of the first day, `to` the last of the last).
 */

export type DayRange = { from: string; to: string };
export type TimestampRange = { from?: string; to?: string };

function localDay(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(y, m - 1, d);
  // new Date() rolls "2026-02-31" over into March: such a day does not exist.
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d ? date : null;
}

/** Midnight at the start of a local day, as an ISO timestamp; null for anything but a real YYYY-MM-DD. */
export function startOfLocalDay(value: string): string | null {
  return localDay(value)?.toISOString() ?? null;
}

/** The last millisecond of a local day (a day is not always 24 hours: DST), as an ISO timestamp. */
export function endOfLocalDay(value: string): string | null {
  const day = localDay(value);
  if (!day) return null;
  const next = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1);
  return new Date(next.getTime() - 1).toISOString();
}

/** The API's `from`/`to` for a range; a blank or invalid end is left open. */
export function dayRangeToTimestamps(range: DayRange): TimestampRange {
  const from = range.from ? startOfLocalDay(range.from) : null;
  const to = range.to ? endOfLocalDay(range.to) : null;
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** A message when the range cannot match anything because it ends before it starts. */
export function dayRangeProblem(range: DayRange): string | null {
  if (!range.from || !range.to) return null;
  return range.from > range.to ? "The end date is before the start date" : null;
}
