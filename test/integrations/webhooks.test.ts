import { env } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { webhookUrlProblem } from "../../workers/integrations/ssrf";
import { signWebhook, webhookTransport } from "../../workers/integrations/webhook-consumer";
import { api } from "../helpers/api";
import { userWithWallet } from "../helpers/wallet";
import { receiver } from "./receiver";

describe("webhook signatures", () => {
  it("match the Standard Webhooks specification's published test vector", () => {
    // standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts, "sign function works".
    const signature = signWebhook(
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      new Date(1614265330 * 1000),
      '{"test": 2432232314}',
    );
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("are API.md's scheme: base64 HMAC-SHA256 of id.timestamp.body keyed by the secret's decoded bytes", async () => {
    const secret = `whsec_${btoa("a-32-byte-key-for-webhook-tests!")}`;
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode("a-32-byte-key-for-webhook-tests!"),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode('evt_1.1700000000.{"a":1}'));
    expect(signWebhook(secret, "evt_1", new Date(1700000000 * 1000), '{"a":1}')).toBe(
      `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`,
    );
  });
});

describe("webhook URLs (SSRF)", () => {
  const refused = [
    "http://example.com/hook",
    "ftp://example.com/hook",
    "https://localhost/hook",
    "https://api.localhost/hook",
    "https://printer.local/hook",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://127.0.0.1/hook",
    "https://127.1/hook",
    "https://2130706433/hook",
    "https://0x7f000001/hook",
    "https://0.0.0.0/hook",
    "https://10.1.2.3/hook",
    "https://172.16.0.1/hook",
    "https://192.168.1.1/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://100.64.0.1/hook",
    "https://[::1]/hook",
    "https://[::]/hook",
    "https://[fe80::1]/hook",
    "https://[fd00::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:169.254.169.254]/hook",
    "https://user:pass@example.com/hook",
    "https://intranet/hook",
    "not a url",
  ];

  // Where WEBHOOKS_ALLOW_LOCAL (local development only) the loopback host itself is admitted, in any spelling.
  const loopback = new Set([
    "https://localhost/hook",
    "https://127.0.0.1/hook",
    "https://127.1/hook",
    "https://2130706433/hook",
    "https://0x7f000001/hook",
  ]);
  it.each(refused)("refuses %s", (url) => {
    expect(webhookUrlProblem(url, false)).not.toBeNull();
    if (!loopback.has(url)) expect(webhookUrlProblem(url, true)).not.toBeNull();
  });

  it("admits public https URLs, and http://127.0.0.1 and http://localhost only where WEBHOOKS_ALLOW_LOCAL", () => {
    expect(webhookUrlProblem("https://hooks.example.com/in?x=1", false)).toBeNull();
    expect(webhookUrlProblem("https://93.184.216.34:8443/in", false)).toBeNull();
    expect(webhookUrlProblem("https://[2606:4700::1111]/in", false)).toBeNull();
    for (const local of ["http://127.0.0.1:9999/hook", "http://localhost:9999/hook"]) {
      expect(webhookUrlProblem(local, false)).not.toBeNull();
      expect(webhookUrlProblem(local, true)).toBeNull();
    }
  });

  it("POST /webhooks answers a refused URL with a 400 on `url` and stores nothing", async () => {
    const { user } = await userWithWallet(0);
    for (const url of ["https://169.254.169.254/", "http://example.com/", "https://[::1]/"]) {
      const res = await api("/webhooks", { token: user.token, body: { url, events: ["payment.succeeded"] } });
      expect(res.status, url).toBe(400);
      expect(res.body.error.details[0].path).toBe("url");
    }
    expect((await api("/webhooks", { token: user.token })).body.webhooks).toEqual([]);
  });
});

describe("webhook deliveries", () => {
  it("shows the secret once; another user cannot see or delete the endpoint", async () => {
    const { user } = await userWithWallet(0);
    const { user: other } = await userWithWallet(0);
    const created = await api("/webhooks", {
      token: user.token,
      body: { url: "https://hooks.example.com/a", events: ["payment.succeeded"] },
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const listed = await api("/webhooks", { token: user.token });
    expect(listed.body.webhooks).toEqual([created.body.webhook]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret.slice(6));
    const id = created.body.webhook.webhook_id;
    expect((await api(`/webhooks/${id}`, { token: other.token, method: "DELETE" })).status).toBe(404);
    expect((await api(`/webhooks/${id}/deliveries`, { token: other.token })).status).toBe(404);
    expect((await api(`/webhooks/${id}`, { token: user.token, method: "DELETE" })).status).toBe(204);
    expect((await api("/webhooks", { token: user.token })).body.webhooks).toEqual([]);
  });

  it("a receiver that fails twice gets the event a third time, with the same webhook-id and a valid signature each time", async () => {
    const received = receiver([500, 503, 200]);
    const { user, walletId } = await userWithWallet(1_000);
    const created = await api("/webhooks", {
      token: user.token,
      body: { url: "https://hooks.example.com/in", events: ["payment.succeeded"] },
    });
    const webhookId = created.body.webhook.webhook_id;
    await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Shop", amount: "1.00" } });
    await expect.poll(() => received.length, { timeout: 15_000, interval: 100 }).toBe(3);
    const [event] = (await api("/events", { token: user.token })).body.events;
    const verifier = new Webhook(created.body.secret);
    for (const attempt of received) {
      expect(attempt.headers["webhook-id"]).toBe(event.event_id);
      expect(verifier.verify(attempt.body, attempt.headers)).toEqual(event);
    }
    await expect
      .poll(async () => (await api(`/webhooks/${webhookId}/deliveries`, { token: user.token })).body.deliveries, { timeout: 5000 })
      .toEqual([
        expect.objectContaining({
          event_id: event.event_id,
          status: "DELIVERED",
          attempt: 3,
          status_code: 200,
          error: null,
          next_attempt_at: null,
        }),
      ]);
    // Nothing more arrives once delivered.
    await new Promise((r) => setTimeout(r, 1500));
    expect(received).toHaveLength(3);
  }, 30_000);

  it("a delivery whose attempts are spent is FAILED with the last error, and the user's retry delivers it", async () => {
    const received = receiver([500, 200]);
    const { user, walletId } = await userWithWallet(1_000);
    const created = await api("/webhooks", {
      token: user.token,
      body: { url: "https://hooks.example.com/in", events: ["payment.succeeded"] },
    });
    const webhookId = created.body.webhook.webhook_id;
    // One attempt per round for this endpoint's deliveries (the configured six would take a minute).
    await env.DB.exec(
      "CREATE TRIGGER IF NOT EXISTS one_attempt AFTER INSERT ON webhook_deliveries BEGIN UPDATE webhook_deliveries SET attempts_left = 1 WHERE delivery_id = NEW.delivery_id; END",
    );
    try {
      await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Shop", amount: "1.00" } });
      const deliveries = () => api(`/webhooks/${webhookId}/deliveries`, { token: user.token });
      await expect
        .poll(async () => (await deliveries()).body.deliveries[0], { timeout: 10_000 })
        .toMatchObject({ status: "FAILED", attempt: 1, status_code: 500, error: "HTTP 500", delivered_at: null });
      const deliveryId = (await deliveries()).body.deliveries[0].delivery_id;
      const retried = await api(`/webhooks/${webhookId}/deliveries/${deliveryId}/retry`, { token: user.token, method: "POST" });
      expect(retried.status).toBe(202);
      expect(retried.body.delivery.status).toBe("PENDING");
      expect((await api(`/webhooks/${webhookId}/deliveries/${deliveryId}/retry`, { token: user.token, method: "POST" })).status).toBe(409);
      await expect
        .poll(async () => (await deliveries()).body.deliveries[0], { timeout: 10_000 })
        .toMatchObject({ status: "DELIVERED", attempt: 2 });
      expect(received.map((r) => r.headers["webhook-id"])).toEqual([
        received[0]!.headers["webhook-id"],
        received[0]!.headers["webhook-id"],
      ]);
    } finally {
      await env.DB.exec("DROP TRIGGER IF EXISTS one_attempt");
    }
  }, 30_000);

  it("a receiver that takes 5 s does not hold up the payment saga", async () => {
    let calls = 0;
    webhookTransport.fetch = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5_000));
      return new Response(null, { status: 200 });
    };
    const { user, walletId } = await userWithWallet(1_000);
    await api("/webhooks", {
      token: user.token,
      body: { url: "https://hooks.example.com/slow", events: ["payment.succeeded", "payment.failed"] },
    });
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Shop", amount: "1.00" } })).body.payment
          .transaction_id,
      );
    }
    for (const id of ids) {
      await expect
        .poll(async () => (await api(`/payment/${id}`, { token: user.token })).body.payment.status, { timeout: 4000, interval: 50 })
        .toBe("SUCCESSFUL");
    }
    expect(Date.now() - started).toBeLessThan(4_000);
    await expect.poll(() => calls, { timeout: 4000 }).toBeGreaterThan(0);
  }, 30_000);
});
