import { DurableObject } from "cloudflare:workers";
import { clockNow } from "../workers/lib/clock";
import { sendEvents } from "../workers/lib/queues";
import { DEFAULT_SOCKETS_PER_WALLET, LiveSockets } from "./live-sockets";
import { migrate, schemaVersion } from "./schema-migrations";
import {
  audit,
  type CounterpartySagaEntry,
  type LedgerAudit,
  type SagaEntry,
  sagaEntries,
  sagaEntriesByCounterparty,
  totals,
} from "./wallet-ledger/audit";
import {
  activeHolds,
  allHolds,
  allRefunds,
  dueHolds,
  holdFor,
  nextExpiry,
  placeHold,
  placeHoldFingerprint,
  refund,
  refundFingerprint,
  settleHold,
} from "./wallet-ledger/holds";
import { drainPass, FIRST_RETRY_MS, outboxSize, retryDelayMs } from "./wallet-ledger/outbox";
import {
  addToPocket,
  type PocketAddRequest,
  type PocketReleaseRequest,
  pocketAddFingerprint,
  pocketReleaseFingerprint,
  pocketView,
  releasePocket,
  retargetPocket,
} from "./wallet-ledger/pockets";
import { balanceMessage, liveMessages } from "./wallet-ledger/presenters";
import { hasLedger, LEDGER_MIGRATIONS, ledgerMigrations, migrationContext } from "./wallet-ledger/schema";
import { type ActivePeriod, activePeriods, type PeriodEntries, periodEntries } from "./wallet-ledger/statements";
import {
  abandon,
  applyMove,
  type FaultPoint,
  type KeyedTransfer,
  moveFingerprint,
  runKeyedTransfer,
  storedOutcome,
} from "./wallet-ledger/transfers";
import {
  balanceAsOf,
  entriesFor,
  insertWallet,
  listTransactions,
  renameWallet,
  requireWallet,
  snapshot,
  type WalletRow,
  walletRow,
} from "./wallet-ledger/wallet";
import type {
  BalanceAsOf,
  HoldOutcome,
  HoldView,
  LedgerEvent,
  LedgerOutcome,
  LedgerTotals,
  LedgerTransaction,
  ListTransactionsQuery,
  MoveOutcome,
  MoveRequest,
  PlaceHoldRequest,
  PocketOutcome,
  PocketRetargetOutcome,
  PocketView,
  RefundOutcome,
  RefundRequest,
  RefundView,
  SettleHoldRequest,
  TransactionPage,
  WalletSnapshot,
} from "./wallet-ledger.types";

export type * from "./wallet-ledger.types";

