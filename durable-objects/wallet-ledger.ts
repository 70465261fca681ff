import { DurableObject } from "cloudflare:workers";
import { presentTransaction, presentWallet } from "../workers/lib/ledger";
import { sendEvents } from "../workers/lib/queues";
import { DEFAULT_SOCKETS_PER_WALLET, LiveSockets } from "./live-sockets";
import type {
  LedgerEvent,
  LedgerTransaction,
  ListTransactionsQuery,
  MoveOutcome,
  MoveRequest,
  PocketMoveRequest,
  PocketOutcome,
  PocketRetargetOutcome,
  PocketView,
  TransactionPage,
  TransactionType,
  WalletSnapshot,
} from "./wallet-ledger.types";

export type * from "./wallet-ledger.types";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS wallet (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  wallet_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  balance INTEGER NOT NULL CHECK (balance >= 0),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pockets (
  goal_id TEXT PRIMARY KEY,
  amount INTEGER NOT NULL CHECK (amount >= 0),
  status TEXT NOT NULL CHECK (status IN ('ACTIVE', 'REDEEMED', 'CLOSED')),
  target INTEGER NOT NULL CHECK (target > 0),
  version INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id TEXT NOT NULL UNIQUE,
  transfer_id TEXT NOT NULL,
  type TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('CREDIT', 'DEBIT')),
  amount INTEGER NOT NULL CHECK (amount > 0),
  balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
  description TEXT,
  reference_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_by_type ON entries (type, seq);
CREATE INDEX IF NOT EXISTS entries_by_reference ON entries (reference_id, seq);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
  BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
  BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TABLE IF NOT EXISTS transfers (
  transfer_id TEXT PRIMARY KEY,
  request TEXT NOT NULL,
  outcome TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
`;

type WalletRow = {
  wallet_id: string;
  user_id: string;
  currency: string;
  balance: number;
  created_at: string;
  updated_at: string;
};

type EntryRow = {
  seq: number;
  transaction_id: string;
  transfer_id: string;
  type: TransactionType;
  direction: "CREDIT" | "DEBIT";
  amount: number;
  balance_after: number;
  description: string | null;
  reference_id: string | null;
  created_at: string;
};

/** Raised inside a transaction to roll it back with a refusal that is still stored as the outcome. */
class Refusal extends Error {
  constructor(readonly outcome: MoveOutcome & PocketOutcome) {
    super("refused");
  }
}

/** The stored request of a transfer the saga gave up on: matches any later attempt, which replays the refusal. */
const ABANDONED = "*";

const OUTBOX_RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000];

/**
 * Owns every cent of one wallet: its spendable balance, its savings pockets, its append-only entries,
 * the stored outcome of every transfer id, and an outbox of events that must follow a commit.
 *
 * Every mutation is one `transactionSync`: the check of funds, the balance write, the entry, the
 * stored outcome and the outbox row commit together or not at all. No `await` happens between the
 * read of a balance and its write, so concurrent requests cannot interleave inside that window.
 */
export class WalletLedger extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** False until `open`: an object nobody opened has no tables, and its reads answer "not found" without writing. */
  private hasSchema: boolean;
  /** Test seam: called at named points inside ledger transactions; throwing rolls the transaction back. */
  faultPoint: ((point: string) => void) | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // The schema is created by the first `open`, never here: anyone can ask for any wallet id, and a
    // constructor that wrote would create storage for each. A wallet that exists gets the
    // (idempotent) schema again, so tables added later reach it. Synchronous: no request can observe
    // a half-initialised object.
    this.hasSchema = this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'wallet'").toArray().length > 0;
    if (this.hasSchema) this.sql.exec(SCHEMA);
  }

  // ---------------------------------------------------------------- reads

  /** Creates the wallet if it does not exist yet; idempotent by wallet id. */
  open(walletId: string, userId: string, currency: string, now: string): WalletSnapshot {
    if (!this.hasSchema) {
      this.sql.exec(SCHEMA);
      this.hasSchema = true;
    }
    const existing = this.walletRow();
    if (existing) {
      if (existing.user_id !== userId || existing.wallet_id !== walletId) {
        throw new Error("wallet ledger already belongs to another wallet");
      }
      return this.snapshot(existing);
    }
    this.sql.exec(
      "INSERT INTO wallet (id, wallet_id, user_id, currency, balance, created_at, updated_at) VALUES (1, ?, ?, ?, 0, ?, ?)",
      walletId,
      userId,
      currency,
      now,
      now,
    );
    return this.snapshot(this.requireWallet());
  }

  /** The wallet, or null when it does not exist or `owner` (when given) is not its owner. */
  getWallet(owner: string | null): WalletSnapshot | null {
    const row = this.walletRow();
    if (!row || (owner !== null && row.user_id !== owner)) return null;
    return this.snapshot(row);
  }

  listTransactions(owner: string | null, query: ListTransactionsQuery): TransactionPage | null {
    const wallet = this.walletRow();
    if (!wallet || (owner !== null && wallet.user_id !== owner)) return null;
    const walletId = wallet.wallet_id;
    const conditions: string[] = [];
    const params: (string | number)[] = [];
    if (query.beforeSeq !== undefined) {
      conditions.push("seq < ?");
      params.push(query.beforeSeq);
    }
    if (query.type) {
      conditions.push("type = ?");
      params.push(query.type);
    }
    if (query.referenceId) {
      conditions.push("reference_id = ?");
      params.push(query.referenceId);
    }
    const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
    const rows = this.sql.exec<EntryRow>(`SELECT * FROM entries ${where} ORDER BY seq DESC LIMIT ?`, ...params, query.limit + 1).toArray();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      transactions: page.map((row) => this.toTransaction(row, walletId)),
      nextSeq: rows.length > query.limit && last ? last.seq : null,
    };
  }

  /**
   * Recomputes the balances from the entries. In a sound ledger `balance == entriesNet` and
   * `pockets == pocketsFromEntries` (a savings add is a wallet DEBIT, a redeem or close a CREDIT).
   */
  audit(): { balance: number; pockets: number; entriesNet: number; pocketsFromEntries: number; entryCount: number } | null {
    const row = this.walletRow();
    if (!row) return null;
    const sums = this.sql
      .exec<{ net: number | null; pockets: number | null; n: number }>(
        `SELECT SUM(CASE direction WHEN 'CREDIT' THEN amount ELSE -amount END) AS net,
                SUM(CASE type WHEN 'SAVINGS_ADD' THEN amount WHEN 'SAVINGS_REDEEM' THEN -amount ELSE 0 END) AS pockets,
                COUNT(*) AS n
         FROM entries`,
      )
      .one();
    return {
      balance: row.balance,
      pockets: this.pocketTotal(),
      entriesNet: sums.net ?? 0,
      pocketsFromEntries: sums.pockets ?? 0,
      entryCount: sums.n,
    };
  }

  /** All entries referring to one business id (payment, loan, repayment, goal). */
  entriesFor(referenceId: string): LedgerTransaction[] {
    const walletId = this.requireWallet().wallet_id;
    return this.sql
      .exec<EntryRow>("SELECT * FROM entries WHERE reference_id = ? ORDER BY seq", referenceId)
      .toArray()
      .map((row) => this.toTransaction(row, walletId));
  }

  // ---------------------------------------------------------------- money moves

  credit(request: MoveRequest): MoveOutcome {
    return this.move(request, "CREDIT");
  }

  debit(request: MoveRequest): MoveOutcome {
    return this.move(request, "DEBIT");
  }

  private move(request: MoveRequest, direction: "CREDIT" | "DEBIT"): MoveOutcome {
    const fingerprint = JSON.stringify({
      op: direction,
      amount: request.amount,
      type: request.type,
      reference: request.referenceId ?? null,
    });
    return this.runTransfer(request.transferId, fingerprint, request.owner, request.now, request.events, () => {
      if (!Number.isSafeInteger(request.amount) || request.amount <= 0) throw new Error("amount must be positive cents");
      const wallet = this.requireWallet();
      const balanceAfter = direction === "CREDIT" ? wallet.balance + request.amount : wallet.balance - request.amount;
      if (balanceAfter < 0) {
        throw new Refusal({ ok: false, code: "INSUFFICIENT_FUNDS", wallet: this.snapshot(wallet) });
      }
      this.setBalance(balanceAfter, request.now);
      this.faultPoint?.("after-balance");
      const transaction = this.appendEntry(
        {
          transferId: request.transferId,
          type: request.type,
          direction,
          amount: request.amount,
          balanceAfter,
          description: request.description ?? null,
          referenceId: request.referenceId ?? null,
          now: request.now,
        },
        wallet.wallet_id,
      );
      this.faultPoint?.("after-entry");
      // The row just written, without reading it back (the hot path of every credit and debit).
      return { ok: true, wallet: this.snapshot({ ...wallet, balance: balanceAfter, updated_at: request.now }), transaction };
    });
  }

  /**
   * The stored outcome of a credit or debit, or null when the transfer has not happened (yet).
   * Read-only: what an Idempotency-Key replay rebuilds the first response from.
   */
  transferOutcome(transferId: string, owner: string): MoveOutcome | null {
    const wallet = this.walletRow();
    if (!wallet || wallet.user_id !== owner) return null;
    const stored = this.sql.exec<{ outcome: string }>("SELECT outcome FROM transfers WHERE transfer_id = ?", transferId).toArray()[0];
    return stored ? { ...(JSON.parse(stored.outcome) as MoveOutcome), replayed: true } : null;
  }

  /**
   * Settles a transfer whose saga gave up (its message dead-lettered): returns the stored outcome if
   * the transfer ran, or stores an ABANDONED refusal so that a late delivery can never run it.
   */
  abandonTransfer(transferId: string, now: string): MoveOutcome {
    // A wallet that was never opened moved nothing and never will: nothing to store.
    if (!this.hasSchema) return { ok: false, code: "ABANDONED", replayed: false };
    return this.ctx.storage.transactionSync((): MoveOutcome => {
      const stored = this.sql.exec<{ outcome: string }>("SELECT outcome FROM transfers WHERE transfer_id = ?", transferId).toArray()[0];
      if (stored) return { ...(JSON.parse(stored.outcome) as MoveOutcome), replayed: true };
      const outcome: MoveOutcome = { ok: false, code: "ABANDONED" };
      this.sql.exec(
        "INSERT INTO transfers (transfer_id, request, outcome, created_at) VALUES (?, ?, ?, ?)",
        transferId,
        ABANDONED,
        JSON.stringify(outcome),
        now,
      );
      return { ...outcome, replayed: false };
    });
  }

  /** The entries a reconciliation compares with D1: every saga movement, keyed by its reference. */
  sagaEntries(): { type: TransactionType; reference_id: string; amount: number; count: number }[] {
    if (!this.hasSchema) return [];
    return this.sql
      .exec<{ type: TransactionType; reference_id: string; amount: number; count: number }>(
        `SELECT type, reference_id, SUM(amount) AS amount, COUNT(*) AS count FROM entries
         WHERE reference_id IS NOT NULL GROUP BY type, reference_id`,
      )
      .toArray();
  }

  // ---------------------------------------------------------------- savings pockets

  /** Moves money from the spendable balance into a goal's pocket (creating the pocket on first use). */
  pocketAdd(request: PocketMoveRequest & { target: number }): PocketOutcome {
    const fingerprint = JSON.stringify({ op: "POCKET_ADD", goal: request.goalId, amount: request.amount });
    return this.runTransfer(request.transferId, fingerprint, request.owner, request.now, undefined, () => {
      const wallet = this.requireWallet();
      const pocket = this.ensurePocket(request.goalId, request.target, request.now);
      if (pocket.status !== "ACTIVE") throw new Refusal({ ok: false, code: "INVALID_STATE", wallet: this.snapshot(wallet) });
      const amount = request.amount ?? 0;
      if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error("amount must be positive cents");
      const balanceAfter = wallet.balance - amount;
      if (balanceAfter < 0) throw new Refusal({ ok: false, code: "INSUFFICIENT_FUNDS", wallet: this.snapshot(wallet) });
      this.setBalance(balanceAfter, request.now);
      this.sql.exec(
        "UPDATE pockets SET amount = amount + ?, version = version + 1, updated_at = ? WHERE goal_id = ?",
        amount,
        request.now,
        request.goalId,
      );
      this.faultPoint?.("pocket-after-update");
      const transaction = this.appendEntry({
        transferId: request.transferId,
        type: "SAVINGS_ADD",
        direction: "DEBIT",
        amount,
        balanceAfter,
        description: request.description ?? null,
        referenceId: request.goalId,
        now: request.now,
      });
      return {
        ok: true,
        wallet: this.snapshot(this.requireWallet()),
        pocket: this.pocketView(request.goalId),
        transaction,
      };
    });
  }

  /**
   * Empties a pocket back into the spendable balance. `mode: "redeem"` requires the pocket to have
   * reached `target` and leaves it REDEEMED; `mode: "close"` (goal deletion) works at any amount.
   */
  pocketRelease(request: PocketMoveRequest & { mode: "redeem" | "close"; target: number }): PocketOutcome {
    const fingerprint = JSON.stringify({ op: `POCKET_${request.mode.toUpperCase()}`, goal: request.goalId });
    return this.runTransfer(request.transferId, fingerprint, request.owner, request.now, undefined, () => {
      const wallet = this.requireWallet();
      const pocket = this.ensurePocket(request.goalId, request.target, request.now);
      if (pocket.status !== "ACTIVE") throw new Refusal({ ok: false, code: "INVALID_STATE", wallet: this.snapshot(wallet) });
      if (request.mode === "redeem" && pocket.amount < pocket.target) {
        throw new Refusal({ ok: false, code: "GOAL_NOT_REACHED", wallet: this.snapshot(wallet), pocket });
      }
      const amount = pocket.amount;
      const balanceAfter = wallet.balance + amount;
      const status = request.mode === "redeem" ? "REDEEMED" : "CLOSED";
      this.sql.exec(
        "UPDATE pockets SET amount = 0, status = ?, version = version + 1, updated_at = ? WHERE goal_id = ?",
        status,
        request.now,
        request.goalId,
      );
      let transaction: LedgerTransaction | null = null;
      if (amount > 0) {
        this.setBalance(balanceAfter, request.now);
        this.faultPoint?.("pocket-after-update");
        transaction = this.appendEntry({
          transferId: request.transferId,
          type: "SAVINGS_REDEEM",
          direction: "CREDIT",
          amount,
          balanceAfter,
          description: request.description ?? null,
          referenceId: request.goalId,
          now: request.now,
        });
      }
      return {
        ok: true,
        wallet: this.snapshot(this.requireWallet()),
        pocket: this.pocketView(request.goalId),
        transaction,
        released: amount,
      };
    });
  }

  /**
   * Changes a goal's target (the goal was edited). Checked against the pocket in the same
   * transaction, so a concurrent add can never leave the pocket above its new target.
   */
  pocketRetarget(request: { owner: string; goalId: string; target: number; now: string }): PocketRetargetOutcome {
    if (!this.getWallet(request.owner)) return { ok: false, code: "NOT_FOUND" };
    if (!Number.isSafeInteger(request.target) || request.target <= 0) throw new Error("target must be positive cents");
    return this.ctx.storage.transactionSync((): PocketRetargetOutcome => {
      const pocket = this.ensurePocket(request.goalId, request.target, request.now);
      if (pocket.status !== "ACTIVE") return { ok: false, code: "INVALID_STATE", pocket };
      if (request.target < pocket.amount) return { ok: false, code: "BELOW_CURRENT", pocket };
      this.sql.exec(
        "UPDATE pockets SET target = ?, version = version + 1, updated_at = ? WHERE goal_id = ?",
        request.target,
        request.now,
        request.goalId,
      );
      return { ok: true, pocket: this.pocketView(request.goalId) };
    });
  }

  getPocket(owner: string | null, goalId: string): PocketView | null {
    if (!this.getWallet(owner)) return null;
    const pocket = this.sql
      .exec<PocketView>("SELECT goal_id, amount, status, target, version FROM pockets WHERE goal_id = ?", goalId)
      .toArray()[0];
    return pocket ?? null;
  }

  // ---------------------------------------------------------------- outbox

  /** The drain in progress, if any, and whether another pass was asked for while it ran. */
  private draining: Promise<number> | null = null;
  private drainAgain = false;

  /**
   * Sends every outbox row to its queue, deleting each once sent; re-arms the alarm while rows remain.
   * Single-flight: a drain asked for while one runs joins it and makes it run one more pass (for
   * rows committed after its read), so no row is sent twice by concurrent drains.
   */
  drainOutbox(): Promise<number> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    const run = async () => {
      let sent = 0;
      do {
        this.drainAgain = false;
        sent += await this.drainPass();
      } while (this.drainAgain);
      return sent;
    };
    this.draining = run().finally(() => {
      this.draining = null;
      // Asked for between the last pass and now: one more drain, so no joined request is left behind.
      if (this.drainAgain) this.ctx.waitUntil(this.drainOutbox());
    });
    return this.draining;
  }

  private async drainPass(): Promise<number> {
    const rows = this.sql.exec<{ seq: number; queue: string; body: string }>("SELECT seq, queue, body FROM outbox ORDER BY seq").toArray();
    let sent = 0;
    for (const row of rows) {
      try {
        await this.publish(row.queue, JSON.parse(row.body) as LedgerEvent);
        this.sql.exec("DELETE FROM outbox WHERE seq = ?", row.seq);
        sent++;
      } catch (error) {
        this.sql.exec("UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?", row.seq);
        console.error(JSON.stringify({ msg: "outbox send failed", queue: row.queue, seq: row.seq, error: String(error) }));
      }
    }
    const left = this.outboxSize();
    if (left > 0) await this.armAlarm();
    return sent;
  }

  outboxSize(): number {
    if (!this.hasSchema) return 0;
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n;
  }

  override async alarm(): Promise<void> {
    await this.drainOutbox();
    // The same alarm closes live sockets whose token expired, and re-arms for the next expiry.
    await this.live.onAlarm();
  }

  /** The one place that talks to a queue; a seam tests replace to inject send failures. */
  async publish(queue: string, event: LedgerEvent): Promise<void> {
    const [failure] = await sendEvents(this.env, [{ queue, body: event }]);
    if (failure) throw failure.error;
  }

  private async armAlarm(): Promise<void> {
    const attempts = this.sql.exec<{ a: number | null }>("SELECT MAX(attempts) AS a FROM outbox").one().a ?? 0;
    const delay = OUTBOX_RETRY_MS[Math.min(attempts, OUTBOX_RETRY_MS.length - 1)] ?? 60_000;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > Date.now() + delay) await this.ctx.storage.setAlarm(Date.now() + delay);
  }

  // ---------------------------------------------------------------- live updates (WebSocket hibernation API)

  private liveSockets: LiveSockets | undefined;
  private get live(): LiveSockets {
    this.liveSockets ??= new LiveSockets(this.ctx);
    return this.liveSockets;
  }

  /** Accepts a live connection; the Worker has already authenticated the user, checked ownership and Origin. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const wallet = this.walletRow();
    if (!wallet) return new Response("not found", { status: 404 });
    const limit = Number(this.env.LIVE_SOCKETS_PER_WALLET) || DEFAULT_SOCKETS_PER_WALLET;
    return this.live.accept(request, limit, JSON.stringify({ type: "balance", wallet: presentWallet(this.snapshot(wallet)) }));
  }

  /** Closes the live sockets opened by these sessions (called when they are revoked). */
  closeSessionSockets(sessionIds: string[]): number {
    return this.live.closeSessions(sessionIds);
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    // Clients may ping to keep intermediaries from closing an idle connection.
    if (message === "ping") ws.send(JSON.stringify({ type: "pong" }));
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    this.live.onClose(ws, code, reason);
  }

  private broadcast(outcome: { wallet: WalletSnapshot; transaction?: LedgerTransaction | null }): void {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return;
    const messages = [JSON.stringify({ type: "balance", wallet: presentWallet(outcome.wallet) })];
    if (outcome.transaction) messages.push(JSON.stringify({ type: "transaction", transaction: presentTransaction(outcome.transaction) }));
    for (const socket of sockets) {
      try {
        for (const message of messages) socket.send(message);
      } catch {
        // A socket closing under us is not the ledger's problem.
      }
    }
  }

  // ---------------------------------------------------------------- internals

  /**
   * Runs one keyed transfer exactly once. A replayed transfer id returns the stored outcome,
   * refusals included; a transfer id reused for a different request is refused.
   */
  private runTransfer<T extends MoveOutcome | PocketOutcome>(
    transferId: string,
    fingerprint: string,
    owner: string | null,
    now: string,
    events: MoveRequest["events"],
    body: () => T,
  ): T {
    const wallet = this.walletRow();
    if (!wallet || (owner !== null && wallet.user_id !== owner)) return { ok: false, code: "NOT_FOUND" } as T;

    let wroteOutbox = false;
    const outcome = this.ctx.storage.transactionSync((): T => {
      const stored = this.sql
        .exec<{ request: string; outcome: string }>("SELECT request, outcome FROM transfers WHERE transfer_id = ?", transferId)
        .toArray()[0];
      if (stored) {
        if (stored.request !== fingerprint && stored.request !== ABANDONED) return { ok: false, code: "TRANSFER_CONFLICT" } as T;
        const replayed: T = { ...(JSON.parse(stored.outcome) as T), replayed: true };
        if (events?.reemitOnReplay) wroteOutbox = this.writeOutcomeEvent(events, replayed, now);
        return replayed;
      }
      let result: T;
      try {
        result = body();
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        result = error.outcome as T;
      }
      wroteOutbox = this.writeOutcomeEvent(events, result, now);
      this.faultPoint?.("before-commit");
      this.sql.exec(
        "INSERT INTO transfers (transfer_id, request, outcome, created_at) VALUES (?, ?, ?, ?)",
        transferId,
        fingerprint,
        JSON.stringify(result),
        now,
      );
      return { ...result, replayed: false };
    });
    if (outcome.ok && !outcome.replayed) this.broadcast(outcome);
    if (wroteOutbox) {
      // Armed in the same output-gated write batch as the commit, so the outbox is never orphaned;
      // the drain below usually empties it first and the alarm then finds nothing to do.
      void this.ctx.storage.setAlarm(Date.now() + (OUTBOX_RETRY_MS[0] ?? 1_000));
      this.ctx.waitUntil(this.drainOutbox());
    }
    return outcome;
  }

  /** Writes the outcome's event (if the caller gave one) to the outbox, inside the caller's transaction. */
  private writeOutcomeEvent(events: MoveRequest["events"], result: MoveOutcome | PocketOutcome, now: string): boolean {
    const event = result.ok ? events?.onSuccess : events?.onFailure;
    if (!event) return false;
    this.sql.exec(
      "INSERT INTO outbox (queue, body, created_at) VALUES (?, ?, ?)",
      event.queue,
      JSON.stringify({ ...event.event, payload: { ...event.event.payload, ...this.eventFacts(result) } }),
      now,
    );
    return true;
  }

  /** Facts every outcome event carries, whichever saga emitted it. */
  private eventFacts(result: MoveOutcome | PocketOutcome): Record<string, unknown> {
    if (result.ok) {
      return { transaction_id: result.transaction?.transaction_id ?? null, balance_after: result.wallet.balance };
    }
    // A transfer abandoned after its request dead-lettered is, to the saga, a processing error.
    return { failure_reason: result.code === "ABANDONED" ? "PROCESSING_ERROR" : result.code };
  }

  private walletRow(): WalletRow | undefined {
    if (!this.hasSchema) return undefined;
    return this.sql
      .exec<WalletRow>("SELECT wallet_id, user_id, currency, balance, created_at, updated_at FROM wallet WHERE id = 1")
      .toArray()[0];
  }

  private requireWallet(): WalletRow {
    const row = this.walletRow();
    if (!row) throw new Error("wallet ledger is not open");
    return row;
  }

  private setBalance(balance: number, now: string): void {
    this.sql.exec("UPDATE wallet SET balance = ?, updated_at = ? WHERE id = 1", balance, now);
  }

  private pocketTotal(): number {
    return this.sql.exec<{ s: number | null }>("SELECT SUM(amount) AS s FROM pockets").one().s ?? 0;
  }

  private ensurePocket(goalId: string, target: number, now: string): PocketView {
    this.sql.exec(
      "INSERT INTO pockets (goal_id, amount, status, target, updated_at) VALUES (?, 0, 'ACTIVE', ?, ?) ON CONFLICT (goal_id) DO NOTHING",
      goalId,
      target,
      now,
    );
    return this.pocketView(goalId);
  }

  private pocketView(goalId: string): PocketView {
    return this.sql.exec<PocketView>("SELECT goal_id, amount, status, target, version FROM pockets WHERE goal_id = ?", goalId).one();
  }

  private appendEntry(
    entry: {
      transferId: string;
      type: TransactionType;
      direction: "CREDIT" | "DEBIT";
      amount: number;
      balanceAfter: number;
      description: string | null;
      referenceId: string | null;
      now: string;
    },
    walletId: string = this.requireWallet().wallet_id,
  ): LedgerTransaction {
    const row = this.sql
      .exec<EntryRow>(
        `INSERT INTO entries (transaction_id, transfer_id, type, direction, amount, balance_after, description, reference_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        crypto.randomUUID(),
        entry.transferId,
        entry.type,
        entry.direction,
        entry.amount,
        entry.balanceAfter,
        entry.description,
        entry.referenceId,
        entry.now,
      )
      .one();
    return this.toTransaction(row, walletId);
  }

  private snapshot(row: WalletRow): WalletSnapshot {
    return {
      wallet_id: row.wallet_id,
      user_id: row.user_id,
      balance: row.balance,
      savings_balance: this.pocketTotal(),
      currency: row.currency,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  private toTransaction(row: EntryRow, walletId: string): LedgerTransaction {
    return {
      transaction_id: row.transaction_id,
      wallet_id: walletId,
      type: row.type,
      direction: row.direction,
      amount: row.amount,
      balance_after: row.balance_after,
      description: row.description,
      reference_id: row.reference_id,
      created_at: row.created_at,
    };
  }
}
