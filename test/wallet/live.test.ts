import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createWallet, signup } from "../helpers/api";

async function connect(walletId: string, token: string) {
  const res = await SELF.fetch(`http://localhost/v1/wallet/${walletId}/live`, {
    headers: { upgrade: "websocket", authorization: `Bearer ${token}` },
  });
  return res;
}

describe("live wallet updates", () => {
  it("pushes the balance on connect and a balance + transaction after every commit", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 1_000);
    const res = await connect(walletId, user.token);
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const messages: any[] = [];
    ws.addEventListener("message", (event) => messages.push(JSON.parse(event.data as string)));
    ws.accept();
    await expect.poll(() => messages.length).toBe(1);
    expect(messages[0]).toMatchObject({ type: "balance", wallet: { wallet_id: walletId, balance: "10.00" } });
    await api(`/wallet/${walletId}/credit`, { token: user.token, body: { amount: "5.00" } });
    await expect.poll(() => messages.length).toBe(3);
    expect(messages[1]).toMatchObject({ type: "balance", wallet: { balance: "15.00" } });
    expect(messages[2]).toMatchObject({ type: "transaction", transaction: { type: "DEPOSIT", amount: "5.00", balance_after: "15.00" } });
    ws.close(1000, "done");
  });

  it("refuses another user's wallet and unauthenticated connections", async () => {
    const owner = await signup();
    const other = await signup();
    const walletId = await createWallet(owner);
    expect((await connect(walletId, other.token)).status).toBe(404);
    expect((await connect(walletId, "nope")).status).toBe(401);
  });
});
