import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { BenchContext } from "../lib/context";
import { openLoop } from "../lib/load";
import { Server } from "../lib/server";
import { summary } from "../lib/stats";
import { sleep } from "../lib/util";

/**
 * The payment saga of this checkout beside the one of `--compare` (another checkout, e.g. the tree
 * before a restructuring), in alternating windows on the same machine: POST /v1/payment, then
 * GET /v1/payment/{id} every 10 ms until it is terminal. Polling is what every version of the API
 * answers, so any two trees compare (the saga scenario's live feeds arrived later); the numbers
 * include the polling's own load, so they compare trees and are not the saga's budget numbers.
 */
export async function sagaCompare({ options, results, bundle }: BenchContext): Promise<void> {
  if (!options.compare) throw new Error("saga-compare needs --compare=<dir> (the other checkout)");
  const rate = options.sagaRate;
  const seconds = options.quick ? 3 : 8;
  const rounds = options.quick ? 2 : 4;
  const DEADLINE_MS = 10_000;
  const trees = [
    {
      name: "this checkout",
      server: await Server.start("saga-this", { config: "wrangler.toml", bundle: bundle("api"), driver: options.driver, d1: true }),
    },
    {
      name: `--compare ${options.compare}`,
      server: await Server.start("saga-compare", {
        config: join(options.compare, "wrangler.toml"),
        bundle: bundle("compare"),
        driver: options.driver,
        d1: true,
      }),
    },
  ];
  try {
    const setups = await Promise.all(
      trees.map(async ({ server }) => {
        const { token } = await server.signup("bench-saga-compare@example.com");
        const wallet = await server.wallet(token);
        await server.must(`/v1/wallet/${wallet}/credit`, { token, body: { amount: "1000000.00" } });
        return { token, wallet };
      }),
    );
    const pay = (t: number) => async (_i: number, scheduled: number) => {
      const { server } = trees[t]!;
      const { token, wallet } = setups[t]!;
      const res = await server.call("/v1/payment", {
        token,
        key: randomUUID(),
        body: { wallet_id: wallet, merchant: "bench", amount: "0.01" },
      });
      if (res.status !== 202) return false;
      const id: string = res.body.payment.transaction_id;
      while (performance.now() < scheduled + DEADLINE_MS) {
        const status = (await server.call(`/v1/payment/${id}`, { token })).body?.payment?.status;
        if (status === "SUCCESSFUL") return true;
        if (status === "FAILED") return false;
        await sleep(10);
      }
      return false;
    };
    for (let t = 0; t < trees.length; t++) await openLoop(Math.min(rate, 10), 2, pay(t)); // warm each path
    const byTree = trees.map(() => ({
      latencies: [] as number[],
      lags: [] as number[],
      lost: 0,
      n: 0,
      p50s: [] as number[],
      p99s: [] as number[],
    }));
    for (let r = 0; r < rounds; r++) {
      // ABBA: neither tree always runs first in a round.
      const order = r % 2 === 0 ? [0, 1] : [1, 0];
      for (const t of order) {
        const acc = byTree[t]!;
        const stats = await openLoop(rate, seconds, pay(t), acc);
        acc.lost += stats.lost ?? 0;
        acc.n += stats.n ?? 0;
        acc.p50s.push(stats.p50 ?? Number.NaN);
        acc.p99s.push(stats.p99 ?? Number.NaN);
        await sleep(1_000); // let the queues drain before the other tree's window
      }
    }
    const pooled = byTree.map((acc) => summary(acc.latencies));
    const ratio = (a: number | undefined, b: number | undefined) =>
      a !== undefined && b !== undefined && b > 0 ? `${Math.round((a / b) * 100)}%` : "n/a";
    for (let t = 0; t < trees.length; t++) {
      const acc = byTree[t]!;
      const s = pooled[t]!;
      results.rows.push({
        scenario: "saga-compare",
        case: `POST /payment → SUCCESSFUL (polled), ${trees[t]!.name}`,
        driver: options.driver,
        load: `${rate}/s, ${rounds}×${seconds} s interleaved`,
        n: acc.n,
        lost: acc.lost,
        p50: s.p50,
        p90: s.p90,
        p99: s.p99,
        max: s.max,
        note:
          `round p50s ${acc.p50s.join(", ")} ms (median ${summary(acc.p50s).p50}); round p99s ${acc.p99s.join(", ")} ms` +
          (t === 0 ? `; p50 ${ratio(s.p50, pooled[1]!.p50)} and p99 ${ratio(s.p99, pooled[1]!.p99)} of --compare's` : ""),
      });
    }
  } finally {
    await Promise.all(trees.map(({ server }) => server.stop()));
  }
}
