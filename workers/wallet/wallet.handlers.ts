import type { Context } from "hono";
import { LIVE_EXPIRES_HEADER, LIVE_SESSION_HEADER } from "../../durable-objects/live-sockets";
import type { MoveOutcome } from "../../durable-objects/wallet-ledger.types";
import type { AppEnv, AppRouteHandler } from "../lib/app";
import { businessNow } from "../lib/clock";
import { createDb } from "../lib/db";
import { AppError, errorBody, notFound } from "../lib/errors";
import { isReplay, replayOutcome, transferIdFor } from "../lib/idempotency";
import { decodeCursor, encodeCursor, isId, nowIso, resourceIdFor } from "../lib/ids";
import { ledgerFor, presentTransaction, presentWallet, unwrap } from "../lib/ledger";
import { formatCents, parseAmount } from "../lib/money";
import * as queries from "./wallet.queries";
import type * as routes from "./wallet.routes";

function walletIdFrom(param: string): string {
  if (!isId(param)) throw notFound("Wallet");
  return param;
}

/** A validated timestamp in the form the ledger stores (and compares as text): ISO 8601 UTC with milliseconds. */
function utc(timestamp: string): string {
  const time = Date.parse(timestamp);
  if (Number.isNaN(time))
    throw new AppError("VALIDATION_ERROR", "The timestamp is invalid", [{ path: "as_of", message: "not a timestamp" }]);
  return new Date(time).toISOString();
}

function seqFrom(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const value = decodeCursor(cursor) as { s?: unknown } | undefined;
  if (typeof value?.s !== "number" || !Number.isSafeInteger(value.s)) {
    throw new AppError("VALIDATION_ERROR", "The cursor is invalid", [{ path: "cursor", message: "invalid cursor" }]);
  }
  return value.s;
}

/** SANDBOX_DAILY_DEPOSIT_LIMIT in cents: a money string in dollars ("10000.00"); 0 = no limit. */
function dailyDepositLimit(env: Env): number {
  const setting = String(env.SANDBOX_DAILY_DEPOSIT_LIMIT ?? "0").trim();
  if (setting === "0" || setting === "") return 0;
  const parsed = parseAmount(setting, Number.MAX_SAFE_INTEGER);
  if (!parsed.ok) throw new Error(`SANDBOX_DAILY_DEPOSIT_LIMIT is not an amount: ${setting}`);
  return parsed.cents;
}

/**
 * A sandbox deposit: the day's limit is reserved before the ledger moves and given back when it
 * moved nothing new (a refusal, an error, or a transfer that had already run and was counted then).
 */
async function deposit(c: Context<AppEnv>, amount: number, day: string, move: () => Promise<MoveOutcome>) {
  const limit = dailyDepositLimit(c.env);
  if (limit === 0) return unwrap(await move());
  const user = c.get("user");
  const db = createDb(c.env.DB);
  if (!(await queries.reserveDeposit(db, user.user_id, day, amount, limit))) {
    throw new AppError("DEPOSIT_LIMIT_EXCEEDED", `Sandbox deposits are limited to ${formatCents(limit)} per user per UTC day`);
  }
  let outcome: Extract<MoveOutcome, { ok: true }>;
  try {
    outcome = unwrap(await move());
  } catch (error) {
    await queries.releaseDeposit(db, user.user_id, day, amount);
    throw error;
  }
  if (outcome.replayed) await queries.releaseDeposit(db, user.user_id, day, amount);
  return outcome;
}

/**
 * A deposit or withdrawal. In an Idempotency-Key replay (`idempotentEffect`) nothing runs: the
 * ledger's stored outcome of the same transfer id is presented exactly as the first response was.
 */
async function move(
  c: Context<AppEnv>,
  kind: "credit" | "debit",
  walletParam: string,
  { amount, description }: { amount: number; description?: string | undefined },
) {
  // Before anything else: where deposits come only from the funding webhook, this route moves nothing.
  if (kind === "credit" && c.env.SANDBOX_DEPOSITS !== "true") {
    throw new AppError("DEPOSITS_DISABLED", "This environment takes deposits only from the funding webhook");
  }
  const walletId = walletIdFrom(walletParam);
  const user = c.get("user");
  const ledger = ledgerFor(c.env, walletId);
  const transferId = transferIdFor(user.user_id, c.get("idempotencyKey"), `${kind}:${walletId}`);
  const now = await businessNow(c.env);
  const run = () =>
    ledger[kind]({
      transferId,
      owner: user.user_id,
      amount,
      type: kind === "credit" ? "DEPOSIT" : "WITHDRAWAL",
      description: description ?? null,
      counterparty: kind === "credit" ? { account: "funding", name: "Deposit" } : { account: "payouts", name: "Withdrawal" },
      now,
    });
  const outcome = isReplay(c)
    ? replayOutcome(await ledger.transferOutcome(transferId, user.user_id))
    : kind === "credit"
      ? await deposit(c, amount, now.slice(0, 10), run)
      : unwrap(await run());
  // A transfer that had already run (a retry after a crash or a lapsed lease) answers its first outcome.
  if (outcome.replayed && c.get("idempotencyKey") !== undefined) c.header("idempotent-replayed", "true");
  return { wallet: presentWallet(outcome.wallet), transaction: presentTransaction(outcome.transaction) };
}

