import { env } from "cloudflare:test";
import { expect } from "vitest";
import { parseCents } from "../../workers/domain/money";
import { api, client, type TestUser } from "../helpers/api";

export const ledger = (walletId: string) => env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId));

export async function createGoal(
  user: TestUser,
  walletId: string,
  target: string,
  extra: { goal_name?: string; target_date?: string } = {},
) {
  const res = await client(user.token)["savings-goal"].$post({
    header: {},
    json: { wallet_id: walletId, goal_name: "Trip", target_amount: target, ...extra },
  });
  expect(res.status).toBe(201);
  if (res.status !== 201) throw new Error("unreachable");
  return (await res.json()).goal.goal_id;
}

/** The wallet as the API shows it agrees with its ledger, and the ledger with its own entries. */
export async function books(user: TestUser, walletId: string) {
  const audit = (await ledger(walletId).audit())!;
  const res = await client(user.token).wallet[":wallet_id"].$get({ param: { wallet_id: walletId } });
  if (res.status !== 200) throw new Error(`GET wallet answered ${res.status}`);
  const { wallet } = await res.json();
  expect(parseCents(wallet.balance)).toBe(audit.balance);
  expect(parseCents(wallet.savings_balance)).toBe(audit.pockets);
  expect(audit.balance).toBe(audit.entriesNet);
  expect(audit.pockets).toBe(audit.pocketsFromEntries);
  return audit;
}

/** A PATCH with any body, valid or not (the error tests send malformed ones). */
export const patch = (user: TestUser, goalId: string, body: unknown) =>
  api(`/savings-goal/${goalId}`, { token: user.token, method: "PATCH", body });
