/**
 * Interest rates as integer basis points (hundredths of a percent: 8.00% is 800), so rate maths
 * stays exact. The API writes a rate as a percent with two decimals ("8.00").
 */
import { MAX_APR_BP } from "./limits";
import { formatHundredths, hundredthsFromDigits } from "./money";

export type BasisPoints = number;

/** 800 → "8.00", 1999 → "19.99" (the API's `interest_rate` and `apr` format). */
export function formatRate(bp: BasisPoints): string {
  if (!Number.isSafeInteger(bp) || bp < 0) throw new RangeError(`not a rate in basis points: ${bp}`);
  return formatHundredths(bp);
}

const PERCENT = /^(0|[1-9]\d{0,2})(?:\.(\d{1,2}))?$/;

/** "19.99" → 1999: a percent 0..max with at most two decimals and no leading zeros; null otherwise. */
export function parseRate(text: string, max: BasisPoints = MAX_APR_BP): BasisPoints | null {
  const match = PERCENT.exec(text);
  if (!match) return null;
  const bp = hundredthsFromDigits(match[1]!, match[2]);
  return bp <= max ? bp : null;
}