export const createWallet: AppRouteHandler<typeof routes.createWallet> = async (c) => {
  const user = c.get("user");
  const key = c.get("idempotencyKey");
  const walletId = resourceIdFor("wallet", user.user_id, key);
  const db = createDb(c.env.DB);
  const claimed = await queries.claimWalletSlot(db, walletId, user.user_id, nowIso());
  try {
    const snapshot = await ledgerFor(c.env, walletId).open(
      walletId,
      user.user_id,
      "USD",
      await businessNow(c.env),
      c.req.valid("json").name,
    );
    return c.json({ wallet: presentWallet(snapshot) }, 201);
  } catch (error) {
    // Give the slot back: a wallet that never opened must not count against the limit.
    if (claimed) await queries.releaseWalletSlot(db, walletId);
    throw error;
  }
};

export const listWallets: AppRouteHandler<typeof routes.listWallets> = async (c) => {
  const user = c.get("user");
  const walletIds = await queries.listWalletIds(createDb(c.env.DB), user.user_id);
  const snapshots = await Promise.all(walletIds.map((walletId) => ledgerFor(c.env, walletId).getWallet(user.user_id)));
  return c.json({ wallets: snapshots.filter((w) => w !== null).map(presentWallet) }, 200);
};

export const getWallet: AppRouteHandler<typeof routes.getWallet> = async (c) => {
  const walletId = walletIdFrom(c.req.valid("param").wallet_id);
  const snapshot = await ledgerFor(c.env, walletId).getWallet(c.get("user").user_id);
  if (!snapshot) throw notFound("Wallet");
  return c.json({ wallet: presentWallet(snapshot) }, 200);
};

export const renameWallet: AppRouteHandler<typeof routes.renameWallet> = async (c) => {
  const walletId = walletIdFrom(c.req.valid("param").wallet_id);
  const snapshot = await ledgerFor(c.env, walletId).rename(c.get("user").user_id, c.req.valid("json").name, await businessNow(c.env));
  if (!snapshot) throw notFound("Wallet");
  return c.json({ wallet: presentWallet(snapshot) }, 200);
};

export const balanceAsOf: AppRouteHandler<typeof routes.balanceAsOf> = async (c) => {
  const walletId = walletIdFrom(c.req.valid("param").wallet_id);
  const { as_of } = c.req.valid("query");
  // Without as_of: as of the clock's now, the time the ledger stamps entries with.
  const asOf = as_of === undefined ? await businessNow(c.env) : utc(as_of);
  const found = await ledgerFor(c.env, walletId).balanceAsOf(c.get("user").user_id, asOf);
  if (!found) throw notFound("Wallet");
  return c.json({ ...found, balance: formatCents(found.balance) }, 200);
};

export const credit: AppRouteHandler<typeof routes.credit> = async (c) =>
  c.json(await move(c, "credit", c.req.valid("param").wallet_id, c.req.valid("json")), 200);

export const debit: AppRouteHandler<typeof routes.debit> = async (c) =>
  c.json(await move(c, "debit", c.req.valid("param").wallet_id, c.req.valid("json")), 200);

export const live: AppRouteHandler<typeof routes.live> = async (c) => {
  const walletId = walletIdFrom(c.req.valid("param").wallet_id);
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    return c.json(errorBody("VALIDATION_ERROR", "Expected a WebSocket upgrade", c.get("requestId")), 426);
  }
  const user = c.get("user");
  const ledger = ledgerFor(c.env, walletId);
  if (!(await ledger.getWallet(user.user_id))) throw notFound("Wallet");
  // The ledger tags the socket with its session and token expiry, to close it when either ends.
  const headers = new Headers(c.req.raw.headers);
  headers.set(LIVE_SESSION_HEADER, user.session_id);
  headers.set(LIVE_EXPIRES_HEADER, String(user.token_expires_at * 1000));
  const res = (await ledger.fetch(new Request(c.req.raw, { headers }))) as unknown as Response;
  if (res.status === 429) {
    throw new AppError("RATE_LIMITED", "This wallet has too many live connections open; close one and retry", [], {
      "Retry-After": "30",
    });
  }
  return res;
};

export const listTransactions: AppRouteHandler<typeof routes.listTransactions> = async (c) => {
  const walletId = walletIdFrom(c.req.valid("param").wallet_id);
  const { limit, cursor, type, from, to, q } = c.req.valid("query");
  const page = await ledgerFor(c.env, walletId).listTransactions(c.get("user").user_id, {
    limit,
    beforeSeq: seqFrom(cursor),
    type,
    ...(from === undefined ? {} : { from: utc(from) }),
    ...(to === undefined ? {} : { to: utc(to) }),
    ...(q === undefined ? {} : { q }),
  });
  if (!page) throw notFound("Wallet");
  return c.json(
    {
      transactions: page.transactions.map(presentTransaction),
      next_cursor: page.nextSeq === null ? null : encodeCursor({ s: page.nextSeq }),
    },
    200,
  );
};

export const listHolds: AppRouteHandler<typeof routes.listHolds> = async (c) => {
  const walletId = walletIdFrom(c.req.valid("param").wallet_id);
  const holds = await ledgerFor(c.env, walletId).listHolds(c.get("user").user_id);
  if (!holds) throw notFound("Wallet");
  return c.json(
    {
      holds: holds.map((h) => ({
        hold_id: h.hold_id,
        amount: formatCents(h.amount),
        reason: h.reason,
        reference_id: h.reference_id,
        expires_at: h.expires_at,
        created_at: h.created_at,
      })),
    },
    200,
  );
};
