import { app } from "./app";
import { DUE_WORK } from "./due-work";
import { handleQueue } from "./events";
import { handleWebhookBatch, isWebhookQueue } from "./integrations/webhook-consumer";
import { sealLegacyWebhookSecrets } from "./integrations/webhook-secrets";
import { sweepBusinessEvents } from "./lib/business-events";
import { clockNow } from "./lib/clock";
import { runDueWorkOnce } from "./lib/due-work";
import { sweepOutbox } from "./lib/outbox";
import { runSagaSweep } from "./lib/saga-sweep";

export { IdempotencyStore } from "../durable-objects/idempotency-store";
export { LoginLimiter } from "../durable-objects/login-limiter";
export { SagaSweeper } from "../durable-objects/saga-sweeper";
export { UserLive } from "../durable-objects/user-live";
export { WalletLedger } from "../durable-objects/wallet-ledger";

export default {
  fetch: app.fetch,
  queue: (batch, env, _ctx) => (isWebhookQueue(batch.queue) ? handleWebhookBatch(batch, env) : handleQueue(batch, env)),
  scheduled: async (_controller, env, ctx) => {
    ctx.waitUntil(sweepOutbox(env));
    // The same single-flight sweep the SagaSweeper's alarm runs: re-drives every unfinished saga.
    ctx.waitUntil(runSagaSweep(env));
    // Business events past retention, and webhook deliveries whose queue message was lost.
    ctx.waitUntil(sweepBusinessEvents(env));
    // Webhook secrets a row written before sealing existed still holds in the clear.
    ctx.waitUntil(sealLegacyWebhookSecrets(env));
    // Loan servicing, hold expiry and every other date rule, by the clock (README: Scheduled work).
    ctx.waitUntil(clockNow(env).then((now) => runDueWorkOnce(env, now, DUE_WORK)));
  },
} satisfies ExportedHandler<Env, unknown>;
