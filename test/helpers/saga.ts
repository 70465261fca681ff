/**
 * A controllable queue for saga tests: real deliveries are captured (see `queueTap`) and redelivered
 * by the test through the Worker's own queue() handler, with seeded shuffling, duplicates, injected
 * consumer failures, retries up to max_retries, dead-lettering, and Durable Object eviction.
 */
import { createExecutionContext, createMessageBatch, env, evictAllDurableObjects, getQueueResult } from "cloudflare:test";
import { consumerFaults, processBatch, queueTap } from "../../workers/events";
import { sweepOutbox } from "../../workers/lib/outbox";
import { findUnfinished, publishRequests } from "../../workers/lib/saga-sweep";

export const MAX_RETRIES = 3;

export type Delivery = { queue: string; body: unknown; attempts: number };

/** mulberry32: a tiny seeded PRNG, so every chaos run can be reproduced from its seed. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class ChaosQueue {
  readonly pending: Delivery[] = [];
  readonly stats = { delivered: 0, duplicated: 0, injectedFailures: 0, retried: 0, deadLettered: 0, evictions: 0 };
  private readonly faults = new Map<string, "before" | "after">();
  private steps = 0;

  constructor(
    private readonly random: () => number,
    private readonly options: { failureRate: number; duplicateRate: number; evictEvery: number; walletIds: () => string[] },
  ) {}

  install(): void {
    queueTap.capture = (queue, body) => this.pending.push({ queue, body, attempts: 1 });
    consumerFaults.inject = (point, _subscriber, event) => {
      if (this.faults.get(event.event_id) === point) {
        this.faults.delete(event.event_id);
        throw new Error(`injected consumer failure (${point})`);
      }
    };
  }

  uninstall(): void {
    queueTap.capture = undefined;
    consumerFaults.inject = undefined;
  }

  /** Delivers until nothing is pending and `done()` holds, flushing outboxes when the queue runs dry. */
  async drain(done: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let idle = 0;
    while (Date.now() < deadline) {
      if (this.pending.length === 0) {
        if (await done()) return;
        idle++;
        await new Promise((r) => setTimeout(r, 5));
        if (idle % 20 === 0) await this.flushOutboxes();
        continue;
      }
      idle = 0;
      await this.step();
    }
    throw new Error(`chaos queue did not drain: ${this.pending.length} pending, stats ${JSON.stringify(this.stats)}`);
  }

  /** Delivers at most `steps` batches and stops, leaving the rest in flight (checks made mid-workload). */
  async deliverSome(steps: number): Promise<void> {
    for (let i = 0; i < steps && this.pending.length > 0; i++) await this.step();
  }

  private async step(): Promise<void> {
    const size = 1 + Math.floor(this.random() * Math.min(3, this.pending.length));
    const batchItems: Delivery[] = [];
    for (let i = 0; i < size; i++) {
      const index = Math.floor(this.random() * this.pending.length);
      const [item] = this.pending.splice(index, 1);
      if (!item) continue;
      batchItems.push(item);
      if (this.random() < this.options.duplicateRate) {
        this.pending.push({ ...item, attempts: 1 });
        this.stats.duplicated++;
      }
      const id = (item.body as { event_id?: string }).event_id;
      if (id && !item.queue.endsWith("-dlq") && this.random() < this.options.failureRate) {
        this.faults.set(id, this.random() < 0.5 ? "before" : "after");
        this.stats.injectedFailures++;
      }
    }
    // One batch per queue, as the platform would deliver them.
    for (const queue of new Set(batchItems.map((i) => i.queue))) {
      const items = batchItems.filter((i) => i.queue === queue);
      const messages = items.map((item, n) => ({
        id: `m-${this.steps}-${n}`,
        timestamp: new Date(),
        attempts: item.attempts,
        body: item.body,
      }));
      const batch = createMessageBatch(queue, messages);
      const ctx = createExecutionContext();
      await processBatch(batch, env);
      const result = await getQueueResult(batch, ctx);
      items.forEach((item, n) => {
        const id = messages[n]!.id;
        this.stats.delivered++;
        if (result.explicitAcks.includes(id)) return;
        this.stats.retried++;
        if (item.attempts > MAX_RETRIES) {
          this.stats.deadLettered++;
          this.pending.push({ queue: `${queue}-dlq`, body: item.body, attempts: 1 });
        } else {
          this.pending.push({ ...item, attempts: item.attempts + 1 });
        }
      });
    }
    if (++this.steps % this.options.evictEvery === 0) {
      await evictAllDurableObjects();
      this.stats.evictions++;
    }
  }

  /**
   * What the ledgers' alarms and the cron sweep would send a little later: the outboxes, and a
   * re-drive of every saga still unfinished (an outcome event that dead-lettered leaves its saga
   * PENDING until the sweep publishes its request again). Called when nothing is pending.
   */
  async flushOutboxes(): Promise<void> {
    for (const walletId of this.options.walletIds()) {
      await env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId)).drainOutbox();
    }
    await sweepOutbox(env, 0);
    await publishRequests(env, await findUnfinished(env, 0, 50));
  }
}
