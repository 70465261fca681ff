import { env } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { openWebhookSecret, sealLegacyWebhookSecrets, sealWebhookSecret } from "../../workers/integrations/webhook-secrets";
import { api } from "../helpers/api";
import { userWithWallet } from "../helpers/wallet";
import { receiver } from "./receiver";

const storedSecret = async (webhookId: string) =>
  (await env.DB.prepare("SELECT secret FROM webhook_endpoints WHERE webhook_id = ?").bind(webhookId).first<{ secret: string }>())?.secret;

describe("webhook secrets at rest", () => {
  it("are stored sealed, never as shown, and deliveries are still signed with the shown secret", async () => {
    const received = receiver();
    const { user, walletId } = await userWithWallet(1_000);
    const created = await api("/webhooks", {
      token: user.token,
      body: { url: "https://hooks.example.com/s", events: ["payment.succeeded"] },
    });
    expect(created.status).toBe(201);
    const stored = await storedSecret(created.body.webhook.webhook_id);
    expect(stored).toMatch(/^v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain(created.body.secret.slice(6));
    await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Shop", amount: "1.00" } });
    await expect.poll(() => received.length, { timeout: 15_000, interval: 100 }).toBe(1);
    const [event] = (await api("/events", { token: user.token })).body.events;
    expect(new Webhook(created.body.secret).verify(received[0]!.body, received[0]!.headers)).toEqual(event);
  }, 30_000);

  it("a sealed secret opens only on its own endpoint, and only with the key", async () => {
    const sealed = await sealWebhookSecret(env, "wh_a", "whsec_c2VjcmV0LWZvci1lbmRwb2ludC1h");
    expect(await openWebhookSecret(env, "wh_a", sealed)).toBe("whsec_c2VjcmV0LWZvci1lbmRwb2ludC1h");
    await expect(openWebhookSecret(env, "wh_b", sealed)).rejects.toThrow();
    const otherKey = { ...env, WEBHOOK_ENCRYPTION_KEY: btoa("another-32-byte-encryption-key!!") };
    await expect(openWebhookSecret(otherKey, "wh_a", sealed)).rejects.toThrow();
    // Two seals of one secret differ (a fresh IV each time).
    expect(await sealWebhookSecret(env, "wh_a", "whsec_c2VjcmV0LWZvci1lbmRwb2ludC1h")).not.toBe(sealed);
    await expect(sealWebhookSecret({ ...env, WEBHOOK_ENCRYPTION_KEY: "" }, "wh_a", "x")).rejects.toThrow(/WEBHOOK_ENCRYPTION_KEY/);
  });

  it("an endpoint written by the previous version (the secret in the clear) still delivers, and the cron seals it", async () => {
    const received = receiver();
    const { user, walletId } = await userWithWallet(1_000);
    // What 0006_integrations' code wrote: the whsec_ secret itself.
    const secret = `whsec_${btoa("a-legacy-32-byte-webhook-secret!")}`;
    const webhookId = `wh_legacy_${crypto.randomUUID()}`;
    await env.DB.prepare(
      "INSERT INTO webhook_endpoints (webhook_id, user_id, url, events, description, secret, created_at) VALUES (?, ?, ?, ?, NULL, ?, ?)",
    )
      .bind(
        webhookId,
        user.user_id,
        "https://hooks.example.com/legacy",
        JSON.stringify(["payment.succeeded"]),
        secret,
        new Date().toISOString(),
      )
      .run();
    await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Shop", amount: "1.00" } });
    await expect.poll(() => received.length, { timeout: 15_000, interval: 100 }).toBe(1);
    const verifier = new Webhook(secret);
    const [event] = (await api("/events", { token: user.token })).body.events;
    expect(verifier.verify(received[0]!.body, received[0]!.headers)).toEqual(event);

    expect(await sealLegacyWebhookSecrets(env)).toBeGreaterThanOrEqual(1);
    const sealed = await storedSecret(webhookId);
    expect(sealed).toMatch(/^v1\./);
    expect(await openWebhookSecret(env, webhookId, sealed ?? "")).toBe(secret);
    expect(await sealLegacyWebhookSecrets(env)).toBe(0);

    // Signed with the same secret after sealing.
    await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Shop", amount: "2.00" } });
    await expect.poll(() => received.length, { timeout: 15_000, interval: 100 }).toBe(2);
    expect(verifier.verify(received[1]!.body, received[1]!.headers)).toMatchObject({ type: "payment.succeeded" });
  }, 30_000);
});
