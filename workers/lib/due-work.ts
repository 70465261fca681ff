/**
 * Due work: what a service does when the clock reaches a date (a loan's due date, a hold's expiry).
 * Each service exports its entries; workers/due-work.ts lists them in one place (as workers/events.ts
 * lists event subscribers), so services never import each other. The cron trigger runs every entry
 * by the clock; the test clock's advance runs them until nothing due is left.
 */
export type DueWorkResult = {
  /** Steps applied in this run. */
  done: number;
  /**
   * Work that is due but waits on a saga still running (an autopay debit on its way): the next run
   * continues it. The clock's advance waits for it; the cron simply comes back a minute later.
   */
  waiting: number;
};

export type DueWork = { name: string; run: (env: Env, now: Date) => Promise<DueWorkResult> };

/** Runs every entry once, in order, each on its own: one entry's failure does not stop the others. */
export async function runDueWorkOnce(env: Env, now: Date, entries: readonly DueWork[]): Promise<DueWorkResult> {
  const total: DueWorkResult = { done: 0, waiting: 0 };
  const failures: unknown[] = [];
  for (const entry of entries) {
    try {
      const result = await entry.run(env, now);
      total.done += result.done;
      total.waiting += result.waiting;
    } catch (error) {
      console.error(JSON.stringify({ level: "error", msg: "due work failed", work: entry.name, error: String(error) }));
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
  return total;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the entries until nothing due up to `now` is left: work waiting on a saga is retried every
 * `pollMs` until it settles or `timeoutMs` passes (then it is left to the next cron run, and the
 * answer says so).
 */
export async function runDueWorkUntilDone(
  env: Env,
  now: Date,
  entries: readonly DueWork[],
  { timeoutMs = 20_000, pollMs = 25 }: { timeoutMs?: number; pollMs?: number } = {},
): Promise<DueWorkResult & { settled: boolean }> {
  const deadline = Date.now() + timeoutMs;
  const total: DueWorkResult = { done: 0, waiting: 0 };
  for (;;) {
    const result = await runDueWorkOnce(env, now, entries);
    total.done += result.done;
    total.waiting = result.waiting;
    if (result.waiting === 0 && result.done === 0) return { ...total, settled: true };
    if (result.waiting > 0 && result.done === 0) {
      if (Date.now() > deadline) return { ...total, settled: false };
      await sleep(pollMs);
    }
  }
}
