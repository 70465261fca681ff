// A minimal webhook receiver for edge-fintech's webhooks (Standard Webhooks scheme), in plain Node.
//   WEBHOOK_SECRET=whsec_… PORT=4000 node examples/webhook-receiver/server.mjs
// It verifies `webhook-signature` over "{webhook-id}.{webhook-timestamp}.{raw body}" with the endpoint's
// secret (rejecting timestamps more than 5 minutes off), answers 2xx quickly, and dedupes by
// `webhook-id` (deliveries are at least once: a retry carries the same id).
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

/** Returns an http.Server; `onEvent(event)` is called once per event id. */
export function createReceiver(secret, onEvent = (event) => console.log(`${event.type} ${event.event_id}`)) {
  const webhook = new Webhook(secret);
  const seen = new Set();
  return createServer((req, res) => {
    if (req.method !== "POST") return res.writeHead(405).end();
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let event;
      try {
        event = webhook.verify(body, {
          "webhook-id": String(req.headers["webhook-id"] ?? ""),
          "webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""),
          "webhook-signature": String(req.headers["webhook-signature"] ?? ""),
        });
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        return res.writeHead(400, { "content-type": "text/plain" }).end("bad signature");
      }
      const id = String(req.headers["webhook-id"]);
      if (seen.has(id)) return res.writeHead(200, { "content-type": "text/plain" }).end("duplicate");
      seen.add(id);
      onEvent(event);
      res.writeHead(204).end();
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const secret = process.env.WEBHOOK_SECRET;
  if (!secret) {
    console.error("Set WEBHOOK_SECRET to the whsec_… secret POST /v1/webhooks returned.");
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 4000);
  createReceiver(secret).listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}/`));
}
