import { longSchedule } from "../../test/debt-optimiser/factories";
import { formatCents as money } from "../../workers/domain/money";
import type { BenchContext } from "../lib/context";
import { serial } from "../lib/load";
import { requestInit, Server } from "../lib/server";
import { kb } from "../lib/stats";
import { timeOptimiser } from "../optimiser";

/** 50 debts: the pure function in Node (bench/optimiser.ts) and the full POST /v1/debt-optimiser route. */
export async function optimiser({ options, results, bundle }: BenchContext): Promise<void> {
  const pure = timeOptimiser(options.quick ? 30 : 200);
  results.extra.optimiserPure = pure;
  results.rows.push({
    scenario: "optimiser",
    case: "50 debts, optimise() in Node (bench/optimiser.ts)",
    n: pure.runs,
    p50: pure.simulate.median_ms,
    p99: pure.simulate.p99_ms,
    max: pure.simulate.max_ms,
  });
  results.rows.push({
    scenario: "optimiser",
    case: "50 debts, optimise() + formatPlan + JSON.stringify in Node",
    n: pure.runs,
    p50: pure.response.median_ms,
    p99: pure.response.p99_ms,
    max: pure.response.max_ms,
    note: `${kb(pure.response_bytes)} KiB of JSON`,
  });
  const server = await Server.start("optimiser", { config: "wrangler.toml", bundle: bundle("api"), driver: options.driver, d1: true });
  try {
    const { token } = await server.signup("bench-optimiser@example.com");
    const { debts, monthlyBudget } = longSchedule();
    const body = {
      monthly_budget: money(monthlyBudget),
      debts: debts.map((d) => ({ name: d.name, balance: money(d.balance), apr: money(d.aprBp), minimum_payment: money(d.minimumPayment) })),
    };
    let bytes = 0;
    const mark = server.logs.length + 5;
    const stats = await serial(
      options.quick ? 10 : 50,
      async () => {
        const res = await server.fetch("/v1/debt-optimiser", requestInit({ token, body }));
        bytes = (await res.arrayBuffer()).byteLength;
        return res.status === 200;
      },
      5,
    );
    const worker = server.workerTimes(mark, /debt-optimiser/);
    results.rows.push({
      scenario: "optimiser",
      case: "50 debts, full route POST /v1/debt-optimiser",
      driver: options.driver,
      load: "serial",
      ...stats,
      ...worker,
      note: `${kb(bytes)} KiB response`,
    });
    results.verdicts.push({
      target: "optimiser, 50 debts < 50 ms",
      measured: `pure optimise() p50 ${pure.simulate.median_ms} ms (p99 ${pure.simulate.p99_ms}); full route p50 ${stats.p50} ms (p99 ${stats.p99}), Worker's own p50 ${"worker_p50" in worker ? worker.worker_p50 : "?"} ms, ${kb(bytes)} KiB`,
      ok: pure.simulate.median_ms < 50 && stats.p50 < 50,
    });
  } finally {
    await server.stop();
  }
}
