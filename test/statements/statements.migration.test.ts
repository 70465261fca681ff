import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { schemaVersion } from "../../durable-objects/schema-migrations";
import { WalletLedger } from "../../durable-objects/wallet-ledger";
import { LEDGER_MIGRATIONS } from "../../durable-objects/wallet-ledger/schema";
import { api } from "../helpers/api";
import { rewindToPreVersioning } from "../helpers/legacy-ledger";
import { ledger, userWithWallet } from "../helpers/wallet";
import { statementOf, verifyByRoute } from "./helpers";

describe("statements of a wallet written before the hash chain", () => {
  it("after migration, the month's statement covers the old entries and verifies; the next movement extends it", async () => {
    const { user, walletId } = await userWithWallet(25_000);
    expect((await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "7.25" } })).status).toBe(200);
    const period = new Date().toISOString().slice(0, 7);
    const before = await statementOf(user, walletId, period);

    await runInDurableObject(ledger(walletId), async (_instance: WalletLedger, state) => {
      rewindToPreVersioning(state.storage.sql);
      expect(schemaVersion(state.storage.sql)).toBe(0);
      // What a deploy does: a new instance over the old tables migrates before its first request.
      const restarted = new WalletLedger(state, env);
      await restarted.ready;
      expect(schemaVersion(state.storage.sql)).toBe(LEDGER_MIGRATIONS.length);
    });

    const migrated = await statementOf(user, walletId, period);
    expect(migrated.transactions).toEqual(before.transactions);
    expect(migrated).toMatchObject({ opening_balance: "0.00", closing_balance: "242.75", total_in: "250.00", total_out: "7.25" });
    expect(await verifyByRoute(migrated)).toEqual({ valid: true, reason: null });

    expect((await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "0.75" } })).status).toBe(200);
    const extended = await statementOf(user, walletId, period);
    expect(extended.transactions.slice(0, 2)).toEqual(before.transactions);
    expect(extended.closing_balance).toBe("242.00");
    expect(await verifyByRoute(extended)).toEqual({ valid: true, reason: null });
  });
});