/**
 * Owns every cent of one wallet: its spendable balance, its savings pockets, its append-only entries,
 * the stored outcome of every transfer id, and an outbox of events that must follow a commit. The
 * SQL lives in the modules of wallet-ledger/; this class is the atomicity boundary around them.
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
  faultPoint: FaultPoint | undefined;
  private readonly fault: FaultPoint = (point) => this.faultPoint?.(point);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // The schema is created by the first `open`, never here: anyone can ask for any wallet id, and a
    // constructor that wrote would create storage for each. A wallet that exists is migrated here, so
    // a version added later reaches it before its first request (under blockConcurrencyWhile: no
    // request can observe a half-migrated object).
    this.hasSchema = hasLedger(this.sql);
    this.ready = this.hasSchema ? this.migrateExisting() : Promise.resolve();
  }

  /**
   * Resolves once the stored schema is current. Migration 2 names the other side of entries written
   * before counterparties existed, from D1 (see schema.ts), so a wallet still below it is migrated
   * under `blockConcurrencyWhile`: no request runs until it is done, and a failure resets the object
   * so the next request tries again. A current wallet costs one read.
   */
  readonly ready: Promise<void>;

  private migrateExisting(): Promise<void> {
    const version = schemaVersion(this.sql);
    if (version >= LEDGER_MIGRATIONS.length) return Promise.resolve();
    return this.ctx.blockConcurrencyWhile(async () => {
      // Only migration 2 needs D1's names for old entries; a later one migrates without reading D1.
      const hasEntries = version < 2 && this.sql.exec("SELECT 1 FROM entries LIMIT 1").toArray().length > 0;
      // Read with the columns every version has: the row may predate the current ones.
      const walletId = this.sql.exec<{ wallet_id: string }>("SELECT wallet_id FROM wallet WHERE id = 1").toArray()[0]?.wallet_id;
      const context = hasEntries && walletId ? await migrationContext(this.env.DB, walletId) : undefined;
      migrate(this.ctx.storage, ledgerMigrations(context));
    });
  }

  // ---------------------------------------------------------------- reads

  /** Creates the wallet if it does not exist yet; idempotent by wallet id. */
  open(walletId: string, userId: string, currency: string, now: string, name = "Main"): WalletSnapshot {
    if (!this.hasSchema) {
      migrate(this.ctx.storage, LEDGER_MIGRATIONS);
      this.hasSchema = true;
    }
    const existing = this.walletRow();
    if (existing) {
      if (existing.user_id !== userId || existing.wallet_id !== walletId) {
        throw new Error("wallet ledger already belongs to another wallet");
      }
      return snapshot(this.sql, existing);
    }
    insertWallet(this.sql, walletId, userId, currency, name, now);
    return snapshot(this.sql, requireWallet(this.sql));
  }

  /** Renames the wallet (its owner's label for it); null when it does not exist or is not theirs. */
  rename(owner: string, name: string, now: string): WalletSnapshot | null {
    if (!this.ownedWallet(owner)) return null;
    renameWallet(this.sql, name, now);
    const wallet = snapshot(this.sql, requireWallet(this.sql));
    this.live.broadcast(() => [balanceMessage(wallet)]);
    return wallet;
  }

  /** The posted balance as it was at `asOf`; null for a wallet that does not exist or is not `owner`'s. */
  balanceAsOf(owner: string | null, asOf: string): BalanceAsOf | null {
    return this.ownedWallet(owner) ? balanceAsOf(this.sql, asOf) : null;
  }

  /**
   * What a statement of [from, to) is made of: the chain just before `from` and the entries in the
   * range, oldest first (workers/statements). Null for a wallet that does not exist or is not `owner`'s.
   */
  statementEntries(owner: string, from: string, to: string): PeriodEntries | null {
    const wallet = this.ownedWallet(owner);
    return wallet ? periodEntries(this.sql, wallet, from, to) : null;
  }

  /** The months that have entries, newest first, with their opening and closing balances. */
  statementPeriods(owner: string): ActivePeriod[] | null {
    return this.ownedWallet(owner) ? activePeriods(this.sql) : null;
  }

  /** This wallet's side of the conservation proof (GET /v1/admin/ledger); null for a wallet never opened. */
  totals(): LedgerTotals | null {
    const row = this.walletRow();
    return row ? totals(this.sql, row) : null;
  }

  /** The wallet, or null when it does not exist or `owner` (when given) is not its owner. */
  getWallet(owner: string | null): WalletSnapshot | null {
    const row = this.ownedWallet(owner);
    return row ? snapshot(this.sql, row) : null;
  }

  listTransactions(owner: string | null, query: ListTransactionsQuery): TransactionPage | null {
    const wallet = this.ownedWallet(owner);
    return wallet ? listTransactions(this.sql, wallet.wallet_id, query) : null;
  }

  /** Balances recomputed from the entries (see audit.ts); null for a wallet that does not exist. */
  audit(): LedgerAudit | null {
    const row = this.walletRow();
    return row ? audit(this.sql, row) : null;
  }

  /** All entries referring to one business id (payment, loan, repayment, goal). */
  entriesFor(referenceId: string): LedgerTransaction[] {
    const wallet = this.walletRow();
    if (!wallet) throw new Error("wallet ledger is not open");
    return entriesFor(this.sql, wallet.wallet_id, referenceId);
  }

  // ---------------------------------------------------------------- money moves

  credit(request: MoveRequest): MoveOutcome {
    return this.move(request, "CREDIT");
  }

  debit(request: MoveRequest): MoveOutcome {
    return this.move(request, "DEBIT");
  }

  private move(request: MoveRequest, direction: "CREDIT" | "DEBIT"): MoveOutcome {
    return this.runTransfer(
      { transferId: request.transferId, fingerprint: moveFingerprint(request, direction), now: request.now, events: request.events },
      request.owner,
      (wallet) => applyMove(this.sql, request, direction, this.fault, wallet),
    );
  }

  /**
   * The stored outcome of a credit or debit, or null when the transfer has not happened (yet).
   * Read-only: what an Idempotency-Key replay rebuilds the first response from.
   */
  transferOutcome(transferId: string, owner: string): MoveOutcome | null {
    return this.ownedWallet(owner) ? storedOutcome(this.sql, transferId) : null;
  }

  /**
   * Settles a transfer whose saga gave up (its message dead-lettered): returns the stored outcome if
   * the transfer ran, or stores an ABANDONED refusal so that a late delivery can never run it.
   */
  abandonTransfer(transferId: string, now: string): MoveOutcome {
    // A wallet that was never opened moved nothing and never will: nothing to store.
    if (!this.hasSchema) return { ok: false, code: "ABANDONED", replayed: false };
    return this.ctx.storage.transactionSync((): MoveOutcome => abandon(this.sql, transferId, now));
  }

  /** The entries a reconciliation compares with D1: every saga movement, keyed by its reference. */
  sagaEntries(): SagaEntry[] {
    return this.hasSchema ? sagaEntries(this.sql) : [];
  }

  /** The same entries split by the counterparty account they name (reconciliation checks it). */
  sagaEntriesByCounterparty(): CounterpartySagaEntry[] {
    return this.hasSchema ? sagaEntriesByCounterparty(this.sql) : [];
  }

  // ---------------------------------------------------------------- savings pockets

  /** Moves money from the spendable balance into a goal's pocket (creating the pocket on first use). */
  pocketAdd(request: PocketAddRequest): PocketOutcome {
    return this.runTransfer(
      { transferId: request.transferId, fingerprint: pocketAddFingerprint(request), now: request.now, events: undefined },
      request.owner,
      (wallet) => addToPocket(this.sql, request, this.fault, wallet),
    );
  }

  /**
   * Empties a pocket back into the spendable balance. `mode: "redeem"` requires the pocket to have
   * reached `target` and leaves it REDEEMED; `mode: "close"` (goal deletion) works at any amount.
   */
  pocketRelease(request: PocketReleaseRequest): PocketOutcome {
    return this.runTransfer(
      { transferId: request.transferId, fingerprint: pocketReleaseFingerprint(request), now: request.now, events: undefined },
      request.owner,
      (wallet) => releasePocket(this.sql, request, this.fault, wallet),
    );
  }

  /**
   * Changes a goal's target (the goal was edited). Checked against the pocket in the same
   * transaction, so a concurrent add can never leave the pocket above its new target.
   */
  pocketRetarget(request: { owner: string; goalId: string; target: number; now: string }): PocketRetargetOutcome {
    if (!this.getWallet(request.owner)) return { ok: false, code: "NOT_FOUND" };
    if (!Number.isSafeInteger(request.target) || request.target <= 0) throw new Error("target must be positive cents");
    return this.ctx.storage.transactionSync((): PocketRetargetOutcome => retargetPocket(this.sql, request));
  }

  getPocket(owner: string | null, goalId: string): PocketView | null {
    if (!this.getWallet(owner)) return null;
    return pocketView(this.sql, goalId) ?? null;
  }

  // ---------------------------------------------------------------- holds and refunds (holds.ts)

  /** Reserves `amount` of the available balance for `referenceId`, once per transfer id; arms the expiry alarm. */
  placeHold(request: PlaceHoldRequest): HoldOutcome {
    const outcome = this.runTransfer(
      { transferId: request.transferId, fingerprint: placeHoldFingerprint(request), now: request.now, events: request.events },
      request.owner,
      (wallet) => placeHold(this.sql, request, this.fault, wallet),
    );
    if (outcome.ok) this.ctx.waitUntil(this.armHoldAlarm());
    return outcome;
  }

  /**
   * Posts (capture) or releases (cancel, expire) the hold of `referenceId`, exactly once: the first
   * of racing settlements wins, the others are refused with INVALID_STATE and the hold as it is.
   */
  settleHold(request: SettleHoldRequest, owner: string | null = null): HoldOutcome {
    if (!this.ownedWallet(owner)) return { ok: false, code: "NOT_FOUND" };
    const { outcome, wroteOutbox } = this.ctx.storage.transactionSync(() => settleHold(this.sql, request, this.fault));
    this.afterCommit(outcome, wroteOutbox);
    return outcome;
  }

  /** Releases every active hold due at `now` (the project's clock), each once; returns what it released. */
  expireDueHolds(now: string): HoldOutcome[] {
    if (!this.hasSchema || !this.walletRow()) return [];
    return dueHolds(this.sql, now).map((referenceId) => this.settleHold({ op: "expire", referenceId, now }));
  }

  /** The wallet's active holds (GET /v1/wallet/{id}/holds); null when not `owner`'s. */
  listHolds(owner: string | null): HoldView[] | null {
    return this.ownedWallet(owner) ? activeHolds(this.sql) : null;
  }

  getHold(referenceId: string): HoldView | null {
    return this.hasSchema && this.walletRow() ? (holdFor(this.sql, referenceId) ?? null) : null;
  }

  /** Every hold and refund, for reconciliation. */
  holdsAndRefunds(): { holds: HoldView[]; refunds: RefundView[] } {
    return this.hasSchema ? { holds: allHolds(this.sql), refunds: allRefunds(this.sql) } : { holds: [], refunds: [] };
  }

  /** A REFUND credit of a payment's PAYMENT_OUT, capped by what it captured, keyed by the refund's transfer id. */
  refund(request: RefundRequest): RefundOutcome {
    return this.runTransfer(
      { transferId: request.transferId, fingerprint: refundFingerprint(request), now: request.now, events: request.events },
      request.owner,
      (wallet) => refund(this.sql, request, this.fault, wallet),
    );
  }

  /** Moves the object's one alarm to the next hold expiry when that is sooner (never later: the outbox may need it). */
  private async armHoldAlarm(): Promise<void> {
    const next = nextExpiry(this.sql);
    if (next === null) return;
    const at = Date.parse(next);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current <= Date.now() || current > at) await this.ctx.storage.setAlarm(at);
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
        sent += await drainPass(this.sql, (queue, event) => this.publish(queue, event));
        if (outboxSize(this.sql) > 0) await this.armAlarm();
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

  outboxSize(): number {
    return this.hasSchema ? outboxSize(this.sql) : 0;
  }

  override async alarm(): Promise<void> {
    // Holds due by the project's clock are released first, so their events leave with this drain.
    if (this.hasSchema) {
      this.expireDueHolds((await clockNow(this.env)).toISOString());
      await this.armHoldAlarm();
    }
    await this.drainOutbox();
    // The same alarm closes live sockets whose token expired, and re-arms for the next expiry.
    await this.live.onAlarm();
  }

  /** Where every outbox row is sent; a seam tests replace to inject send failures. */
  async publish(queue: string, event: LedgerEvent): Promise<void> {
    const [failure] = await sendEvents(this.env, [{ queue, body: event }]);
    if (failure) throw failure.error;
  }

  private async armAlarm(): Promise<void> {
    const delay = retryDelayMs(this.sql);
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
    return this.live.accept(request, limit, balanceMessage(snapshot(this.sql, wallet)));
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

  // ---------------------------------------------------------------- internals

  /**
   * Runs one keyed transfer in its own transaction (see transfers.ts), then tells live sockets and
   * starts the outbox drain: both after the commit, never inside it.
   */
  private runTransfer<T extends LedgerOutcome>(transfer: KeyedTransfer, owner: string | null, body: (wallet: WalletRow) => T): T {
    // Read once and handed to the body: nothing can run in this object between this synchronous
    // read and the transaction, so the row is the one the transaction sees.
    const wallet = this.ownedWallet(owner);
    if (!wallet) return { ok: false, code: "NOT_FOUND" } as T;
    const { outcome, wroteOutbox } = this.ctx.storage.transactionSync(() =>
      runKeyedTransfer(this.sql, transfer, this.fault, () => body(wallet)),
    );
    this.afterCommit(outcome, wroteOutbox);
    return outcome;
  }

  private afterCommit(outcome: LedgerOutcome, wroteOutbox: boolean): void {
    if (outcome.ok && !outcome.replayed) this.live.broadcast(() => liveMessages(outcome));
    if (wroteOutbox) {
      // Armed in the same output-gated write batch as the commit, so the outbox is never orphaned;
      // the drain below usually empties it first and the alarm then finds nothing to do.
      void this.ctx.storage.setAlarm(Date.now() + FIRST_RETRY_MS);
      this.ctx.waitUntil(this.drainOutbox());
    }
  }

  private walletRow(): WalletRow | undefined {
    return this.hasSchema ? walletRow(this.sql) : undefined;
  }

  /** The wallet row when it exists and `owner` (null: the system) may act on it. */
  private ownedWallet(owner: string | null): WalletRow | undefined {
    const row = this.walletRow();
    return row && (owner === null || row.user_id === owner) ? row : undefined;
  }
}
