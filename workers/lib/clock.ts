/**
 * The one source of "now" for every date rule (loan servicing, hold expiry, statements). Read it
 * through this function, never through Date.now(), so the adjustable test clock (TEST_CLOCK, local
 * and staging only) moves every rule at once.
 */
export async function clockNow(_env: Env): Promise<Date> {
  return new Date();
}
