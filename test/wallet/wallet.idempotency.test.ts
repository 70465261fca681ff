import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LEASE_MS, RETENTION_MS } from "../../durable-objects/idempotency-store";
import type { WalletLedger } from "../../durable-objects/wallet-ledger";
import { transferIdFor } from "../../workers/lib/idempotency";
import { resourceIdFor, sha256Hex } from "../../workers/lib/ids";
import { presentTransaction, presentWallet } from "../../workers/lib/ledger";
import { api, createWallet, signup, type TestUser } from "../helpers/api";
import { balanceOf, ledger, userWithWallet } from "../helpers/wallet";

const storeOf = (user: TestUser) => env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(user.user_id));
const fingerprint = (path: string, body: unknown) => sha256Hex(`POST /v1${path}\n${JSON.stringify(body)}`);

/** What a first request's handler did on the ledger before its response reached the client. */
const firstRequestMoved = async (user: TestUser, walletId: string, key: string, kind: "credit" | "debit", amount: number) =>
  ledger(walletId)[kind]({
    transferId: transferIdFor(user.user_id, key, `${kind}:${walletId}`),
    owner: user.user_id,
    amount,
    type: kind === "credit" ? "DEPOSIT" : "WITHDRAWAL",
    description: null,
    now: new Date().toISOString(),
  });

/** A wallet and one keyed request to its credit or debit route, with what a first request with that key does. */
async function keyedMove(kind: "credit" | "debit", body: { amount: string; description?: string }) {
  const { user, walletId } = await userWithWallet();
  const key = crypto.randomUUID();
  const path = `/wallet/${walletId}/${kind}`;
  return {
    user,
    walletId,
    key,
    send: () => api(path, { token: user.token, headers: { "idempotency-key": key }, body }),
    /** The store's begin for this key and body, as the first request calls it. */
    begin: async (now?: number, effectStoresOutcome?: boolean) =>
      storeOf(user).begin(key, fingerprint(path, body), now, effectStoresOutcome),
    moved: (amount: number) => firstRequestMoved(user, walletId, key, kind, amount),
  };
}

/** The derivations as the first release computed them (Web Crypto, byte by byte): stored ids depend on them. */
async function webCryptoHex(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}
const hexOf = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

describe("ids derived from an Idempotency-Key", () => {
  it("are the ones earlier releases derived, so a retry after an upgrade names the same resource and transfer", async () => {
    for (const [kind, user, key] of [
      ["payment", crypto.randomUUID(), crypto.randomUUID()],
      ["wallet", crypto.randomUUID(), "k"],
      ["autopay", crypto.randomUUID(), "12"],
      ["refund", crypto.randomUUID(), "ключ-🔑-255".padEnd(255, "x")],
    ] as const) {
      const digest = await webCryptoHex(`${kind}\n${user}\n${key}`);
      digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x40;
      digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
      const hex = hexOf(digest.slice(0, 16));
      expect(resourceIdFor(kind, user, key)).toBe(
        `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`,
      );
      expect(transferIdFor(user, key, `credit:${kind}`)).toBe(`idem-${hexOf(await webCryptoHex(`${user}\ncredit:${kind}\n${key}`))}`);
      expect(sha256Hex(key)).toBe(hexOf(await webCryptoHex(key)));
    }
  });
});

