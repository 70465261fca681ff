import { processCpuMs } from "./cpu";
import type { Row } from "./report";
import type { Server } from "./server";
import { pct, round, summary } from "./stats";
import { sleep } from "./util";

const CLOSED_LOOP_CLIENTS = 32;

export type OpenLoopStats = Omit<Row, "scenario" | "case"> & { sendLagP99: number };

/** Fires `op(i, scheduled)` at `rate`/s for `seconds`; latency runs from each request's scheduled time. */
export async function openLoop(
  rate: number,
  seconds: number,
  op: (i: number, scheduled: number) => Promise<boolean>,
  sink?: { latencies: number[]; lags: number[] },
): Promise<OpenLoopStats> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const lags: number[] = [];
  let lost = 0;
  let last = 0;
  const start = performance.now() + 5;
  const inflight: Promise<void>[] = [];
  let i = 0;
  while (i < total) {
    const now = performance.now();
    while (i < total && start + (i * 1000) / rate <= now) {
      const scheduled = start + (i * 1000) / rate;
      lags.push(now - scheduled);
      inflight.push(
        op(i, scheduled).then(
          (ok) => {
            last = performance.now();
            if (ok) latencies.push(last - scheduled);
            else lost++;
          },
          () => {
            lost++;
          },
        ),
      );
      i++;
    }
    if (i < total) await sleep(Math.max(0, start + (i * 1000) / rate - performance.now()));
  }
  await Promise.all(inflight);
  sink?.latencies.push(...latencies);
  sink?.lags.push(...lags);
  const s = summary(latencies);
  return {
    load: `${rate}/s`,
    seconds,
    n: total,
    lost,
    p50: s.p50,
    p90: s.p90,
    p99: s.p99,
    max: s.max,
    achieved: round(latencies.length / ((last - start) / 1000)),
    sendLagP99: round(summary(lags).p99),
  };
}

/** `clients` concurrent loops, back to back: completed requests/s over `seconds` after a warm-up. */
export async function closedLoop(
  seconds: number,
  op: (i: number) => Promise<boolean>,
  server?: Server,
  warmupSeconds = 1,
  clients = CLOSED_LOOP_CLIENTS,
) {
  let counter = 0;
  let cpuStart = Number.NaN;
  let elapsed = seconds * 1000;
  let clientStart = process.cpuUsage();
  let measuring = false;
  let stop = false;
  const latencies: number[] = [];
  let failed = 0;
  await Promise.all([
    ...Array.from({ length: clients }, async () => {
      while (!stop) {
        const t = performance.now();
        const ok = await op(counter++).catch(() => false);
        if (!measuring || stop) continue;
        if (ok) latencies.push(performance.now() - t);
        else failed++;
      }
    }),
    (async () => {
      await sleep(warmupSeconds * 1000);
      measuring = true;
      cpuStart = processCpuMs(server?.pid);
      clientStart = process.cpuUsage();
      const t0 = performance.now();
      await sleep(seconds * 1000);
      stop = true;
      elapsed = performance.now() - t0;
    })(),
  ]);
  const s = summary(latencies);
  const client = process.cpuUsage(clientStart);
  const done = Math.max(1, latencies.length);
  const serverCpu = processCpuMs(server?.pid) - cpuStart - (server?.idleCpuPerMs ?? 0) * elapsed;
  return {
    load: `closed ×${clients}`,
    seconds,
    n: latencies.length + failed,
    lost: failed,
    p50: s.p50,
    p99: s.p99,
    max: s.max,
    achieved: round(latencies.length / seconds),
    server_cpu_ms: round(serverCpu / done, 2),
    client_cpu_ms: round((client.user + client.system) / 1000 / done, 2),
    latencies,
    serverCpu,
  };
}

export type LoopStats = Awaited<ReturnType<typeof closedLoop>>;

/** A closed-loop result as a table row (without the raw samples). */
export function loopRow(stats: LoopStats): Omit<Row, "scenario" | "case"> {
  const { latencies: _latencies, serverCpu: _serverCpu, ...row } = stats;
  return row;
}

