import { formatCents } from "../domain/money";
import type { AppRouteHandler } from "../lib/app";
import { createDb } from "../lib/db";
import { notFound } from "../lib/errors";
import { nowIso } from "../lib/ids";
import { flushOutbox } from "../lib/outbox";
import { presentDeadLetter } from "./admin.presenters";
import * as queries from "./admin.queries";
import type * as routes from "./admin.routes";
import { proveConservation } from "./ledger-proof";
import { reconcile } from "./reconciliation";

export const listDeadLetters: AppRouteHandler<typeof routes.listDeadLetters> = async (c) => {
  const rows = await queries.listDeadLetters(createDb(c.env.DB));
  return c.json({ dead_letters: rows.map(presentDeadLetter) }, 200);
};

export const replayDeadLetter: AppRouteHandler<typeof routes.replayDeadLetter> = async (c) => {
  const { dead_letter_id } = c.req.valid("param");
  const db = createDb(c.env.DB);
  const row = await queries.findDeadLetter(db, dead_letter_id);
  if (!row) throw notFound("Dead letter");
  const now = nowIso();
  const outboxId = `replay:${row.deadLetterId}:${now}`;
  await queries.queueReplay(db, row, outboxId, now);
  await flushOutbox(c.env, [outboxId]);
  return c.json({ dead_letter: presentDeadLetter({ ...row, replayedAt: now }) }, 202);
};

export const reconciliation: AppRouteHandler<typeof routes.reconciliation> = async (c) => {
  const [differences, count] = await Promise.all([reconcile(c.env), queries.countWallets(createDb(c.env.DB))]);
  return c.json({ checked_at: nowIso(), wallets_checked: count, differences }, 200);
};

export const ledgerProof: AppRouteHandler<typeof routes.ledgerProof> = async (c) => {
  const proof = await proveConservation(c.env);
  return c.json(
    {
      checked_at: nowIso(),
      wallets: formatCents(proof.wallets),
      goals: formatCents(proof.goals),
      held: formatCents(proof.held),
      counterparties: proof.counterparties.map((a) => ({ account: a.account, balance: formatCents(a.balance) })),
      in_transit: formatCents(proof.inTransit),
      difference: formatCents(proof.difference),
    },
    200,
  );
};
