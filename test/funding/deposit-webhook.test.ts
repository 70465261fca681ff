import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createWallet, expectEnvelope, signup } from "../helpers/api";
import { deliver, nowSeconds, sign } from "./webhooks";

async function walletOfNewUser() {
  const user = await signup();
  return { user, walletId: await createWallet(user) };
}

const balance = async (user: { token: string }, walletId: string) =>
  (await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance as string;

const transactions = async (user: { token: string }, walletId: string) =>
  (await api(`/wallet/${walletId}/transactions`, { token: user.token })).body.transactions as { transaction_id: string }[];

describe("POST /v1/funding/deposits (the deposit webhook)", () => {
  it("a validly signed delivery credits the wallet once, as a DEPOSIT from funding", async () => {
    const { user, walletId } = await walletOfNewUser();
    const res = await deliver({ body: { wallet_id: walletId, amount: "125.50", reference: "Card top-up" } });
    expect(res.status).toBe(200);
    expect(res.body.transaction).toMatchObject({
      wallet_id: walletId,
      type: "DEPOSIT",
      direction: "CREDIT",
      amount: "125.50",
      balance_after: "125.50",
      description: "Card top-up",
    });
    expect(await balance(user, walletId)).toBe("125.50");
  });

  it("a replay of the same webhook-id answers the same transaction and moves nothing more", async () => {
    const { user, walletId } = await walletOfNewUser();
    const body = { wallet_id: walletId, amount: "10.00", reference: "Bank transfer" };
    const first = await deliver({ id: "msg_replayed", body });
    // A later retry by the processor: new timestamp, new signature, same id and body.
    const again = await deliver({ id: "msg_replayed", body, timestamp: nowSeconds() - 10 });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await balance(user, walletId)).toBe("10.00");
    expect(await transactions(user, walletId)).toHaveLength(1);
  });

  it("10 concurrent deliveries of one webhook-id credit once and all answer the same transaction", async () => {
    const { user, walletId } = await walletOfNewUser();
    const body = { wallet_id: walletId, amount: "7.25", reference: "Card top-up" };
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver({ id: "msg_concurrent", body })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.body.transaction.transaction_id)).size).toBe(1);
    expect(await balance(user, walletId)).toBe("7.25");
    expect(await transactions(user, walletId)).toHaveLength(1);
  });

  it("the same webhook-id with a different body is a 422 and never credits the new body", async () => {
    const { user, walletId } = await walletOfNewUser();
    const other = await walletOfNewUser();
    expect((await deliver({ id: "msg_changed", body: { wallet_id: walletId, amount: "5.00", reference: "Card top-up" } })).status).toBe(
      200,
    );
    for (const body of [
      { wallet_id: walletId, amount: "500.00", reference: "Card top-up" },
      { wallet_id: other.walletId, amount: "5.00", reference: "Card top-up" },
      { wallet_id: walletId, amount: "5.00", reference: "Something else" },
    ]) {
      expectEnvelope(await deliver({ id: "msg_changed", body }), 422, "IDEMPOTENCY_KEY_REUSED");
    }
    expect(await balance(user, walletId)).toBe("5.00");
    expect(await balance(other.user, other.walletId)).toBe("0.00");
  });

  it("a bad signature, a wrong secret or missing headers are a 401 and move nothing", async () => {
    const { user, walletId } = await walletOfNewUser();
    const body = { wallet_id: walletId, amount: "99.00", reference: "Card top-up" };
    const wrongSecret = `whsec_${btoa("another-secret-another-secret-32")}`;
    const refused = [
      await deliver({ body, signature: "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }),
      await deliver({ body, signature: "garbage" }),
      await deliver({ body, signature: "" }),
      await deliver({ body, secret: wrongSecret }),
      // An unknown scheme version carrying a valid v1 MAC is not accepted as v1.
      await deliver({
        body,
        signature: (await sign(env.FUNDING_WEBHOOK_SECRET, "msg_x", nowSeconds(), JSON.stringify(body))).replace("v1,", "v2,"),
      }),
    ];
    for (const res of refused) expectEnvelope(res, 401, "UNAUTHENTICATED");
    expect(await balance(user, walletId)).toBe("0.00");
    // A refused id is not claimed: the genuine delivery of it still credits.
    const genuine = await deliver({ id: refused[0]!.id, body });
    expect(genuine.status).toBe(200);
    expect(await balance(user, walletId)).toBe("99.00");
  });

  it("one matching signature among several passes (secret rotation)", async () => {
    const { user, walletId } = await walletOfNewUser();
    const body = { wallet_id: walletId, amount: "1.00", reference: "Card top-up" };
    const id = "msg_rotation";
    const ts = nowSeconds();
    const good = await sign(env.FUNDING_WEBHOOK_SECRET, id, ts, JSON.stringify(body));
    const res = await deliver({ id, body, timestamp: ts, signature: `v1,b2xkLXNpZ25hdHVyZQ== ${good}` });
    expect(res.status).toBe(200);
    expect(await balance(user, walletId)).toBe("1.00");
  });

  it("timestamps 6 minutes old or 6 minutes ahead are refused, even correctly signed", async () => {
    const { user, walletId } = await walletOfNewUser();
    const body = { wallet_id: walletId, amount: "3.00", reference: "Card top-up" };
    expectEnvelope(await deliver({ body, timestamp: nowSeconds() - 6 * 60 }), 401, "UNAUTHENTICATED");
    expectEnvelope(await deliver({ body, timestamp: nowSeconds() + 6 * 60 }), 401, "UNAUTHENTICATED");
    expect(await balance(user, walletId)).toBe("0.00");
  });

  it("a tampered body (signed bytes differ from those sent) is refused", async () => {
    const { user, walletId } = await walletOfNewUser();
    const signed = JSON.stringify({ wallet_id: walletId, amount: "1.00", reference: "Card top-up" });
    const sent = JSON.stringify({ wallet_id: walletId, amount: "1000.00", reference: "Card top-up" });
    expectEnvelope(await deliver({ rawBody: sent, signedBody: signed }), 401, "UNAUTHENTICATED");
    // Even a change the JSON parser would not see (whitespace) breaks the signature.
    expectEnvelope(await deliver({ rawBody: `${signed} `, signedBody: signed }), 401, "UNAUTHENTICATED");
    expect(await balance(user, walletId)).toBe("0.00");
  });

  it("a signed but invalid body is a 400; an unknown wallet is a 404; neither moves money", async () => {
    const { user, walletId } = await walletOfNewUser();
    for (const body of [
      { wallet_id: walletId, amount: "0.00", reference: "Card top-up" },
      { wallet_id: walletId, amount: "1.001", reference: "Card top-up" },
      { wallet_id: walletId, amount: "1.00", reference: "" },
      { wallet_id: walletId, amount: "1.00", reference: "x".repeat(201) },
      { wallet_id: walletId, amount: "1.00" },
      { wallet_id: walletId, amount: "1.00", reference: "Card top-up", extra: true },
    ]) {
      expectEnvelope(await deliver({ body }), 400, "VALIDATION_ERROR");
    }
    expectEnvelope(await deliver({ body: { wallet_id: crypto.randomUUID(), amount: "1.00", reference: "Card top-up" } }), 404, "NOT_FOUND");
    expectEnvelope(await deliver({ body: { wallet_id: "not-a-wallet", amount: "1.00", reference: "Card top-up" } }), 404, "NOT_FOUND");
    expect(await balance(user, walletId)).toBe("0.00");
  });

  it("a body over 64 KiB is a 413 before anything is verified", async () => {
    const rawBody = JSON.stringify({ wallet_id: crypto.randomUUID(), amount: "1.00", reference: "x".repeat(70 * 1024) });
    expectEnvelope(await deliver({ rawBody }), 413, "PAYLOAD_TOO_LARGE");
  });

  it("needs no user token and is documented as a public operation", async () => {
    const doc = (await api("/openapi.json")).body;
    const op = doc.paths["/funding/deposits"].post;
    expect(op.security).toEqual([]);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "404", "413", "415", "422"]));
  });
});
