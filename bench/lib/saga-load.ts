import { processCpuMs } from "./cpu";
import type { OpenLoopStats } from "./load";
import type { Results, Verdict } from "./report";
import type { Server } from "./server";
import { round } from "./stats";
import { sleep } from "./util";

/**
 * What the saga scenarios (payments, transfers) share: funded bench wallets, the budget's verdict at
 * 50/s, the rising-rate ladder that finds the highest rate sustained, and the follow-up that tells a
 * late saga from a lost one.
 */

/** A saga not terminal this long after its scheduled send is late (then followed by `followLate`). */
export const DEADLINE_MS = 10_000;
/** How long a late saga is followed before it counts as lost. */
const FOLLOW_MS = 60_000;

export type BenchWallets = {
  /** Every wallet, user by user (`perUser` of each, in signup order). */
  wallets: string[];
  /** One token per user, in signup order. */
  tokens: string[];
  /** The token of the user owning `walletId`. */
  token(walletId: string): string;
};

/** Users signed up with `emails`, each with `perUser` wallets (a customer may open at most 10), each credited `amount`. */
export async function fundedWallets(server: Server, emails: string[], perUser = 10, amount = "1000000.00"): Promise<BenchWallets> {
  const wallets: string[] = [];
  const tokens: string[] = [];
  const tokenOf = new Map<string, string>();
  for (const email of emails) {
    const { token } = await server.signup(email);
    tokens.push(token);
    for (let i = 0; i < perUser; i++) {
      const id = await server.wallet(token);
      await server.must(`/v1/wallet/${id}/credit`, { token, body: { amount } });
      wallets.push(id);
      tokenOf.set(id, token);
    }
  }
  return { wallets, tokens, token: (walletId) => tokenOf.get(walletId) ?? "" };
}

/**
 * One open-loop window with workerd's CPU milliseconds per completed saga (idle use subtracted:
 * call `server.measureIdle()` first) and this process's: everything a saga costs the server (both
 * queue hops, the D1 writes, the socket pushes, the confirming GET), steadier than its latency when
 * other work shares the cores.
 */
export async function withCpu(server: Server, window: () => Promise<OpenLoopStats>): Promise<OpenLoopStats> {
  const serverStart = processCpuMs(server.pid);
  const clientStart = process.cpuUsage();
  const started = performance.now();
  const stats = await window();
  const elapsed = performance.now() - started;
  const client = process.cpuUsage(clientStart);
  const done = Math.max(1, (stats.n ?? 0) - (stats.lost ?? 0));
  return {
    ...stats,
    server_cpu_ms: round((processCpuMs(server.pid) - serverStart - server.idleCpuPerMs * elapsed) / done, 2),
    client_cpu_ms: round((client.user + client.system) / 1000 / done, 2),
  };
}

/** The budget's verdict for a saga at 50/s (DESIGN.md): p50 ≤ 30 ms, p99 ≤ 150 ms, none lost; another rate is reported, not judged. */
export function budgetVerdict(target: string, stats: OpenLoopStats, rate: number, flag: string): Verdict {
  return {
    target,
    measured: `p50 ${stats.p50} ms, p99 ${stats.p99} ms, lost ${stats.lost}/${stats.n}${rate === 50 ? "" : ` (at ${rate}/s, ${flag})`}`,
    ok: rate === 50 && (stats.p50 ?? Number.POSITIVE_INFINITY) <= 30 && (stats.p99 ?? Number.POSITIVE_INFINITY) <= 150 && stats.lost === 0,
  };
}

// Sustained: every saga terminal within the deadline AND the server kept up with the offered rate
// (a rate it only absorbs by queueing for seconds is not sustained, even with nothing lost).
const sustained = (stats: OpenLoopStats, rate: number) =>
  stats.lost === 0 && (stats.achieved ?? 0) >= rate * 0.95 && (stats.p99 ?? Number.POSITIVE_INFINITY) <= 1_000;

/**
 * `run` at the `first` rate for the budget's window (20 s), then at rising rates (6 s each) until one
 * is not sustained; records the highest rate sustained as a row of `scenario`. When `first` itself is
 * not sustained, falling rates (6 s each) until one is, so the row still says what the server keeps up with.
 */
export async function rateLadder(
  results: Results,
  scenario: string,
  { first, quick }: { first: number; quick: boolean },
  run: (rate: number, seconds: number) => Promise<OpenLoopStats>,
): Promise<{ atFirst: OpenLoopStats; best: number }> {
  const atFirst = await run(first, quick ? 4 : 20);
  const window = quick ? 3 : 6;
  let best = sustained(atFirst, first) ? first : 0;
  if (best > 0) {
    for (const rate of (quick ? [100] : [75, 100, 150, 200, 300]).filter((r) => r > first)) {
      if (!sustained(await run(rate, window), rate)) break;
      best = rate;
    }
  } else {
    for (const rate of (quick ? [20] : [40, 30, 20, 10]).filter((r) => r < first)) {
      if (!sustained(await run(rate, window), rate)) continue;
      best = rate;
      break;
    }
  }
  results.rows.push({
    scenario,
    case: `highest rate sustained (all terminal in ${DEADLINE_MS / 1000} s, achieved ≥ 95% of offered, p99 ≤ 1 s)`,
    load: `${best}/s`,
  });
  return { atFirst, best };
}

/**
 * Late is not lost: follows every saga that missed the deadline (`terminal(id)`: is it terminal
 * now?) for 60 s more, and records how many of the `noun` still were not as lost.
 */
export async function followLate(
  results: Results,
  scenario: string,
  noun: string,
  late: readonly string[],
  terminal: (id: string) => Promise<boolean>,
): Promise<{ late: number; stillPending: number }> {
  const settleBy = performance.now() + FOLLOW_MS;
  const pending = new Set(late);
  while (pending.size > 0 && performance.now() < settleBy) {
    for (const id of [...pending]) if (await terminal(id)) pending.delete(id);
    if (pending.size > 0) await sleep(500);
  }
  results.rows.push({
    scenario,
    case: `${noun} late past ${DEADLINE_MS / 1000} s, followed for ${FOLLOW_MS / 1000} s more`,
    n: late.length,
    lost: pending.size,
    note: `${late.length - pending.size} reached a terminal status later; ${pending.size} still PENDING (lost)`,
  });
  return { late: late.length, stillPending: pending.size };
}
