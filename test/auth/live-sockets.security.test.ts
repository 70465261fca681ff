import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WalletLedger } from "../../durable-objects/wallet-ledger";
import { api, createWallet, expectEnvelope, signup } from "../helpers/api";
import { claimsOf, loginAs, openLive, signTestToken, signupWithCookie, watch } from "./auth-factories";

const ledger = (walletId: string) => env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId));

describe("live sockets", () => {
  it("checks Origin on cookie upgrades (null refused); bearer upgrades are not affected", async () => {
    const user = await signupWithCookie();
    const walletId = await createWallet(user);
    for (const origin of ["https://evil.example", "null", "http://localhost.evil.example"]) {
      const res = await openLive(walletId, { cookie: user.cookie, origin });
      expect(res.status).toBe(403);
      expect(res.webSocket).toBeNull();
    }
    const allowed: Record<string, string>[] = [
      { cookie: user.cookie, origin: "http://localhost" },
      { cookie: user.cookie, origin: "http://127.0.0.1:5173" },
      { authorization: `Bearer ${user.token}`, origin: "https://evil.example" },
    ];
    for (const headers of allowed) {
      const res = await openLive(walletId, headers);
      expect(res.status).toBe(101);
      res.webSocket?.accept();
      res.webSocket?.close(1000, "done");
    }
  });

  it("caps sockets per wallet at LIVE_SOCKETS_PER_WALLET: one more is a 429", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const cap = Number(env.LIVE_SOCKETS_PER_WALLET);
    const open: WebSocket[] = [];
    for (let i = 0; i < cap; i++) {
      const res = await openLive(walletId, { authorization: `Bearer ${user.token}` });
      expect(res.status).toBe(101);
      res.webSocket!.accept();
      open.push(res.webSocket!);
    }
    const over = await openLive(walletId, { authorization: `Bearer ${user.token}` });
    expect(over.status).toBe(429);
    expect((await over.json<{ error: { code: string } }>()).error.code).toBe("RATE_LIMITED");
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    // Closing one frees a place.
    open.pop()!.close(1000, "bye");
    await expect
      .poll(async () => {
        const res = await openLive(walletId, { authorization: `Bearer ${user.token}` });
        res.webSocket?.accept();
        if (res.webSocket) open.push(res.webSocket);
        return res.status;
      })
      .toBe(101);
    for (const ws of open) ws.close(1000, "done");
  });

  it("closes a session's sockets when it is revoked (logout, sign out everywhere), not the others'", async () => {
    const user = await signup();
    const other = await loginAs(user.email);
    const walletId = await createWallet(user);
    const mine = watch((await openLive(walletId, { authorization: `Bearer ${user.token}` })).webSocket!);
    const theirs = watch((await openLive(walletId, { authorization: `Bearer ${other.body.token}` })).webSocket!);
    await expect.poll(() => mine.messages.length + theirs.messages.length).toBe(2);

    expect((await api("/auth/sessions", { method: "DELETE", token: user.token })).status).toBe(204);
    await expect.poll(() => theirs.closed, { timeout: 5_000 }).toMatchObject({ code: 4001, reason: "session revoked" });
    expect(mine.closed).toBeNull();

    expect((await api("/auth/logout", { method: "POST", token: user.token })).status).toBe(204);
    await expect.poll(() => mine.closed, { timeout: 5_000 }).toMatchObject({ code: 4001 });
    expectEnvelope(await api(`/wallet/${walletId}`, { token: user.token }), 401, "UNAUTHENTICATED");
  });

  it("closes a socket when its token expires", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const { sub, sid } = claimsOf(user.token);
    const now = Math.floor(Date.now() / 1000);
    const shortLived = await signTestToken({ sub, sid, iat: now, exp: now + 2 });
    const longLived = watch((await openLive(walletId, { authorization: `Bearer ${user.token}` })).webSocket!);
    const res = await openLive(walletId, { authorization: `Bearer ${shortLived}` });
    expect(res.status).toBe(101);
    const seen = watch(res.webSocket!);
    await expect.poll(() => seen.messages.length).toBe(1);
    await expect.poll(() => seen.closed, { timeout: 6_000, interval: 200 }).toMatchObject({ code: 4001, reason: "token expired" });
    expect(longLived.closed).toBeNull();
    // The long-lived socket still gets updates.
    await api(`/wallet/${walletId}/credit`, { token: user.token, body: { amount: "1.00" } });
    await expect.poll(() => longLived.messages.length).toBe(3);
  });

  it("answers a peer's close with a code it may send, never throwing (1005, 1006 included)", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    await runInDurableObject(ledger(walletId), async (instance: WalletLedger, state) => {
      for (const code of [1000, 1001, 1005, 1006, 1015, 4001]) {
        const { 1: server } = new WebSocketPair();
        state.acceptWebSocket(server);
        expect(() => instance.webSocketClose(server, code, "")).not.toThrow();
        // A second close (the runtime may already have answered) does not throw either.
        expect(() => instance.webSocketClose(server, code, "")).not.toThrow();
      }
    });
  });
});
