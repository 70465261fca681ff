import { env, SELF } from "cloudflare:test";
import { BASE } from "../helpers/api";

/**
 * Signs a deposit webhook the way a processor does (Standard Webhooks, written out with WebCrypto
 * rather than the library the Worker verifies with, so the two are checked against each other).
 */
export async function sign(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const keyBytes = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (ch) => ch.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)));
  return `v1,${btoa(String.fromCharCode(...mac))}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export type Delivery = {
  id?: string;
  body?: unknown;
  rawBody?: string;
  timestamp?: number;
  secret?: string;
  /** Replaces the computed signature header. */
  signature?: string;
  /** Sends `rawBody`/`body` but signs this text instead. */
  signedBody?: string;
};

/** One delivery of the deposit webhook through the Worker's fetch handler. */
export async function deliver(delivery: Delivery) {
  const id = delivery.id ?? `msg_${crypto.randomUUID()}`;
  const timestamp = delivery.timestamp ?? nowSeconds();
  const text = delivery.rawBody ?? JSON.stringify(delivery.body);
  const signature =
    delivery.signature ?? (await sign(delivery.secret ?? env.FUNDING_WEBHOOK_SECRET, id, timestamp, delivery.signedBody ?? text));
  const res = await SELF.fetch(`${BASE}/funding/deposits`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature,
    },
    body: text,
  });
  const raw = await res.text();
  return { status: res.status, headers: res.headers, body: raw ? JSON.parse(raw) : null, id };
}
