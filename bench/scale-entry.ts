/**
 * Bench-only entry of the API Worker for the scale scenario (`npm run bench scale`): the production
 * Worker unchanged (same app, same Durable Object classes, same queue and cron handlers) plus one
 * route, `POST /__bench/seed`, that fills a store fast. It is built by `wrangler deploy --dry-run`
 * with this file as the entry and never deployed.
 *
 * Why this path: seeding 100,000 transactions through the public API means 100,000 HTTP requests,
 * each with a JWT check, an idempotency round trip and a ledger round trip. At the few hundred
 * requests per second this machine sustains that is many minutes of setup. Here each transaction is
 * still written by the real `WalletLedger.credit` RPC (the same `transactionSync`, entry, transfer
 * record and outcome JSON as a `POST /credit`), and each wallet still gets its D1 index row, but
 * without HTTP, auth and idempotency in front. The measured calls go through `api.fetch` as usual.
 *
 * `POST /__bench/loop?n=N` handles one request N times in this isolate, and `POST
 * /__bench/ledger-credit?n=N&wallet=…&user=…` makes N of the credit route's ledger calls alone
 * (bench/lib/in-isolate.ts; `bench/profile.ts --in-isolate`).
 *
 * `POST /__bench/session` gives a user without a signup (whose PBKDF2 would cost a minute for the
 * credit scenario's 1,000 users): the user row is written straight to D1 and the session and its
 * token come from the Worker's own `startSession`, so they are exactly what a signup issues.
 */

import { startSession } from "../workers/auth/sessions";
import api from "../workers/index";
import { ledgerFor } from "../workers/lib/ledger";
import { type LoopSpec, loopOver } from "./lib/in-isolate";
import type { SeedRequest } from "./seed-request";

// Every Durable Object class the Worker exports, so wrangler.toml's bindings resolve here too.
export * from "../workers/index";

/** Local D1 allows 100 bound parameters per statement: 4 columns → 25 rows per INSERT. */
const ROWS_PER_INSERT = 25;

async function seed(env: Env, body: SeedRequest): Promise<Response> {
  const now = new Date().toISOString();
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < body.open.length; i += ROWS_PER_INSERT) {
    const rows = body.open.slice(i, i + ROWS_PER_INSERT);
    statements.push(
      env.DB.prepare(
        `INSERT INTO wallets (wallet_id, user_id, currency, created_at) VALUES ${rows.map(() => "(?, ?, 'USD', ?)").join(", ")} ON CONFLICT DO NOTHING`,
      ).bind(...rows.flatMap((row) => [row.wallet_id, row.user_id, now])),
    );
  }
  if (statements.length > 0) await env.DB.batch(statements);
  await Promise.all(body.open.map((w) => ledgerFor(env, w.wallet_id).open(w.wallet_id, w.user_id, "USD", now)));
  let written = 0;
  await Promise.all(
    body.credits.map(async (c) => {
      const ledger = ledgerFor(env, c.wallet_id);
      for (let i = c.from; i < c.from + c.count; i++) {
        const outcome = await ledger.credit({
          transferId: `seed:${c.wallet_id}:${i}`,
          owner: c.user_id,
          amount: 100,
          type: "DEPOSIT",
          description: "bench seed",
          now,
        });
        if (!outcome.ok) throw new Error(`seed credit refused: ${outcome.code}`);
        written++;
      }
    }),
  );
  return Response.json({ opened: body.open.length, credited: written });
}

/** The credit route's ledger call, as the route makes it (a fresh stub and transfer id each time), alone. */
async function ledgerCredits(env: Env, query: URLSearchParams): Promise<Response> {
  const walletId = query.get("wallet") ?? "";
  const owner = query.get("user") ?? "";
  for (let i = 0; i < Number(query.get("n")); i++) {
    const outcome = await ledgerFor(env, walletId).credit({
      transferId: crypto.randomUUID(),
      owner,
      amount: 100,
      type: "DEPOSIT",
      description: null,
      counterparty: { account: "funding", name: "Deposit" },
      now: new Date().toISOString(),
    });
    if (!outcome.ok) return new Response(outcome.code, { status: 500 });
  }
  return Response.json({ ok: true });
}

async function session(env: Env, userId: string): Promise<Response> {
  await env.DB.prepare("INSERT OR IGNORE INTO users (user_id, email, password_hash, created_at) VALUES (?, ?, 'minted', ?)")
    .bind(userId, `${userId}@bench.invalid`, new Date().toISOString())
    .run();
  const { token } = await startSession(env, userId, "bench");
  return Response.json({ token });
}

export default {
  ...api,
  async fetch(request, env, ctx) {
    if (request.method === "POST") {
      const url = new URL(request.url);
      const path = url.pathname;
      if (path === "/__bench/loop") {
        const spec = (await request.json()) as LoopSpec;
        return loopOver(async (r) => api.fetch(r, env, ctx), Number(url.searchParams.get("n")), spec);
      }
      if (path === "/__bench/ledger-credit") return ledgerCredits(env, url.searchParams);
      if (path === "/__bench/seed") return seed(env, (await request.json()) as SeedRequest);
      if (path === "/__bench/session") return session(env, ((await request.json()) as { user_id: string }).user_id);
    }
    return api.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env, unknown>;
