import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { api, createWallet, expectEnvelope, signup } from "../helpers/api";
import { balanceOf, userWithWallet, walletRowCount } from "../helpers/wallet";

/** Amounts that API.md says must be refused. */
const badAmount = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "abc",
    "1e3",
    "1E2",
    "0",
    "0.00",
    "-0.01",
    "-5",
    "1.234",
    "0.001",
    "1000000.01",
    "NaN",
    "Infinity",
    "12,50",
    "0x10",
    "+5",
    ".5",
    "5.",
    "1 000",
  ),
  fc.constantFrom(0, -1, 1.234, 1e21, 1000000.01, -0.5, 0.001),
  fc.double({ noNaN: true }).filter((n) => n <= 0 || n > 1_000_000 || Math.round(n * 100) / 100 !== n),
  fc.string().filter((s) => !/^\s*(0|[1-9]\d{0,15})(\.\d{1,2})?\s*$/.test(s)),
  fc.constantFrom(null, true, false, [], {}, [1], { amount: 1 }),
);

const badBody = fc.oneof(
  badAmount.map((amount) => ({ amount })),
  fc.record({ amount: fc.constant("1.00"), extra: fc.jsonValue() }),
  fc.record({
    amount: fc.constant("1.00"),
    description: fc.oneof(fc.string({ minLength: 201, maxLength: 300 }), fc.integer(), fc.constant(null)),
  }),
  fc.constant({}),
  fc.constantFrom([], "1.00", 5, null, true),
);

const badJsonText = fc.constantFrom("{", "{amount: 1}", "{'amount': '1'}", "[", "nul", '{"amount": "1.00",}', "\u0000");

type Case =
  | { kind: "body"; route: "credit" | "debit"; body: unknown }
  | { kind: "text"; route: "credit" | "debit"; text: string }
  | { kind: "id"; route: "credit" | "debit" | "get" | "transactions"; id: string }
  | { kind: "query"; query: string }
  | { kind: "contentType"; type: string };

const cases: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("body" as const),
      route: fc.constantFrom("credit" as const, "debit" as const),
      body: badBody,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("text" as const),
      route: fc.constantFrom("credit" as const, "debit" as const),
      text: badJsonText,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("id" as const),
      route: fc.constantFrom("credit" as const, "debit" as const, "get" as const, "transactions" as const),
      id: fc.oneof(
        fc.uuid(),
        fc.stringMatching(/^[a-zA-Z0-9_-]{1,40}$/),
        fc.constantFrom("..", "%00", "null", "00000000-0000-0000-0000-000000000000"),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("query" as const),
      query: fc.constantFrom(
        "limit=0",
        "limit=101",
        "limit=-1",
        "limit=abc",
        "limit=1.5",
        "type=NOPE",
        "cursor=%%%",
        "cursor=abc",
        "type=deposit",
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("contentType" as const),
      type: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/xml"),
    }),
  },
);

describe("bad input battery", () => {
  it("≥200 malformed requests across the wallet routes → 4xx envelopes, no 5xx, no state change", async () => {
    const { user, walletId } = await userWithWallet(12_345);
    const before = await api(`/wallet/${walletId}/transactions`, { token: user.token });
    let runs = 0;

    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        runs++;
        let res: Awaited<ReturnType<typeof api>>;
        switch (c.kind) {
          case "body":
            res = await api(`/wallet/${walletId}/${c.route}`, { token: user.token, body: c.body });
            break;
          case "text":
            res = await api(`/wallet/${walletId}/${c.route}`, {
              token: user.token,
              rawBody: c.text,
              headers: { "content-type": "application/json" },
            });
            break;
          case "id": {
            const path = c.route === "get" ? "" : `/${c.route}`;
            const init = c.route === "credit" || c.route === "debit" ? { body: { amount: "1.00" } } : {};
            res = await api(`/wallet/${encodeURIComponent(c.id)}${path}`, { token: user.token, ...init });
            break;
          }
          case "query":
            res = await api(`/wallet/${walletId}/transactions?${c.query}`, { token: user.token });
            break;
          case "contentType":
            res = await api(`/wallet/${walletId}/credit`, { token: user.token, rawBody: "amount=1", headers: { "content-type": c.type } });
            break;
        }
        expect(res.status, JSON.stringify({ c, body: res.body })).toBeGreaterThanOrEqual(400);
        expect(res.status, JSON.stringify({ c, body: res.body })).toBeLessThan(500);
        const body = res.body as { error: { code: string; request_id: string; details: unknown } };
        expect(body.error.code).toMatch(/^[A-Z_]+$/);
        expect(typeof body.error.request_id).toBe("string");
        expect(Array.isArray(body.error.details)).toBe(true);
      }),
      { numRuns: 250, seed: 20261125 },
    );

    expect(runs).toBeGreaterThanOrEqual(200);
    const after = await api(`/wallet/${walletId}/transactions`, { token: user.token });
    expect(after.body).toEqual(before.body);
    expect(await balanceOf(user, walletId)).toBe("123.45");
  });
});

describe("wallets per user", () => {
  it("allows 10, answers 422 WALLET_LIMIT to the 11th, and GET /v1/wallet lists all 10", async () => {
    const user = await signup();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await createWallet(user));
    expectEnvelope(await api("/wallet", { token: user.token, body: {} }), 422, "WALLET_LIMIT");
    const list = await api("/wallet", { token: user.token });
    expect(list.status).toBe(200);
    expect(list.body.wallets.map((w: { wallet_id: string }) => w.wallet_id).sort()).toEqual([...ids].sort());
    expect(await walletRowCount(user.user_id)).toBe(10);
    // Another user is not affected.
    await createWallet(await signup());
  });

  it("a retry of a wallet that was created (same Idempotency-Key) is not an 11th", async () => {
    const user = await signup();
    const first = await api("/wallet", { token: user.token, headers: { "idempotency-key": "w-1" }, body: {} });
    expect(first.status).toBe(201);
    for (let i = 0; i < 9; i++) await createWallet(user);
    const retry = await api("/wallet", { token: user.token, headers: { "idempotency-key": "w-1" }, body: {} });
    expect(retry.status).toBe(201);
    expect(retry.body.wallet.wallet_id).toBe(first.body.wallet.wallet_id);
    expectEnvelope(await api("/wallet", { token: user.token, headers: { "idempotency-key": "w-11" }, body: {} }), 422, "WALLET_LIMIT");
  });
});
