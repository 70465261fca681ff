import { DurableObject } from "cloudflare:workers";
import { sweepOutbox } from "../workers/lib/outbox";
import { type DueSaga, findUnfinished, hasUnfinished, publishRequests, redriveAfterMs, sagaKey } from "../workers/lib/saga-sweep";

export type SweepResult = { redriven: number; outbox: number; unfinished: boolean };

/** At most this many requests are re-driven per run (oldest first); the next run takes the rest. */
const MAX_PER_RUN = 200;
/** Candidates read per saga kind per run (more than MAX_PER_RUN, so sagas in backoff do not starve the rest). */
const CANDIDATES = 500;
/** The alarm keeps running this long after the last arm() even when nothing is unfinished yet. */
const KEEP_ALIVE_MS = 10_000;
const DAY_MS = 86_400_000;

/**
 * The one saga sweeper (a singleton, `idFromName("saga-sweeper")`). Its alarm runs the sweep every
 * few seconds while any saga is unfinished; saga-starting requests arm it (off the hot path), and
 * alarms persist, so a local stack restarted after `kill -9` heals without the cron trigger, which
 * deployed runs the same sweep. Sweeps are single-flight: a sweep asked for while one runs joins it.
 *
 * Each saga is re-driven with a backoff (the re-drive timeout, doubled per attempt, capped at ten
 * times it), so a saga that is only slow under load is not flooded with duplicate requests.
 */
export class SagaSweeper extends DurableObject<Env> {
  private running: Promise<SweepResult> | null = null;
  private lastArmedAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS redrives (saga TEXT PRIMARY KEY, attempts INTEGER NOT NULL, last_at INTEGER NOT NULL)",
    );
  }

  /** Arms the alarm unless one is already set. */
  async arm(): Promise<void> {
    this.lastArmedAt = Date.now();
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + this.intervalMs());
  }

  /** Runs one sweep, or joins the one already running (`redriveAfterMs` overrides the configured timeout). */
  sweep(options: { redriveAfterMs?: number } = {}): Promise<SweepResult> {
    if (!this.running) {
      this.running = this.runSweep(options.redriveAfterMs ?? redriveAfterMs(this.env)).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** How many re-drives each saga has had (tests and operators read it). */
  redriveCount(kind: string, id: string): number {
    return (
      this.ctx.storage.sql.exec<{ attempts: number }>("SELECT attempts FROM redrives WHERE saga = ?", sagaKey(kind, id)).toArray()[0]
        ?.attempts ?? 0
    );
  }

  override async alarm(): Promise<void> {
    let unfinished = true;
    try {
      unfinished = (await this.sweep()).unfinished;
    } catch (error) {
      console.error(JSON.stringify({ level: "error", msg: "saga sweep failed", error: String(error) }));
    }
    if (unfinished || Date.now() - this.lastArmedAt < KEEP_ALIVE_MS) {
      await this.ctx.storage.setAlarm(Date.now() + this.intervalMs());
    }
  }

  private intervalMs(): number {
    return Math.min(30_000, Math.max(1_000, redriveAfterMs(this.env) / 2));
  }

  private async runSweep(after: number): Promise<SweepResult> {
    const now = Date.now();
    let outbox = 0;
    try {
      outbox = await sweepOutbox(this.env);
    } catch (error) {
      console.error(JSON.stringify({ level: "error", msg: "outbox sweep failed", error: String(error) }));
    }
    const sql = this.ctx.storage.sql;
    const due: DueSaga[] = [];
    for (const saga of await findUnfinished(this.env, after, CANDIDATES)) {
      if (due.length >= MAX_PER_RUN) break;
      const row = sql
        .exec<{ attempts: number; last_at: number }>("SELECT attempts, last_at FROM redrives WHERE saga = ?", sagaKey(saga.kind, saga.id))
        .toArray()[0];
      const wait = row ? Math.min(after * 2 ** (row.attempts - 1), after * 10) : 0;
      if (row && now - row.last_at < wait) continue;
      due.push(saga);
    }
    const redriven = await publishRequests(this.env, due);
    for (const saga of due) {
      sql.exec(
        `INSERT INTO redrives (saga, attempts, last_at) VALUES (?, 1, ?)
         ON CONFLICT (saga) DO UPDATE SET attempts = attempts + 1, last_at = excluded.last_at`,
        sagaKey(saga.kind, saga.id),
        now,
      );
    }
    sql.exec("DELETE FROM redrives WHERE last_at < ?", now - DAY_MS);
    if (redriven > 0) console.log(JSON.stringify({ level: "info", msg: "sagas re-driven", count: redriven }));
    return { redriven, outbox, unfinished: await hasUnfinished(this.env) };
  }
}