describe("Idempotency-Key", () => {
  it("same key and body ×5 → one effect and identical responses", async () => {
    const { user, walletId } = await userWithWallet();
    const key = crypto.randomUUID();
    const send = () =>
      api(`/wallet/${walletId}/credit`, { token: user.token, headers: { "idempotency-key": key }, body: { amount: "25.00" } });
    const first = await send();
    expect(first.status).toBe(200);
    const repeats = await Promise.all([send(), send(), send(), send()]);
    for (const r of repeats) {
      expect(r.status).toBe(200);
      expect(r.body).toEqual(first.body);
      expect(r.headers.get("idempotent-replayed")).toBe("true");
    }
    const history = await api(`/wallet/${walletId}/transactions`, { token: user.token });
    expect(history.body.transactions).toHaveLength(1);
    expect(await balanceOf(user, walletId)).toBe("25.00");
  });

  it("five concurrent first attempts with one key still make one effect", async () => {
    const { user, walletId } = await userWithWallet();
    const key = crypto.randomUUID();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        api(`/wallet/${walletId}/credit`, { token: user.token, headers: { "idempotency-key": key }, body: { amount: "10.00" } }),
      ),
    );
    for (const r of results) expect([200, 409]).toContain(r.status);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.error.code).toBe("IDEMPOTENCY_IN_PROGRESS");
    expect(await balanceOf(user, walletId)).toBe("10.00");
  });

  it("the same key with a different body or path is 422 IDEMPOTENCY_KEY_REUSED", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const key = crypto.randomUUID();
    const headers = { "idempotency-key": key };
    expect((await api(`/wallet/${walletId}/credit`, { token: user.token, headers, body: { amount: "1.00" } })).status).toBe(200);
    const otherBody = await api(`/wallet/${walletId}/credit`, { token: user.token, headers, body: { amount: "2.00" } });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const otherPath = await api(`/wallet/${walletId}/debit`, { token: user.token, headers, body: { amount: "1.00" } });
    expect(otherPath.status).toBe(422);
    expect(await balanceOf(user, walletId)).toBe("101.00");
  });

  it("a key still in flight answers 409 IDEMPOTENCY_IN_PROGRESS", async () => {
    const { user, walletId } = await userWithWallet();
    const key = crypto.randomUUID();
    const path = `/wallet/${walletId}/credit`;
    const body = JSON.stringify({ amount: "5.00" });
    // Hold the key as a first request would while it runs.
    expect(await storeOf(user).begin(key, sha256Hex(`POST /v1${path}\n${body}`))).toEqual({ state: "new" });
    const res = await api(path, {
      token: user.token,
      headers: { "idempotency-key": key, "content-type": "application/json" },
      rawBody: body,
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("IDEMPOTENCY_IN_PROGRESS");
  });

  it("user B reusing user A's key is independent", async () => {
    const a = await signup();
    const b = await signup();
    const walletA = await createWallet(a);
    const walletB = await createWallet(b);
    const key = "shared-key-123";
    const ra = await api(`/wallet/${walletA}/credit`, { token: a.token, headers: { "idempotency-key": key }, body: { amount: "3.00" } });
    const rb = await api(`/wallet/${walletB}/credit`, { token: b.token, headers: { "idempotency-key": key }, body: { amount: "3.00" } });
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(rb.body.transaction.transaction_id).not.toBe(ra.body.transaction.transaction_id);
    expect(await balanceOf(b, walletB)).toBe("3.00");
  });

  it("a refused debit is replayed as the same 409, even after a top-up", async () => {
    const { user, walletId } = await userWithWallet(100);
    const headers = { "idempotency-key": crypto.randomUUID() };
    const first = await api(`/wallet/${walletId}/debit`, { token: user.token, headers, body: { amount: "5.00" } });
    expect(first.status).toBe(409);
    await api(`/wallet/${walletId}/credit`, { token: user.token, body: { amount: "50.00" } });
    const again = await api(`/wallet/${walletId}/debit`, { token: user.token, headers, body: { amount: "5.00" } });
    expect(again.status).toBe(409);
    expect(again.body).toEqual(first.body);
  });

  it("a request rejected for bad input does not burn the key", async () => {
    const { user, walletId } = await userWithWallet();
    const headers = { "idempotency-key": crypto.randomUUID() };
    expect((await api(`/wallet/${walletId}/credit`, { token: user.token, headers, body: { amount: "-1" } })).status).toBe(400);
    // A different body with the same key is fine: the rejected request left no record.
    expect((await api(`/wallet/${walletId}/credit`, { token: user.token, headers, body: { amount: "1.00" } })).status).toBe(200);
  });

  it("rejects keys longer than 255 characters", async () => {
    const { user, walletId } = await userWithWallet();
    const res = await api(`/wallet/${walletId}/credit`, {
      token: user.token,
      headers: { "idempotency-key": "k".repeat(256) },
      body: { amount: "1" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
  });

  // Credit and debit replay a success from the ledger's stored transfer outcome (idempotentEffect):
  // the store holds the key and fingerprint only. These pin the windows that design opens.
  describe("replayed from the ledger's stored outcome", () => {
    it("a success is not copied into the store, and a repeat is rebuilt byte for byte from the ledger", async () => {
      const { user, walletId, send, begin } = await keyedMove("credit", { amount: "7.00", description: "rent" });
      const first = await send();
      expect(first.status).toBe(200);
      expect(first.headers.get("idempotent-replayed")).toBeNull();
      // Still held, no response stored: a repeat of this route is answered from the effect.
      expect(await begin(Date.now(), true)).toEqual({ state: "effect" });
      const again = await send();
      expect(again.status).toBe(200);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
      expect(await balanceOf(user, walletId)).toBe("7.00");
    });

    it("a repeat while the first has not reached the ledger is 409 and executes nothing", async () => {
      const { user, walletId, send, begin } = await keyedMove("credit", { amount: "5.00" });
      expect(await begin()).toEqual({ state: "new" });
      for (let i = 0; i < 3; i++) {
        const res = await send();
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe("IDEMPOTENCY_IN_PROGRESS");
      }
      expect(await balanceOf(user, walletId)).toBe("0.00");
      // The replay did not release or take over the first request's key.
      expect(await begin()).toEqual({ state: "in_progress" });
    });

    it("a repeat after the first committed but before it answered gets the first response", async () => {
      const { user, walletId, send, begin, moved } = await keyedMove("credit", { amount: "3.50" });
      expect(await begin()).toEqual({ state: "new" });
      const committed = await moved(350);
      if (!committed.ok) throw new Error("credit refused");
      const res = await send();
      expect(res.status).toBe(200);
      expect(res.headers.get("idempotent-replayed")).toBe("true");
      expect(res.body).toEqual({ wallet: presentWallet(committed.wallet), transaction: presentTransaction(committed.transaction) });
      expect(await balanceOf(user, walletId)).toBe("3.50");
    });

    it("a refusal committed but not yet stored with its request id is 409 in progress, never a second body", async () => {
      const { send, begin, moved } = await keyedMove("debit", { amount: "1.00" });
      expect(await begin()).toEqual({ state: "new" });
      const refused = await moved(100);
      expect(refused).toMatchObject({ ok: false, code: "INSUFFICIENT_FUNDS" });
      const res = await send();
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("IDEMPOTENCY_IN_PROGRESS");
    });

    it("after the holder vanished (lease over) a retry returns the committed outcome instead of moving money again", async () => {
      const body = { amount: "2.00" };
      const { user, walletId, key, send, begin, moved } = await keyedMove("credit", body);
      const longAgo = Date.now() - LEASE_MS - 1_000;
      expect(await begin(longAgo)).toEqual({ state: "new" });
      const committed = await moved(200);
      if (!committed.ok) throw new Error("credit refused");
      const res = await send();
      expect(res.status).toBe(200);
      expect(res.headers.get("idempotent-replayed")).toBe("true");
      expect(res.body).toEqual({ wallet: presentWallet(committed.wallet), transaction: presentTransaction(committed.transaction) });
      expect(await balanceOf(user, walletId)).toBe("2.00");
      const other = await api(`/wallet/${walletId}/debit`, { token: user.token, headers: { "idempotency-key": key }, body });
      expect(other.status).toBe(422);
    });

    it("after a 500 the same request may retry at once, but the key still refuses another request", async () => {
      const { user, walletId } = await userWithWallet(1_000);
      const key = crypto.randomUUID();
      const headers = { "idempotency-key": key };
      const path = `/wallet/${walletId}/credit`;
      await runInDurableObject(ledger(walletId), (instance: WalletLedger) => {
        instance.faultPoint = (point) => {
          if (point === "before-commit") throw new Error("injected fault");
        };
      });
      try {
        expect((await api(path, { token: user.token, headers, body: { amount: "4.00" } })).status).toBe(500);
      } finally {
        await runInDurableObject(ledger(walletId), (instance: WalletLedger) => {
          instance.faultPoint = undefined;
        });
      }
      // The first attempt may have moved money as far as the store knows: another request with the key is refused.
      const debit = await api(`/wallet/${walletId}/debit`, { token: user.token, headers, body: { amount: "4.00" } });
      expect(debit.status).toBe(422);
      expect(debit.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
      const retry = await api(path, { token: user.token, headers, body: { amount: "4.00" } });
      expect(retry.status).toBe(200);
      expect(retry.headers.get("idempotent-replayed")).toBeNull();
      expect(await balanceOf(user, walletId)).toBe("14.00");
    });
  });

  it("keys are kept at least 24 hours and forgotten after the retention period", async () => {
    const { user, walletId } = await userWithWallet(1_000);
    const path = `/wallet/${walletId}/credit`;
    const store = storeOf(user);
    const day = 24 * 60 * 60 * 1000;
    const kept = crypto.randomUUID();
    expect(await store.begin(kept, await fingerprint(path, { amount: "1.00" }), Date.now() - day - 60_000)).toEqual({ state: "new" });
    await store.complete(kept, 200, "{}");
    const reused = await api(path, { token: user.token, headers: { "idempotency-key": kept }, body: { amount: "2.00" } });
    expect(reused.status).toBe(422);
    const expired = crypto.randomUUID();
    expect(await store.begin(expired, await fingerprint(path, { amount: "1.00" }), Date.now() - RETENTION_MS - 60_000)).toEqual({
      state: "new",
    });
    await store.complete(expired, 200, "{}");
    const fresh = await api(path, { token: user.token, headers: { "idempotency-key": expired }, body: { amount: "2.00" } });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("idempotent-replayed")).toBeNull();
  });
});
