/**
 * The benchmark's baseline Worker: the least work each measured route could do on this runtime.
 *
 * - `GET /ok` answers "ok": the ceiling of the server and the load generator themselves.
 * - `POST /credit/{name}` with `{"amount": <cents>}`: one RPC to the SQLite Durable Object named
 *   `name`, which adds to its balance and appends an entry in one `transactionSync`, and answers with
 *   both as JSON. No auth, no validation library, no idempotency: the floor of a wallet credit.
 */
import { DurableObject } from "cloudflare:workers";

type Env = { BARE_LEDGER: DurableObjectNamespace<BareLedger> };
type Credited = { balance: number; entry: { seq: number; amount: number; balance_after: number; created_at: string } };

export class BareLedger extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS wallet (id INTEGER PRIMARY KEY CHECK (id = 1), balance INTEGER NOT NULL CHECK (balance >= 0));
      INSERT OR IGNORE INTO wallet (id, balance) VALUES (1, 0);
      CREATE TABLE IF NOT EXISTS entries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        amount INTEGER NOT NULL,
        balance_after INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
    `);
  }

  credit(amount: number): Credited {
    return this.ctx.storage.transactionSync(() => {
      const { balance } = this.sql
        .exec<{ balance: number }>("UPDATE wallet SET balance = balance + ? WHERE id = 1 RETURNING balance", amount)
        .one();
      const entry = this.sql
        .exec<Credited["entry"]>(
          "INSERT INTO entries (amount, balance_after, created_at) VALUES (?, ?, ?) RETURNING seq, amount, balance_after, created_at",
          amount,
          balance,
          new Date().toISOString(),
        )
        .one();
      return { balance, entry };
    });
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname.startsWith("/credit/")) {
      const { amount } = (await request.json()) as { amount: number };
      const ledger = env.BARE_LEDGER.get(env.BARE_LEDGER.idFromName(url.pathname.slice("/credit/".length)));
      return Response.json(await ledger.credit(amount));
    }
    return new Response("ok");
  },
} satisfies ExportedHandler<Env>;
