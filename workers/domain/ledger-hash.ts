/**
 * The hash chain of a wallet's history (API.md, "Verifiable history"). A transaction's `hash` is the
 * SHA-256 (hex) of the previous transaction's hash (64 zeros for the first) followed by the canonical
 * JSON of its hashed fields, exactly as the API returns them. Pure: the ledger hashes with the
 * runtime's synchronous SHA-256 inside its transaction; anyone else (a test, a browser, a script
 * checking a statement offline) verifies with `verifyChain` and the Web Crypto API every runtime has.
 */

export const GENESIS_HASH = "0".repeat(64);

/** The fields a transaction's hash covers. Fields added to transactions later are not hashed. */
export const HASHED_FIELDS = [
  "transaction_id",
  "wallet_id",
  "type",
  "direction",
  "amount",
  "balance_after",
  "description",
  "counterparty",
  "reference_id",
  "created_at",
] as const;

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** JSON with the keys of every object sorted (by UTF-16 code unit, as `Array.sort` does) and no spaces. */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as Json)}`).join(",")}}`;
}

/** A transaction as the API presents it (money as strings); other fields may be present and are ignored. */
export type HashedTransaction = { [K in (typeof HASHED_FIELDS)[number]]: Json } & { hash?: string };

/** The text whose SHA-256 is the transaction's hash: the previous hash, then the canonical JSON. */
export function hashInput(previousHash: string, transaction: HashedTransaction): string {
  const fields: { [key: string]: Json } = {};
  for (const field of HASHED_FIELDS) fields[field] = transaction[field];
  return previousHash + canonicalJson(fields);
}

const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

export async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

export type ChainCheck = { ok: true; head: string } | { ok: false; index: number; transaction_id: unknown; expected: string };

/**
 * Checks a wallet's transactions, oldest first, from `previousHash` (the genesis hash for a full
 * history, or the hash just before a statement's first transaction). The first transaction whose
 * hash does not follow is reported; an edit, insertion, deletion or reordering breaks every later one.
 */
export async function verifyChain(transactions: readonly HashedTransaction[], previousHash = GENESIS_HASH): Promise<ChainCheck> {
  let head = previousHash;
  for (const [index, transaction] of transactions.entries()) {
    const expected = await sha256Hex(hashInput(head, transaction));
    if (transaction.hash !== expected) return { ok: false, index, transaction_id: transaction.transaction_id, expected };
    head = expected;
  }
  return { ok: true, head };
}
