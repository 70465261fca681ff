import { buildStatement, isPeriod, periodOf, periodRange, signStatement, verifyStatement as verify } from "../domain/statement";
import type { AppRouteHandler } from "../lib/app";
import { clockNow } from "../lib/clock";
import { notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import { presentTransaction } from "../lib/ledger";
import { formatCents } from "../lib/money";
import * as keys from "./statements.keys";
import { csvFilename, statementCsv } from "./statements.presenters";
import * as queries from "./statements.queries";
import type * as routes from "./statements.routes";

function walletIdFrom(param: string): string {
  if (!isId(param)) throw notFound("Wallet");
  return param;
}

export const listStatements: AppRouteHandler<typeof routes.listStatements> = async (c) => {
  const walletId = walletIdFrom(c.req.valid("param").wallet_id);
  const periods = await queries.activePeriods(c.env, walletId, c.get("user").user_id);
  if (!periods) throw notFound("Wallet");
  return c.json(
    {
      statements: periods.map((p) => ({
        period: p.period,
        opening_balance: formatCents(p.opening_balance),
        closing_balance: formatCents(p.closing_balance),
      })),
    },
    200,
  );
};

export const getStatement: AppRouteHandler<typeof routes.getStatement> = async (c) => {
  const { wallet_id, period } = c.req.valid("param");
  const walletId = walletIdFrom(wallet_id);
  if (!isPeriod(period)) throw notFound("Statement");
  const now = await clockNow(c.env);
  // A month that has not begun has no statement yet.
  if (period > periodOf(now)) throw notFound("Statement");
  const { from, to } = periodRange(period);
  const [entries, key] = await Promise.all([
    queries.periodEntries(c.env, walletId, c.get("user").user_id, from, to),
    keys.signingKey(c.env),
  ]);
  if (!entries) throw notFound("Wallet");
  if (entries.truncated) throw new Error(`statement ${walletId} ${period}: more transactions than one statement holds`);
  const statement = await signStatement(
    buildStatement({
      walletId,
      period,
      currency: entries.currency,
      openingHash: entries.openingHash,
      openingBalance: entries.openingBalance,
      transactions: entries.transactions.map(presentTransaction),
      issuedAt: now.toISOString(),
      final: now.toISOString() >= to,
      keyId: key.published.key_id,
    }),
    key.privateKey,
  );
  if (c.req.valid("query").format === "csv") {
    return c.body(statementCsv(statement), 200, {
      "Content-Type": "text/csv; charset=utf-8; header=present",
      "Content-Disposition": `attachment; filename="${csvFilename(statement)}"`,
    });
  }
  return c.json({ statement: { ...statement, currency: "USD" as const } }, 200);
};

export const listKeys: AppRouteHandler<typeof routes.listKeys> = async (c) => c.json({ keys: await keys.publishedKeys(c.env) }, 200);

export const verifyStatement: AppRouteHandler<typeof routes.verifyStatement> = async (c) => {
  const result = await verify(c.req.valid("json").statement, await keys.publishedKeys(c.env));
  return c.json({ valid: result.valid, reason: result.reason }, 200);
};
