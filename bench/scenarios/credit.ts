import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { BenchContext } from "../lib/context";
import { interleaved, openLoop, roundShare } from "../lib/load";
import type { Driver } from "../lib/options";
import { costVerdict, shareVerdict } from "../lib/report";
import { Server } from "../lib/server";
import { round, summary } from "../lib/stats";
import { pool } from "../lib/util";

const NO_KEY_HOT = "profile: credit without Idempotency-Key (+ zod, 1 DO write RPC)";
const TWO_OBJECTS_HOT = "bare two-object credit (bench/baseline: key claim + credit), one hot wallet";
const twoObjectsMany = (count: number) => `bare two-object credit (bench/baseline: key claim + credit), ${count} wallets`;
const CHAINED_HOT = "bare DO credit + chain hash and counterparty (bench/baseline), one hot wallet";

/**
 * POST /v1/wallet/{id}/credit with an Idempotency-Key: max throughput as a share of the bare DO
 * credit (interleaved with a bench/baseline server), the profile rows between them, then latency at
 * fixed rates. Runs on the bench entry, whose session route mints the 1,000 wallets' users.
 */
export async function credit({ options, results, bundle }: BenchContext): Promise<void> {
  const server = await Server.start("credit", { config: "wrangler.toml", bundle: bundle("bench"), driver: options.driver, d1: true });
  try {
    const { token } = await server.signup("bench-credit@example.com");
    const hot = await server.wallet(token);
    const count = options.quick ? 100 : 1000;
    // One user per wallet (each with its own IdempotencyStore), tokens minted like the API's: 1,000
    // signups would spend a minute of PBKDF2 on something this scenario does not measure.
    const many: { id: string; token: string }[] = new Array(count);
    await pool(Array.from({ length: count }), 16, async (_, i) => {
      const t = await server.mintSession();
      many[i] = { id: await server.wallet(t), token: t };
    });
    const creditHot = (driver?: Driver) => async () =>
      (await server.hit(`/v1/wallet/${hot}/credit`, { token, body: { amount: "1.00" }, key: randomUUID() }, driver)) === 200;
    const creditMany = (driver?: Driver) => async (i: number) => {
      const w = many[i % many.length]!;
      return (
        (await server.hit(`/v1/wallet/${w.id}/credit`, { token: w.token, body: { amount: "1.00" }, key: randomUUID() }, driver)) === 200
      );
    };
    await pool(many, 16, async (_, i) => void (await creditMany()(i))); // every ledger and idempotency object exists and is warm
    const path = /\/credit$/;

    // Max throughput, interleaved with the bare DO credit of bench/baseline (a second server, alive
    // at the same time), and the layers between them: where the full route's time goes.
    //   health                  framework + global middleware (request id, log line, secure headers, CORS, body limit)
    //   GET wallet              + JWT auth + one WalletLedger read RPC
    //   credit without a key    + zod validation + the ledger's write RPC (one SQLite commit)
    //   full route              + Idempotency-Key: the per-user IdempotencyStore begin (one commit)
    // and two more bare rows: the bare two-object credit (a key claim in a second object, then the
    // credit; the full route's reference) and the bare credit plus the chain hash and counterparty
    // (the difference from the bare credit is what they cost).
    const baseline = await Server.start("credit-baseline", {
      config: "bench/baseline/wrangler.toml",
      bundle: bundle("baseline"),
      driver: options.driver,
    });
    const other = options.compare
      ? await Server.start("credit-compare", {
          config: join(options.compare, "wrangler.toml"),
          bundle: bundle("compare"),
          driver: options.driver,
          d1: true,
        })
      : undefined;
    try {
      const otherUser = other ? await other.signup("bench-credit@example.com") : undefined;
      const otherHot = other && otherUser ? await other.wallet(otherUser.token) : "";
      if (other) await other.measureIdle();
      const bareNames = Array.from({ length: count }, (_, i) => `wallet-${i}`);
      await pool(bareNames, 16, async (name) => void (await baseline.hit(`/credit/${name}`, { body: { amount: 100 } })));
      await pool(
        bareNames,
        16,
        async (name) => void (await baseline.hit(`/keyed-credit/${name}`, { body: { amount: 100 }, key: randomUUID() })),
      );
      await baseline.measureIdle();
      await server.measureIdle();
      const rounds = options.quick ? 3 : 4;
      const window = options.quick ? 1 : 2;
      for (const driver of options.quick
        ? [options.driver]
        : ([options.driver, options.driver === "http" ? "dispatch" : "http"] as Driver[])) {
        const bareHot = async () => (await baseline.hit("/credit/hot", { body: { amount: 100 } }, driver)) === 200;
        const bareMany = async (i: number) =>
          (await baseline.hit(`/credit/${bareNames[i % bareNames.length]}`, { body: { amount: 100 } }, driver)) === 200;
        const keyed = (name: string) => async () =>
          (await baseline.hit(`/keyed-credit/${name}`, { body: { amount: 100 }, key: randomUUID() }, driver)) === 200;
        const keyedMany = (i: number) => keyed(bareNames[i % bareNames.length]!)();
        const profile = driver === options.driver;
        // ref: the variant each one's share is taken of, round by round (0: bare hot, last but one: bare spread).
        const variants = [
          { name: "bare DO credit (bench/baseline), one hot wallet", server: baseline, op: bareHot, ref: 0 },
          { name: TWO_OBJECTS_HOT, server: baseline, op: keyed("hot"), ref: 0 },
          ...(profile
            ? [
                {
                  name: CHAINED_HOT,
                  server: baseline,
                  op: async () => (await baseline.hit("/chained-credit/hot", { body: { amount: 100 } }, driver)) === 200,
                  ref: 0,
                },
                {
                  name: "profile: GET /v1/health (framework, no auth)",
                  server,
                  op: async () => (await server.hit("/v1/health", {}, driver)) === 200,
                  ref: 0,
                },
                {
                  name: "profile: GET /v1/wallet/{id} (+ JWT auth, 1 DO read RPC)",
                  server,
                  op: async () => (await server.hit(`/v1/wallet/${hot}`, { token }, driver)) === 200,
                  ref: 0,
                },
                {
                  name: NO_KEY_HOT,
                  server,
                  op: async () => (await server.hit(`/v1/wallet/${hot}/credit`, { token, body: { amount: "1.00" } }, driver)) === 200,
                  ref: 0,
                },
              ]
            : []),
          { name: "full route, one hot wallet", server, op: creditHot(driver), ref: 0 },
          ...(other && otherUser && profile
            ? [
                {
                  name: `full route, one hot wallet, --compare ${options.compare}`,
                  server: other,
                  op: async () =>
                    (await other.hit(
                      `/v1/wallet/${otherHot}/credit`,
                      { token: otherUser.token, body: { amount: "1.00" }, key: randomUUID() },
                      driver,
                    )) === 200,
                  ref: 0,
                },
              ]
            : []),
        ];
        // Their own group: with every variant in one rotation, the 1,000 wallets' objects would sit idle
        // long enough to be evicted between turns and each window would measure cold starts.
        const manyVariants = [
          { name: `bare DO credit (bench/baseline), ${count} wallets`, server: baseline, op: bareMany, ref: 0 },
          { name: twoObjectsMany(count), server: baseline, op: keyedMany, ref: 0 },
          { name: `full route, ${count} wallets`, server, op: creditMany(driver), ref: 0 },
        ];
        const measured = [...(await interleaved(variants, rounds, window)), ...(await interleaved(manyVariants, rounds, window))];
        const all = [...variants, ...manyVariants.map((v) => ({ ...v, ref: v.ref + variants.length }))];
        const bareCpu = measured[0]!.row.server_cpu_ms;
        const find = (name: string) => measured.find((m) => m.name === name);
        const compared = (m: (typeof measured)[number]) => ({ name: m.name, achieved: m.row.achieved, cpuMs: m.cpuMs, lost: m.row.lost });
        const pc = (n: number) => `${round(n * 100, 0)}%`;
        for (const [i, m] of measured.entries()) {
          const many = m.name.endsWith(`${count} wallets`);
          const isRef = all[i]!.ref === i;
          const isFull = m.name === "full route, one hot wallet" || m.name === `full route, ${count} wallets`;
          // What the CPU per request alone predicts for a CPU-bound server: bare CPU / this CPU.
          const cpuShare = (many ? measured[all[i]!.ref]!.row.server_cpu_ms : bareCpu) / m.row.server_cpu_ms;
          // The keyed route's own reference: the bare two-object credit of the same group.
          const two = isFull ? find(many ? twoObjectsMany(count) : TWO_OBJECTS_HOT) : undefined;
          const ofTwo = two ? roundShare(m, two) : undefined;
          results.rows.push({
            scenario: "credit",
            case: `${m.name}: max`,
            driver,
            ...m.row,
            note: isRef
              ? "reference (100%)"
              : `${pc(m.share)} of bare DO credit${many ? ` (${count} wallets)` : ""} (rounds ${pc(m.shareMin)}–${pc(m.shareMax)}); by CPU/req ${pc(cpuShare)}` +
                (two && ofTwo
                  ? `; ${pc(ofTwo.share)} of the bare two-object credit (rounds ${pc(ofTwo.min)}–${pc(ofTwo.max)}); by CPU/req ${pc(two.cpuMs / m.cpuMs)}`
                  : ""),
          });
          if (isFull && !many) results.extra[`credit-share-hot:${driver}`] = m.share;
          if (isFull && many) results.extra[`credit-share-many:${driver}`] = m.share;
          if (isFull && ofTwo) results.extra[`credit-share-two-object-${many ? "many" : "hot"}:${driver}`] = ofTwo.share;
        }
        if (driver === options.driver) {
          // DESIGN.md "Performance budget", first bullet: each route against its own bare floor.
          const bare = measured[0]!;
          const noKey = find(NO_KEY_HOT)!;
          const fullHot = find("full route, one hot wallet")!;
          const twoHot = find(TWO_OBJECTS_HOT)!;
          const fullMany = find(`full route, ${count} wallets`)!;
          const twoMany = find(twoObjectsMany(count))!;
          const chained = find(CHAINED_HOT)!;
          results.extra[`credit-share-no-key-hot:${driver}`] = noKey.share;
          results.verdicts.push(
            shareVerdict(
              "credit without Idempotency-Key ≥ 70% of the bare one-object credit (hot wallet; throughput and CPU per request)",
              0.7,
              compared(noKey),
              compared(bare),
              roundShare(noKey, bare),
              rounds,
              driver,
            ),
          );
          const keyed = shareVerdict(
            "full credit with Idempotency-Key ≥ 80% of the bare two-object credit, key claim + credit (hot wallet; throughput and CPU per request)",
            0.8,
            compared(fullHot),
            compared(twoHot),
            roundShare(fullHot, twoHot),
            rounds,
            driver,
          );
          const manyShare = roundShare(fullMany, twoMany);
          keyed.measured += `; ${count} wallets: ${pc(manyShare.share)} (range ${pc(manyShare.min)}–${pc(manyShare.max)}), by CPU ${pc(twoMany.cpuMs / fullMany.cpuMs)}`;
          results.verdicts.push(keyed);
          results.verdicts.push(
            costVerdict(
              "chain hash + counterparty: what they add to the bare one-object credit (report)",
              compared(chained),
              compared(bare),
              roundShare(chained, bare),
              driver,
            ),
          );
        }
      }

      // Latency at 500/s, interleaved with the bare DO credit at the same rate: a stall of the machine
      // lands in both, a stall of the route only in its own; the send lag shows the load generator's.
      const p99Rounds = options.quick ? 2 : 3;
      const p99Window = 2;
      const bare500 = { latencies: [] as number[], lags: [] as number[] };
      const full500 = { latencies: [] as number[], lags: [] as number[] };
      let lost500 = 0;
      const mark500 = server.logs.length;
      for (let r = 0; r < p99Rounds; r++) {
        await openLoop(500, p99Window, async () => (await baseline.hit("/credit/hot", { body: { amount: 100 } })) === 200, bare500);
        lost500 += (await openLoop(500, p99Window, creditHot(), full500)).lost ?? 0;
      }
      const b = summary(bare500.latencies);
      const f = summary(full500.latencies);
      const bLag = summary(bare500.lags);
      const fLag = summary(full500.lags);
      const worker500 = server.workerTimes(mark500, path);
      results.rows.push({
        scenario: "credit",
        case: "bare DO credit (bench/baseline), one hot wallet",
        driver: options.driver,
        load: `500/s, ${p99Rounds}×${p99Window} s interleaved`,
        n: b.n,
        p50: b.p50,
        p90: b.p90,
        p99: b.p99,
        max: b.max,
        note: `send lag p99 ${bLag.p99} ms`,
      });
      results.rows.push({
        scenario: "credit",
        case: "full route, one hot wallet",
        driver: options.driver,
        load: `500/s, ${p99Rounds}×${p99Window} s interleaved`,
        n: f.n + lost500,
        lost: lost500,
        p50: f.p50,
        p90: f.p90,
        p99: f.p99,
        max: f.max,
        ...worker500,
        note: `send lag p99 ${fLag.p99} ms; bare DO credit in the same windows p99 ${b.p99} ms`,
      });
      results.verdicts.push({
        target: "credit p99 ≤ 20 ms at 500 req/s (hot wallet)",
        measured:
          `p99 ${f.p99} ms, p50 ${f.p50} ms, lost ${lost500} (${p99Rounds}×${p99Window} s at 500/s interleaved with the bare DO credit, whose p99 was ${b.p99} ms); ` +
          `load generator send lag p99 ${fLag.p99} ms; Worker's own p99 ${"worker_p99" in worker500 ? worker500.worker_p99 : "?"} ms`,
        ok: (f.p99 ?? Number.POSITIVE_INFINITY) <= 20 && lost500 === 0,
      });
    } finally {
      await Promise.all([baseline.stop(), other?.stop()]);
    }

    const fixedSeconds = options.quick ? 2 : 6;
    for (const [label, op] of [
      ["one hot wallet", creditHot()],
      [`${count} wallets`, creditMany()],
    ] as const) {
      for (const rate of [100, 250, 500]) {
        const mark = server.logs.length;
        const stats = await openLoop(rate, fixedSeconds, (i) => op(i));
        results.rows.push({
          scenario: "credit",
          case: `full route, ${label}`,
          driver: options.driver,
          ...stats,
          ...server.workerTimes(mark, path),
          note: `send lag p99 ${stats.sendLagP99} ms`,
        });
      }
    }
  } finally {
    await server.stop();
  }
}
