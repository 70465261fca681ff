/**
 * The one Node.js API the Worker uses (under the `nodejs_compat` flag): a synchronous SHA-256, which
 * the ledger needs inside `transactionSync` where Web Crypto's promise cannot be awaited, and the
 * Idempotency-Key derivations use on the hot path (no promise, no byte-by-byte hex). Declared
 * narrowly here rather than pulling all of @types/node into the Worker's globals.
 */
declare module "node:crypto" {
  interface Hash {
    update(data: string): Hash;
    digest(encoding: "hex"): string;
  }
  export function createHash(algorithm: "sha256"): Hash;
}
