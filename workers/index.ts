import { app } from "./app";
import { DUE_WORK } from "./due-work";
import { handleQueue } from "./events";
import { clockNow } from "./lib/clock";
import { runDueWorkOnce } from "./lib/due-work";
import { sweepOutbox } from "./lib/outbox";
import { runSagaSweep } from "./lib/saga-sweep";

export { IdempotencyStore } from "../durable-objects/idempotency-store";
export { LoginLimiter } from "../durable-objects/login-limiter";
export { SagaSweeper } from "../durable-objects/saga-sweeper";
export { WalletLedger } from "../durable-objects/wallet-ledger";

export default {
  fetch: app.fetch,
  queue: (batch, env, _ctx) => handleQueue(batch, env),
  scheduled: async (_controller, env, ctx) => {
    ctx.waitUntil(sweepOutbox(env));
    // The same single-flight sweep the SagaSweeper's alarm runs: re-drives every unfinished saga.
    ctx.waitUntil(runSagaSweep(env));
    // Loan servicing and every other date rule, by the clock (README: Scheduled work).
    ctx.waitUntil(clockNow(env).then((now) => runDueWorkOnce(env, now, DUE_WORK)));
  },
} satisfies ExportedHandler<Env, unknown>;
