// The example receiver (examples/webhook-receiver) accepts a delivery signed the way the API signs
// one, refuses a tampered or stale one, and dedupes by webhook-id.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Webhook } from "standardwebhooks";
import { createReceiver } from "../../examples/webhook-receiver/server.mjs";

const SECRET = `whsec_${Buffer.from("example-receiver-test-secret-32b").toString("base64")}`;

async function withReceiver(run) {
  const events = [];
  const server = createReceiver(SECRET, (event) => events.push(event));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  try {
    await run(url, events);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

function signed(id, body, at = new Date()) {
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(SECRET).sign(id, at, body),
  };
}

test("accepts a signed delivery once, and a retry with the same webhook-id is a 200 that changes nothing", async () => {
  await withReceiver(async (url, events) => {
    const body = JSON.stringify({
      event_id: "evt-1",
      type: "payment.succeeded",
      created_at: "2026-01-01T00:00:00.000Z",
      data: { amount: "1.00" },
    });
    const first = await fetch(url, { method: "POST", headers: signed("evt-1", body), body });
    assert.equal(first.status, 204);
    const again = await fetch(url, { method: "POST", headers: signed("evt-1", body), body });
    assert.equal(again.status, 200);
    assert.deepEqual(
      events.map((e) => e.event_id),
      ["evt-1"],
    );
  });
});

test("refuses a tampered body, a wrong secret and a stale timestamp", async () => {
  await withReceiver(async (url, events) => {
    const body = JSON.stringify({ event_id: "evt-2", type: "payment.failed", data: {} });
    const tampered = await fetch(url, { method: "POST", headers: signed("evt-2", body), body: body.replace("failed", "succeeded") });
    assert.equal(tampered.status, 400);
    const other = new Webhook(`whsec_${Buffer.from("another-secret-of-thirty-two-byt").toString("base64")}`);
    const at = new Date();
    const wrongKey = await fetch(url, {
      method: "POST",
      headers: { ...signed("evt-2", body, at), "webhook-signature": other.sign("evt-2", at, body) },
      body,
    });
    assert.equal(wrongKey.status, 400);
    const stale = await fetch(url, { method: "POST", headers: signed("evt-2", body, new Date(Date.now() - 10 * 60_000)), body });
    assert.equal(stale.status, 400);
    assert.deepEqual(events, []);
  });
});
