import { app } from "./app";
import { handleQueue } from "./events";
import { sweepOutbox } from "./lib/outbox";

export { IdempotencyStore } from "../durable-objects/idempotency-store";
export { LoginLimiter } from "../durable-objects/login-limiter";
export { WalletLedger } from "../durable-objects/wallet-ledger";

export default {
  fetch: app.fetch,
  queue: (batch, env, _ctx) => handleQueue(batch, env),
  scheduled: async (_controller, env, ctx) => {
    ctx.waitUntil(sweepOutbox(env));
  },
} satisfies ExportedHandler<Env, unknown>;
