/**
 * Times the debt optimiser on its slowest realistic input (50 debts, plans of 366, 598 and 600+
 * months) in Node: `npx tsx bench/optimiser.ts [runs]`. Prints one JSON line. `npm run bench
 * optimiser` calls `timeOptimiser` too and sets the result beside the full route's time.
 * `simulate` is optimise() alone; `response` adds formatting the plans and JSON.stringify, which is
 * what the route does on top.
 */

import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { longSchedule } from "../test/debt-optimiser/factories";
import { formatPlan, optimise } from "../workers/debt-optimiser/simulate";

export type Timing = { median_ms: number; p99_ms: number; max_ms: number };

export function timeOptimiser(runs = 200, warmup = 10) {
  const { debts, monthlyBudget } = longSchedule();
  const simulateMs: number[] = [];
  const responseMs: number[] = [];
  let months: Record<string, number | null> = {};
  let bytes = 0;

  for (let i = 0; i < warmup + runs; i++) {
    const started = performance.now();
    const result = optimise(debts, monthlyBudget);
    const simulated = performance.now();
    if (!result.ok) throw new Error(`unexpected ${result.code}`);
    bytes = JSON.stringify({
      avalanche: formatPlan(result.avalanche),
      snowball: formatPlan(result.snowball),
      minimum_only: result.minimumOnly && formatPlan(result.minimumOnly),
    }).length;
    const done = performance.now();
    if (i < warmup) continue;
    simulateMs.push(simulated - started);
    responseMs.push(done - started);
    months = { avalanche: result.avalanche.months, snowball: result.snowball.months, minimum_only: result.minimumOnly?.months ?? null };
  }

  const stats = (values: number[]): Timing => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (p: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!.toFixed(2));
    return { median_ms: at(50), p99_ms: at(99), max_ms: at(100) };
  };

  return {
    bench: "debt-optimiser",
    node: process.version,
    debts: debts.length,
    months,
    response_bytes: bytes,
    runs,
    simulate: stats(simulateMs),
    response: stats(responseMs),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  const runs = Number(positionals[0] ?? 200);
  if (!Number.isSafeInteger(runs) || runs <= 0) throw new Error(`usage: tsx bench/optimiser.ts [runs], got ${positionals[0]}`);
  console.log(JSON.stringify(timeOptimiser(runs)));
}
