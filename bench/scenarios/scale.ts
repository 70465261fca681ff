import { randomUUID } from "node:crypto";
import type { BenchContext } from "../lib/context";
import { Server } from "../lib/server";
import { round, summary } from "../lib/stats";
import { log, pool, sleep } from "../lib/util";
import type { SeedRequest } from "../seed-request";

/** The same calls on an empty store and on a seeded one (bench/scale-entry.ts), interleaved. */
export async function scale({ options, results, bundle }: BenchContext): Promise<void> {
  const [empty, seeded] = await Promise.all([
    Server.start("scale-empty", { config: "wrangler.toml", bundle: bundle("bench"), driver: options.driver, d1: true }),
    Server.start("scale-seeded", { config: "wrangler.toml", bundle: bundle("bench"), driver: options.driver, d1: true }),
  ]);
  try {
    // The same user, wallet and 250 transactions on both servers.
    const OWN = 250;
    const subject: Record<string, { token: string; wallet: string; deepCursor?: string }> = {};
    for (const server of [empty, seeded]) {
      const { token } = await server.signup("bench-scale@example.com");
      const wallet = await server.wallet(token);
      await pool(
        Array.from({ length: OWN }, (_, i) => i),
        8,
        async () => void (await server.must(`/v1/wallet/${wallet}/credit`, { token, body: { amount: "1.00" }, key: randomUUID() })),
      );
      subject[server.label] = { token, wallet };
    }

    // Seed: options.wallets wallets (10 per user), options.transactions transactions; one "heavy" wallet
    // holds 10% of them, the rest spread evenly.
    const heavyCount = Math.round(options.transactions / 10);
    const walletsToSeed = Array.from({ length: options.wallets - 1 }, (_, i) => ({
      wallet_id: randomUUID(),
      user_id: `seed-user-${Math.floor(i / 10)}`,
    }));
    const heavy = { wallet_id: randomUUID(), user_id: randomUUID() };
    walletsToSeed.push(heavy);
    const perWallet = (options.transactions - heavyCount) / (walletsToSeed.length - 1);
    const started = performance.now();
    const CHUNK = 100;
    const chunks: SeedRequest[] = [];
    for (let i = 0; i < walletsToSeed.length - 1; i += CHUNK) {
      const group = walletsToSeed.slice(i, Math.min(i + CHUNK, walletsToSeed.length - 1));
      chunks.push({
        open: group,
        credits: group.map((w, j) => ({ ...w, from: 0, count: Math.floor(perWallet * (i + j + 1)) - Math.floor(perWallet * (i + j)) })),
      });
    }
    await seeded.must("/__bench/seed", { body: { open: [heavy], credits: [] } satisfies SeedRequest });
    for (let from = 0; from < heavyCount; from += 1000) {
      chunks.push({ open: [], credits: [{ ...heavy, from, count: Math.min(1000, heavyCount - from) }] });
    }
    let done = 0;
    await pool(chunks, 2, async (chunk) => {
      const res = await seeded.must("/__bench/seed", { body: chunk });
      done += res.credited;
      if (chunks.indexOf(chunk) % 20 === 0) log(`scale: seeded ${done} transactions`);
    });
    const seedSeconds = round((performance.now() - started) / 1000);
    results.extra.scaleSeed = {
      wallets: walletsToSeed.length + 1,
      transactions: done + OWN,
      seconds: seedSeconds,
      path: "bench/scale-entry.ts /__bench/seed",
    };
    log(`scale: seeded ${walletsToSeed.length} wallets and ${done} transactions in ${seedSeconds} s`);
    results.rows.push({
      scenario: "scale",
      case: "seed (WalletLedger RPC through bench/scale-entry.ts)",
      n: done,
      seconds: seedSeconds,
      achieved: round(done / seedSeconds),
      note: `${walletsToSeed.length + 1} wallets incl. the measured one; heavy wallet ${heavyCount} transactions`,
    });
    await sleep(2000);

    // Deepest cursors, walked through the API like a client would.
    const deepest = async (server: Server, token: string, wallet: string) => {
      let cursor: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await server.must(`/v1/wallet/${wallet}/transactions?limit=100${cursor ? `&cursor=${cursor}` : ""}`, { token });
        pages++;
        if (!page.next_cursor) return { cursor, pages };
        cursor = page.next_cursor;
      }
    };
    for (const server of [empty, seeded]) {
      const s = subject[server.label]!;
      s.deepCursor = (await deepest(server, s.token, s.wallet)).cursor;
    }
    const heavyToken = await seeded.mintSession(heavy.user_id);
    const heavyDeep = await deepest(seeded, heavyToken, heavy.wallet_id);

    const samples = options.quick ? 40 : 300;
    type Call = { name: string; run: (server: Server, s: { token: string; wallet: string; deepCursor?: string }) => Promise<boolean> };
    const calls: Call[] = [
      { name: "GET /wallet/{id}", run: async (sv, s) => (await sv.hit(`/v1/wallet/${s.wallet}`, { token: s.token })) === 200 },
      { name: "GET /wallet (list, D1)", run: async (sv, s) => (await sv.hit("/v1/wallet", { token: s.token })) === 200 },
      {
        name: "transactions, first page (100)",
        run: async (sv, s) => (await sv.hit(`/v1/wallet/${s.wallet}/transactions?limit=100`, { token: s.token })) === 200,
      },
      {
        name: "transactions, deepest page (100)",
        run: async (sv, s) =>
          (await sv.hit(`/v1/wallet/${s.wallet}/transactions?limit=100&cursor=${s.deepCursor}`, { token: s.token })) === 200,
      },
      {
        name: "POST credit (Idempotency-Key)",
        run: async (sv, s) =>
          (await sv.hit(`/v1/wallet/${s.wallet}/credit`, { token: s.token, body: { amount: "1.00" }, key: randomUUID() })) === 200,
      },
    ];
    const ratios: string[] = [];
    let worst = 0;
    for (const call of calls) {
      // Interleaved, one call at a time, so both stores see the same background load.
      const times: Record<string, number[]> = { "scale-empty": [], "scale-seeded": [] };
      for (let i = 0; i < 10 + samples; i++) {
        for (const server of i % 2 ? [empty, seeded] : [seeded, empty]) {
          const t = performance.now();
          if (!(await call.run(server, subject[server.label]!))) throw new Error(`${call.name} failed on ${server.label}`);
          if (i >= 10) times[server.label]!.push(performance.now() - t);
        }
      }
      const e = summary(times["scale-empty"]!);
      const s = summary(times["scale-seeded"]!);
      const ratio = s.p50 / e.p50;
      worst = Math.max(worst, ratio);
      ratios.push(`${call.name} ${round(ratio, 2)}`);
      results.rows.push({
        scenario: "scale",
        case: `${call.name}: empty store`,
        load: "serial",
        n: e.n,
        p50: e.p50,
        p90: e.p90,
        p99: e.p99,
        max: e.max,
      });
      results.rows.push({
        scenario: "scale",
        case: `${call.name}: ${options.wallets} wallets / ${options.transactions} tx`,
        load: "serial",
        n: s.n,
        p50: s.p50,
        p90: s.p90,
        p99: s.p99,
        max: s.max,
        note: `p50 ratio ${round(ratio, 2)}, p99 ratio ${round(s.p99 / e.p99, 2)}`,
      });
    }
    // The heavy wallet's first and deepest page against the subject wallet's on the same (seeded) store.
    const heavyS = { token: heavyToken, wallet: heavy.wallet_id, deepCursor: heavyDeep.cursor };
    const own = subject["scale-seeded"]!;
    for (const [name, idx] of [
      ["first page", 2],
      ["deepest page", 3],
    ] as const) {
      const call = calls[idx]!;
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < 10 + samples; i++) {
        let t = performance.now();
        await call.run(seeded, own);
        if (i >= 10) a.push(performance.now() - t);
        t = performance.now();
        await call.run(seeded, heavyS);
        if (i >= 10) b.push(performance.now() - t);
      }
      const sa = summary(a);
      const sb = summary(b);
      const ratio = sb.p50 / sa.p50;
      worst = Math.max(worst, ratio);
      ratios.push(`${heavyCount}-tx wallet ${name} ${round(ratio, 2)}`);
      results.rows.push({
        scenario: "scale",
        case: `${name} (100) of a ${heavyCount}-transaction wallet (page ${heavyDeep.pages}) vs the ${OWN + samples + 10}-transaction one`,
        load: "serial",
        n: sb.n,
        p50: sb.p50,
        p90: sb.p90,
        p99: sb.p99,
        max: sb.max,
        note: `p50 ratio ${round(ratio, 2)} (small wallet p50 ${sa.p50})`,
      });
    }
    results.verdicts.push({
      target: `scale: ratio seeded / empty ≤ 1.3 for every call (${options.wallets} wallets, ${options.transactions} tx; p50 of ${samples} serial calls)`,
      measured: ratios.join("; "),
      ok: worst <= 1.3,
    });
  } finally {
    await Promise.all([empty.stop(), seeded.stop()]);
  }
}
