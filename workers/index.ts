import { app } from "./app";

export { IdempotencyStore } from "../durable-objects/idempotency-store";
export { LoginLimiter } from "../durable-objects/login-limiter";
export { WalletLedger } from "../durable-objects/wallet-ledger";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
