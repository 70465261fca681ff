import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WalletLedger } from "../../durable-objects/wallet-ledger";
import { createWallet, signup } from "../helpers/api";

describe("ledger outbox drain", () => {
  it("is single-flight: concurrent drains send each row once, and a drain asked for mid-drain sends rows written meanwhile", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const stub = env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId));
    const result = await runInDurableObject(stub, async (instance: WalletLedger, state) => {
      const sent: string[] = [];
      instance.publish = async (_queue, event) => {
        await new Promise((r) => setTimeout(r, 5));
        sent.push(event.event_id);
      };
      const write = (id: string) =>
        state.storage.sql.exec(
          "INSERT INTO outbox (queue, body, created_at) VALUES ('payment-events', ?, ?)",
          JSON.stringify({ event_id: id, type: "PAYMENT_SUCCESSFUL", payload: {} }),
          new Date().toISOString(),
        );
      for (let i = 0; i < 10; i++) write(`e${i}`);
      const first = instance.drainOutbox();
      const second = instance.drainOutbox();
      write("late");
      const third = instance.drainOutbox();
      await Promise.all([first, second, third]);
      return { sent, left: instance.outboxSize() };
    });
    expect(result.left).toBe(0);
    expect(result.sent.toSorted()).toEqual([...Array.from({ length: 10 }, (_, i) => `e${i}`), "late"].toSorted());
  });
});
