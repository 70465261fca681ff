import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import type { MoveRequest } from "../../durable-objects/wallet-ledger";
import { type ApiResponse, api, BASE, client, createWallet, signup, type TestUser } from "./api";

/** A new customer with one wallet holding `cents`: where most wallet tests start. */
export async function userWithWallet(cents = 0): Promise<{ user: TestUser; walletId: string }> {
  const user = await signup();
  return { user, walletId: await createWallet(user, cents) };
}

/** The wallet's ledger Durable Object, for tests that drive or audit it directly. */
export const ledger = (walletId: string) => env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId));

/** A movement as a saga consumer sends it (no owner, a fresh transfer id); the test names the amount and what else it needs. */
export const systemMove = (request: Pick<MoveRequest, "amount"> & Partial<MoveRequest>): MoveRequest => ({
  transferId: `t-${crypto.randomUUID()}`,
  owner: null,
  type: "PAYMENT_OUT",
  now: new Date().toISOString(),
  ...request,
});

/** Every transaction of a wallet as its owner pages through them (`pageSize` a page, `query` appended), newest first. */
export async function transactionsOf<T = any>(user: TestUser, walletId: string, { pageSize = 100, query = "" } = {}): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: ApiResponse = await api(`/wallet/${walletId}/transactions?limit=${pageSize}${query}${cursor ? `&cursor=${cursor}` : ""}`, {
      token: user.token,
    });
    expect(page.status).toBe(200);
    out.push(...page.body.transactions);
    cursor = page.body.next_cursor;
  } while (cursor);
  return out;
}

/** The wallet's balance as its owner reads it ("12.50"). */
export async function balanceOf(user: TestUser, walletId: string): Promise<string> {
  const res = await client(user.token).wallet[":wallet_id"].$get({ param: { wallet_id: walletId } });
  if (res.status !== 200) throw new Error(`GET wallet answered ${res.status}`);
  return (await res.json()).wallet.balance;
}

/** One request to each of a wallet's read and write routes; tests add the idempotent variants they probe. */
export const walletRoutes = (walletId: string, token: string) => [
  api(`/wallet/${walletId}`, { token }),
  api(`/wallet/${walletId}/transactions`, { token }),
  api(`/wallet/${walletId}/credit`, { token, body: { amount: "1.00" } }),
  api(`/wallet/${walletId}/debit`, { token, body: { amount: "1.00" } }),
];

/** Opens the wallet's live socket (a raw upgrade request: the typed client does not send one). */
export const connectLive = (walletId: string, token: string) =>
  SELF.fetch(`${BASE}/wallet/${walletId}/live`, { headers: { upgrade: "websocket", authorization: `Bearer ${token}` } });

/** The tables a ledger object's storage holds. */
export const tablesOf = (state: DurableObjectState) =>
  state.storage.sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master")
    .toArray()
    .map((row) => row.name);

/** How many wallet rows D1 holds for the user. */
export const walletRowCount = async (userId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM wallets WHERE user_id = ?").bind(userId).first<{ n: number }>())?.n;
