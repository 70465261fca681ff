import { randomUUID } from "node:crypto";
import type { BenchContext } from "../lib/context";
import { closedLoop, loopRow, openLoop } from "../lib/load";
import type { Driver } from "../lib/options";
import { Server } from "../lib/server";
import { pool } from "../lib/util";

/**
 * The same runtime's ceiling (bench/baseline): a bare route, a bare SQLite-DO credit, the bare
 * two-object credit (a key claim in a second object, then the credit) and the bare credit that also
 * writes the counterparty and the chain hash. The credit scenario measures them again, interleaved
 * with the API, for its same-run shares.
 */
export async function ceiling({ options, results, bundle }: BenchContext): Promise<void> {
  const server = await Server.start("baseline", {
    config: "bench/baseline/wrangler.toml",
    bundle: bundle("baseline"),
    driver: options.driver,
  });
  try {
    const seconds = options.quick ? 1.5 : 3;
    const drivers: Driver[] = options.quick ? [options.driver] : ["http", "dispatch"];
    const names = Array.from({ length: 1000 }, (_, i) => `wallet-${i}`);
    await pool(names, 16, async (name) => void (await server.hit(`/credit/${name}`, { body: { amount: 100 } })));
    for (const driver of drivers) {
      const bare = await closedLoop(seconds, async () => (await server.hit("/ok", {}, driver)) === 200, server);
      results.rows.push({ scenario: "ceiling", case: "bare route (bench/baseline)", driver, ...loopRow(bare) });
      const hot = await closedLoop(
        seconds,
        async () => (await server.hit("/credit/hot", { body: { amount: 100 } }, driver)) === 200,
        server,
      );
      results.rows.push({ scenario: "ceiling", case: "bare DO credit, one hot wallet", driver, ...loopRow(hot) });
      const twoObjects = await closedLoop(
        seconds,
        async () => (await server.hit("/keyed-credit/hot", { body: { amount: 100 }, key: randomUUID() }, driver)) === 200,
        server,
      );
      results.rows.push({
        scenario: "ceiling",
        case: "bare two-object credit (key claim + credit), one hot wallet",
        driver,
        ...loopRow(twoObjects),
      });
      const chained = await closedLoop(
        seconds,
        async () => (await server.hit("/chained-credit/hot", { body: { amount: 100 } }, driver)) === 200,
        server,
      );
      results.rows.push({
        scenario: "ceiling",
        case: "bare DO credit + chain hash and counterparty, one hot wallet",
        driver,
        ...loopRow(chained),
      });
      const spread = await closedLoop(
        seconds,
        async (i) => (await server.hit(`/credit/${names[i % names.length]}`, { body: { amount: 100 } }, driver)) === 200,
        server,
      );
      results.rows.push({ scenario: "ceiling", case: "bare DO credit, 1,000 wallets", driver, ...loopRow(spread) });
    }
    for (const rate of [100, 250, 500]) {
      const stats = await openLoop(
        rate,
        options.quick ? 2 : 6,
        async () => (await server.hit("/credit/hot", { body: { amount: 100 } })) === 200,
      );
      results.rows.push({
        scenario: "ceiling",
        case: "bare DO credit, one hot wallet",
        driver: options.driver,
        ...stats,
        note: `send lag p99 ${stats.sendLagP99} ms`,
      });
    }
  } finally {
    await server.stop();
  }
}