/**
 * Several closed-loop variants measured in alternating short windows (A B C A B C …), so that a
 * change in the machine's background load hits every variant alike. Each variant's share of the
 * reference (the first variant) is taken per round; the median share is the figure to trust.
 */
export async function interleaved(
  variants: { name: string; server: Server; op: (i: number) => Promise<boolean>; ref: number }[],
  rounds: number,
  windowSeconds: number,
) {
  const results = variants.map(() => ({
    latencies: [] as number[],
    ok: 0,
    failed: 0,
    cpu: 0,
    client: 0,
    seconds: 0,
    worker: [] as number[],
  }));
  const shares: number[][] = variants.map(() => []);
  const perRound: number[][] = variants.map(() => []);
  for (let round_ = 0; round_ < rounds; round_++) {
    const achieved: number[] = [];
    for (const [i, v] of variants.entries()) {
      const mark = v.server.logs.length;
      const stats = await closedLoop(windowSeconds, v.op, v.server, 0.5);
      const r = results[i]!;
      r.worker.push(...v.server.logs.slice(mark).map((l) => l.ms));
      r.latencies.push(...stats.latencies);
      r.ok += stats.latencies.length;
      r.failed += stats.lost;
      r.cpu += stats.serverCpu;
      r.client += (stats.client_cpu_ms ?? 0) * stats.latencies.length;
      r.seconds += windowSeconds;
      achieved.push(stats.achieved);
      perRound[i]!.push(stats.achieved);
    }
    for (const [i, a] of achieved.entries()) shares[i]!.push(a / achieved[variants[i]!.ref]!);
  }
  return variants.map((v, i) => {
    const r = results[i]!;
    const s = summary(r.latencies);
    const w = summary(r.worker);
    const sorted = [...shares[i]!].sort((a, b) => a - b);
    return {
      name: v.name,
      row: {
        load: `closed ×${CLOSED_LOOP_CLIENTS}, ${rounds}×${windowSeconds} s interleaved`,
        seconds: r.seconds,
        n: r.ok + r.failed,
        lost: r.failed,
        p50: s.p50,
        p99: s.p99,
        max: s.max,
        achieved: round(r.ok / r.seconds),
        server_cpu_ms: round(r.cpu / Math.max(1, r.ok), 2),
        client_cpu_ms: round(r.client / Math.max(1, r.ok), 2),
        ...(w.n ? { worker_p50: w.p50, worker_p99: w.p99 } : {}),
      } satisfies Omit<Row, "scenario" | "case">,
      /** workerd CPU ms per completed request, unrounded (differences between rows are a few µs). */
      cpuMs: r.cpu / Math.max(1, r.ok),
      share: pct(sorted, 50),
      shareMin: sorted[0] ?? Number.NaN,
      shareMax: sorted.at(-1) ?? Number.NaN,
      /** Requests per second in each round, for shares of a variant other than `ref` (`roundShare`). */
      perRound: perRound[i]!,
    };
  });
}

export type Interleaved = Awaited<ReturnType<typeof interleaved>>[number];

/**
 * `of`'s throughput as a share of `to`'s, round by round (both from one `interleaved` call, so each
 * round's pair ran back to back): the median and the range, like `interleaved`'s own shares.
 */
export function roundShare(of: Interleaved, to: Interleaved): { share: number; min: number; max: number } {
  const sorted = of.perRound.map((a, r) => a / to.perRound[r]!).sort((a, b) => a - b);
  return { share: pct(sorted, 50), min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
}

/** One request at a time (an otherwise idle server): the latency of a single call. */
export async function serial(samples: number, op: () => Promise<boolean>, warmup = 10) {
  const times: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    const t = performance.now();
    if (!(await op())) throw new Error("serial call failed");
    if (i >= warmup) times.push(performance.now() - t);
  }
  return summary(times);
}
