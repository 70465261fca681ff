/**
 * The benchmark's baseline Worker: the least work each measured route could do on this runtime.
 *
 * - `GET /ok` answers "ok": the ceiling of the server and the load generator themselves.
 * - `POST /credit/{name}` with `{"amount": <cents>}`: one RPC to the SQLite Durable Object named
 *   `name`, which adds to its balance and appends an entry in one `transactionSync`, and answers with
 *   both as JSON. No auth, no validation library, no idempotency: the floor of a wallet credit.
 * - `POST /keyed-credit/{name}` with an `Idempotency-Key` header: the bare two-object credit. One RPC
 *   to a second bare object (`BareKeys`, also named `name`: one user per wallet) that claims the key
 *   with one INSERT in one `transactionSync`, then the bare credit above. What a keyed credit costs
 *   at least when the key must live outside the wallet's object (DESIGN.md, "Performance budget").
 * - `POST /chained-credit/{name}`: the bare credit in its own object (`ChainedLedger`) that also
 *   writes what the real ledger adds to every entry: the counterparty and the chain hash (SHA-256 of
 *   the previous hash and the entry's canonical JSON, as durable-objects/wallet-ledger/wallet.ts
 *   `chainHash` computes it), and moves the wallet's head hash. Its difference from `/credit` in the
 *   same run is what hash + counterparty cost; it is not the ceiling.
 * - `POST /__loop?n=N` with a request as JSON: that request handled N times in this isolate
 *   (bench/lib/in-isolate.ts).
 */
import { DurableObject } from "cloudflare:workers";
import { createHash } from "node:crypto";
import { GENESIS_HASH, hashInput } from "../../workers/domain/ledger-hash";
import { formatCents } from "../../workers/domain/money";
import { type LoopSpec, loopOver } from "../lib/in-isolate";

type Env = {
  BARE_LEDGER: DurableObjectNamespace<BareLedger>;
  BARE_KEYS: DurableObjectNamespace<BareKeys>;
  CHAINED_LEDGER: DurableObjectNamespace<ChainedLedger>;
};
type Credited = { balance: number; entry: { seq: number; amount: number; balance_after: number; created_at: string } };
type ChainedEntry = Credited["entry"] & { counterparty_account: string; counterparty_name: string; hash: string };

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

/** The simplest form of the IdempotencyStore's claim: a key is taken once, by one INSERT. */
export class BareKeys extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS keys (key TEXT PRIMARY KEY, created_at INTEGER NOT NULL)");
  }

  /** True when this call took the key, false when it was already taken. */
  claim(key: string): boolean {
    return this.ctx.storage.transactionSync(
      // RETURNING, not `rowsWritten`: that also counts the primary key index's row.
      () =>
        this.sql
          .exec("INSERT INTO keys (key, created_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING RETURNING key", key, Date.now())
          .toArray().length === 1,
    );
  }
}

/** BareLedger plus the counterparty and the hash chain of the real ledger's entries. */
export class ChainedLedger extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Hashed like the real ledger's wallet id: a UUID, so the hashed text has the real length. */
  private readonly walletId = crypto.randomUUID();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS wallet (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        balance INTEGER NOT NULL CHECK (balance >= 0),
        head_hash TEXT NOT NULL
      );
      INSERT OR IGNORE INTO wallet (id, balance, head_hash) VALUES (1, 0, '${GENESIS_HASH}');
      CREATE TABLE IF NOT EXISTS entries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        amount INTEGER NOT NULL,
        balance_after INTEGER NOT NULL,
        counterparty_account TEXT NOT NULL,
        counterparty_name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        hash TEXT NOT NULL
      );
    `);
  }

  credit(amount: number): { balance: number; entry: ChainedEntry } {
    return this.ctx.storage.transactionSync(() => {
      const { balance, head_hash } = this.sql
        .exec<{ balance: number; head_hash: string }>(
          "UPDATE wallet SET balance = balance + ? WHERE id = 1 RETURNING balance, head_hash",
          amount,
        )
        .one();
      const createdAt = new Date().toISOString();
      const counterparty = { account: "funding", name: "Deposit" };
      // The fields the real ledger hashes, as the API presents them (money as strings). The
      // transaction id is hashed but not stored: this row measures the hash and the counterparty only.
      const hash = createHash("sha256")
        .update(
          hashInput(head_hash, {
            transaction_id: crypto.randomUUID(),
            wallet_id: this.walletId,
            type: "DEPOSIT",
            direction: "CREDIT",
            amount: formatCents(amount),
            balance_after: formatCents(balance),
            description: null,
            counterparty,
            reference_id: null,
            created_at: createdAt,
          }),
        )
        .digest("hex");
      const entry = this.sql
        .exec<ChainedEntry>(
          `INSERT INTO entries (amount, balance_after, counterparty_account, counterparty_name, created_at, hash) VALUES (?, ?, ?, ?, ?, ?)
           RETURNING seq, amount, balance_after, counterparty_account, counterparty_name, created_at, hash`,
          amount,
          balance,
          counterparty.account,
          counterparty.name,
          createdAt,
          hash,
        )
        .one();
      this.sql.exec("UPDATE wallet SET head_hash = ? WHERE id = 1", hash);
      return { balance, entry };
    });
  }
}

const nameAfter = (pathname: string, prefix: string) => (pathname.startsWith(prefix) ? pathname.slice(prefix.length) : undefined);

const handler = {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === "POST") {
      const bare = nameAfter(url.pathname, "/credit/");
      if (bare !== undefined) {
        const { amount } = (await request.json()) as { amount: number };
        const ledger = env.BARE_LEDGER.get(env.BARE_LEDGER.idFromName(bare));
        return Response.json(await ledger.credit(amount));
      }
      const keyed = nameAfter(url.pathname, "/keyed-credit/");
      if (keyed !== undefined) {
        const key = request.headers.get("idempotency-key");
        if (!key) return new Response("Idempotency-Key required", { status: 400 });
        const { amount } = (await request.json()) as { amount: number };
        const keys = env.BARE_KEYS.get(env.BARE_KEYS.idFromName(keyed));
        if (!(await keys.claim(key))) return new Response("key already used", { status: 409 });
        const ledger = env.BARE_LEDGER.get(env.BARE_LEDGER.idFromName(keyed));
        return Response.json(await ledger.credit(amount));
      }
      const chained = nameAfter(url.pathname, "/chained-credit/");
      if (chained !== undefined) {
        const { amount } = (await request.json()) as { amount: number };
        const ledger = env.CHAINED_LEDGER.get(env.CHAINED_LEDGER.idFromName(chained));
        return Response.json(await ledger.credit(amount));
      }
    }
    return new Response("ok");
  },
};

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/__loop") {
      const spec = (await request.json()) as LoopSpec;
      return loopOver((r) => handler.fetch(r, env), Number(url.searchParams.get("n")), spec);
    }
    return handler.fetch(request, env);
  },
} satisfies ExportedHandler<Env>;
