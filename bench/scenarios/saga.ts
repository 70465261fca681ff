import { randomUUID } from "node:crypto";
import type { BenchContext } from "../lib/context";
import { openLoop } from "../lib/load";
import { budgetVerdict, DEADLINE_MS, followLate, fundedWallets, rateLadder, withCpu } from "../lib/saga-load";
import { Server } from "../lib/server";
import { summary } from "../lib/stats";
import { Arrivals } from "../lib/util";

/** POST /v1/payment → terminal status at 50/s, then rising rates until one loses a payment. */
export async function saga({ options, results, bundle }: BenchContext): Promise<void> {
  const server = await Server.start("saga", { config: "wrangler.toml", bundle: bundle("api"), driver: options.driver, d1: true });
  const sockets: { close(): void }[] = [];
  try {
    // 20 wallets over two customers (a customer may open at most 10).
    const { wallets, tokens, token } = await fundedWallets(server, ["bench-saga-1@example.com", "bench-saga-2@example.com"]);
    // payment id → when the ledger's PAYMENT_OUT arrived on the wallet's live feed.
    const committed = new Arrivals<number>();
    for (const id of wallets) {
      sockets.push(
        await server.live(id, token(id), (message) => {
          if (message.type !== "transaction" || message.transaction.type !== "PAYMENT_OUT") return;
          committed.arrive(message.transaction.reference_id as string, performance.now());
        }),
      );
    }
    // payment id → its terminal business event on the user's live socket (what the UI waits for).
    const terminal = new Arrivals<{ at: number; status: string; serverMs: number }>();
    for (const userToken of tokens) {
      sockets.push(
        await server.userLive(userToken, (message) => {
          const type = message.type === "event" ? message.event.type : undefined;
          if (type !== "payment.succeeded" && type !== "payment.failed") return;
          const data = message.event.data;
          terminal.arrive(data.transaction_id, {
            at: performance.now(),
            status: data.status,
            serverMs: Date.parse(data.updated_at) - Date.parse(data.created_at),
          });
        }),
      );
    }
    /** Payments not terminal within DEADLINE_MS: followed after the ladder to tell slow from lost. */
    const late: string[] = [];
    const walletOf = new Map<string, string>();
    type Trace = { post: number[]; commit: number[]; server: number[]; confirms: Promise<void>[]; mismatched: number };
    const payOnce = (trace: Trace) => async (i: number, scheduled: number) => {
      const walletId = wallets[i % wallets.length] ?? "";
      const res = await server.call("/v1/payment", {
        token: token(walletId),
        key: randomUUID(),
        body: { wallet_id: walletId, merchant: "bench", amount: "1.00" },
      });
      if (res.status !== 202) return false;
      trace.post.push(performance.now() - scheduled);
      const id: string = res.body.payment.transaction_id;
      walletOf.set(id, walletId);
      const deadline = scheduled + DEADLINE_MS;
      const commit = await committed.wait(id, deadline - performance.now());
      if (commit !== undefined) trace.commit.push(commit - scheduled);
      // Terminal: its business event on the user socket (pushed after the status commit in D1).
      const done = await terminal.wait(id, deadline - performance.now());
      if (!done) {
        late.push(id);
        return false;
      }
      // One read, outside the measured time, confirms that what was pushed is what D1 holds.
      trace.confirms.push(
        server.call(`/v1/payment/${id}`, { token: token(walletId) }).then((got) => {
          if (got.body?.payment?.status !== done.status) trace.mismatched++;
        }),
      );
      if (done.status !== "SUCCESSFUL") return false;
      trace.server.push(done.serverMs);
      return true;
    };
    // Warm the whole path (queue consumer, outbox drain, D1) before measuring.
    const warm: Trace = { post: [], commit: [], server: [], confirms: [], mismatched: 0 };
    for (let i = 0; i < 20; i++) await payOnce(warm)(i, performance.now());
    await server.measureIdle();

    const run = async (rate: number, seconds: number) => {
      const trace: Trace = { post: [], commit: [], server: [], confirms: [], mismatched: 0 };
      const mark = server.logs.length;
      const stats = await withCpu(server, async () => {
        const window = await openLoop(rate, seconds, payOnce(trace));
        await Promise.all(trace.confirms);
        return window;
      });
      const post = summary(trace.post);
      const commit = summary(trace.commit);
      const srv = summary(trace.server);
      results.rows.push({
        scenario: "saga",
        case: "POST /payment → SUCCESSFUL",
        driver: options.driver,
        ...stats,
        ...server.workerTimes(mark, /^\/v1\/payment$/),
        note:
          `202 p50/p99 ${post.p50}/${post.p99}; ledger commit (live push) p50/p99 ${commit.p50}/${commit.p99}; ` +
          `row created→terminal p50/p99 ${srv.p50}/${srv.p99}; terminal seen on the user socket, ` +
          `${trace.mismatched} not matching a GET after it; send lag p99 ${stats.sendLagP99}`,
      });
      return stats;
    };

    const first = options.sagaRate;
    const { atFirst, best } = await rateLadder(results, "saga", { first, quick: options.quick }, run);
    results.verdicts.push(budgetVerdict("saga at 50/s: p50 ≤ 30 ms, p99 ≤ 150 ms, zero lost", atFirst, first, "--saga-rate"));
    results.extra.sagaBestRate = best;
    results.extra.sagaLate = await followLate(results, "saga", "payments", late, async (id) => {
      const status = (await server.call(`/v1/payment/${id}`, { token: token(walletOf.get(id) ?? "") })).body?.payment?.status;
      return status === "SUCCESSFUL" || status === "FAILED";
    });
  } finally {
    for (const s of sockets) s.close();
    await server.stop();
  }
}
