/**
 * Monthly statements anyone can verify (API.md, "Statements"). A statement is a UTC calendar month
 * of one wallet's hash chain: the hash just before the month, the month's transactions (each with
 * its hash), the balances and totals they imply, signed with Ed25519 over the canonical JSON of
 * everything but `signature`. Pure: only the Web Crypto API every runtime has (Workers, Node,
 * browsers), so the Worker, the offline command (scripts/verify-statement.ts) and tests share it.
 */

import { fromBase64, toBase64 } from "./base64";
import { canonicalJson, GENESIS_HASH, type HashedTransaction, hashInput, type Json, sha256Hex } from "./ledger-hash";
import { formatCents, isMoneyString, parseCents } from "./money";

export type StatementTransaction = {
  transaction_id: string;
  wallet_id: string;
  type: string;
  direction: "CREDIT" | "DEBIT";
  amount: string;
  balance_after: string;
  description: string | null;
  counterparty: { account: string; name: string };
  reference_id: string | null;
  created_at: string;
  hash: string;
};

export type UnsignedStatement = {
  wallet_id: string;
  period: string;
  currency: string;
  opening_balance: string;
  closing_balance: string;
  total_in: string;
  total_out: string;
  opening_hash: string;
  closing_hash: string;
  transactions: StatementTransaction[];
  issued_at: string;
  /** False while the month is not over (a provisional statement). */
  final: boolean;
  key_id: string;
};

export type Statement = UnsignedStatement & { signature: string };

export const STATEMENT_ALGORITHM = "Ed25519";

export type PublishedKey = { key_id: string; algorithm: typeof STATEMENT_ALGORITHM; public_key: string; created_at: string };

// ---------------------------------------------------------------- periods (UTC calendar months)

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const isPeriod = (text: string): boolean => PERIOD.test(text);

/** The month's bounds as the ledger stores times (ISO 8601 UTC with milliseconds): [from, to). */
export function periodRange(period: string): { from: string; to: string } {
  const match = PERIOD.exec(period);
  if (!match) throw new RangeError(`not a period (YYYY-MM): ${JSON.stringify(period)}`);
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  return { from: new Date(Date.UTC(year, month, 1)).toISOString(), to: new Date(Date.UTC(year, month + 1, 1)).toISOString() };
}

/** The period a moment falls in ("2026-11-24T10:00:00.000Z" → "2026-11"). */
export const periodOf = (time: Date | string): string => (typeof time === "string" ? new Date(time) : time).toISOString().slice(0, 7);

/** The period after this one ("2026-12" → "2027-01"). */
export const nextPeriod = (period: string): string => periodOf(periodRange(period).to);

// ---------------------------------------------------------------- building

const signed = (t: Pick<StatementTransaction, "direction" | "amount">) => (t.direction === "CREDIT" ? 1 : -1) * parseCents(t.amount);

/**
 * A statement's body from the period's transactions (oldest first) and the chain just before them.
 * The balances and totals are those the transactions imply, so a statement always adds up.
 */
export function buildStatement(input: {
  walletId: string;
  period: string;
  currency: string;
  openingHash: string;
  openingBalance: number;
  transactions: StatementTransaction[];
  issuedAt: string;
  final: boolean;
  keyId: string;
}): UnsignedStatement {
  let totalIn = 0;
  let totalOut = 0;
  for (const t of input.transactions) {
    if (t.direction === "CREDIT") totalIn += parseCents(t.amount);
    else totalOut += parseCents(t.amount);
  }
  const last = input.transactions.at(-1);
  return {
    wallet_id: input.walletId,
    period: input.period,
    currency: input.currency,
    opening_balance: formatCents(input.openingBalance),
    closing_balance: last ? last.balance_after : formatCents(input.openingBalance),
    total_in: formatCents(totalIn),
    total_out: formatCents(totalOut),
    opening_hash: input.openingHash,
    closing_hash: last ? last.hash : input.openingHash,
    transactions: input.transactions,
    issued_at: input.issuedAt,
    final: input.final,
    key_id: input.keyId,
  };
}

/** What the signature covers: the canonical JSON of the statement without `signature`. */
export function signingInput(statement: UnsignedStatement | Statement): string {
  const { signature: _signature, ...body } = statement as Statement;
  return canonicalJson(body as unknown as Json);
}

// ---------------------------------------------------------------- keys

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A key's id is derived from its public half, so a published key can never be confused with another. */
export async function keyIdOf(publicKey: string): Promise<string> {
  return `ed25519-${(await sha256Hex(publicKey)).slice(0, 16)}`;
}

export type SigningKey = { privateKey: CryptoKey; published: PublishedKey };

/**
 * The signing key from the STATEMENT_SIGNING_KEY secret: JSON `{"private_key": base64 PKCS#8,
 * "created_at": ISO 8601}` (scripts/setup-local.mjs writes one; README: Statements).
 */
export async function loadSigningKey(secret: string): Promise<SigningKey> {
  let parsed: { private_key?: unknown; created_at?: unknown };
  try {
    parsed = JSON.parse(secret) as typeof parsed;
  } catch {
    throw new Error('STATEMENT_SIGNING_KEY must be JSON: {"private_key": "<base64 PKCS#8>", "created_at": "<ISO 8601>"}');
  }
  if (typeof parsed.private_key !== "string" || typeof parsed.created_at !== "string" || Number.isNaN(Date.parse(parsed.created_at))) {
    throw new Error("STATEMENT_SIGNING_KEY needs a base64 private_key and an ISO 8601 created_at");
  }
  const privateKey = await crypto.subtle.importKey("pkcs8", fromBase64(parsed.private_key), STATEMENT_ALGORITHM, true, ["sign"]);
  const { x } = (await crypto.subtle.exportKey("jwk", privateKey)) as JsonWebKey;
  if (typeof x !== "string") throw new Error("STATEMENT_SIGNING_KEY: the public half could not be derived");
  // JWK's `x` is the raw public key in base64url; published keys are plain base64.
  const publicKey = toBase64(
    fromBase64(
      x
        .replace(/-/g, "+")
        .replace(/_/g, "/")
        .padEnd(Math.ceil(x.length / 4) * 4, "="),
    ),
  );
  return {
    privateKey,
    published: { key_id: await keyIdOf(publicKey), algorithm: STATEMENT_ALGORITHM, public_key: publicKey, created_at: parsed.created_at },
  };
}

/**
 * Public keys of earlier signing keys (STATEMENT_PUBLIC_KEYS_RETIRED): a JSON array of
 * `{public_key, created_at}`. They stay published so statements signed before a rotation verify.
 */
export async function parseRetiredKeys(text: string | undefined): Promise<PublishedKey[]> {
  if (text === undefined || text.trim() === "") return [];
  const list = JSON.parse(text) as unknown;
  if (!Array.isArray(list)) throw new Error("STATEMENT_PUBLIC_KEYS_RETIRED must be a JSON array");
  return Promise.all(
    list.map(async (entry: { public_key?: unknown; created_at?: unknown }) => {
      if (typeof entry?.public_key !== "string" || !BASE64.test(entry.public_key) || typeof entry.created_at !== "string") {
        throw new Error("STATEMENT_PUBLIC_KEYS_RETIRED: every entry needs a base64 public_key and a created_at");
      }
      return {
        key_id: await keyIdOf(entry.public_key),
        algorithm: STATEMENT_ALGORITHM,
        public_key: entry.public_key,
        created_at: entry.created_at,
      } satisfies PublishedKey;
    }),
  );
}

export async function signStatement(body: UnsignedStatement, key: CryptoKey): Promise<Statement> {
  const signature = await crypto.subtle.sign(STATEMENT_ALGORITHM, key, new TextEncoder().encode(signingInput(body)));
  return { ...body, signature: toBase64(signature) };
}

// ---------------------------------------------------------------- verification

export const VERIFY_REASONS = [
  "MALFORMED",
  "WRONG_PERIOD",
  "REORDERED",
  "TRANSACTION_ALTERED",
  "TRANSACTION_MISSING",
  "OPENING_HASH_MISMATCH",
  "CLOSING_HASH_MISMATCH",
  "OPENING_BALANCE_MISMATCH",
  "CLOSING_BALANCE_MISMATCH",
  "TOTALS_MISMATCH",
  "UNKNOWN_KEY",
  "BAD_SIGNATURE",
] as const;

export type VerifyReason = (typeof VERIFY_REASONS)[number];

export type Verification = { valid: true; code: null; reason: null } | { valid: false; code: VerifyReason; reason: string };

const fail = (code: VerifyReason, message: string): Verification => ({ valid: false, code, reason: `${code}: ${message}` });

const HASH = /^[0-9a-f]{64}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isString = (v: unknown): v is string => typeof v === "string";
const isNullableString = (v: unknown) => v === null || isString(v);

/** The first field of the statement whose shape is wrong, or null. */
function shapeProblem(s: Record<string, unknown>): string | null {
  for (const field of ["wallet_id", "period", "currency", "issued_at", "key_id", "signature"] as const) {
    if (!isString(s[field])) return `${field} must be a string`;
  }
  if (!isPeriod(s.period as string)) return "period must be YYYY-MM";
  if (!TIME.test(s.issued_at as string)) return "issued_at must be an ISO 8601 UTC time";
  for (const field of ["opening_balance", "closing_balance", "total_in", "total_out"] as const) {
    if (!isString(s[field]) || !isMoneyString(s[field])) return `${field} must be a money string ("12.50")`;
  }
  for (const field of ["opening_hash", "closing_hash"] as const) {
    if (!isString(s[field]) || !HASH.test(s[field])) return `${field} must be 64 hex digits`;
  }
  if (typeof s.final !== "boolean") return "final must be true or false";
  if (!BASE64.test(s.signature as string)) return "signature must be base64";
  if (!Array.isArray(s.transactions)) return "transactions must be a list";
  for (const [i, value] of (s.transactions as unknown[]).entries()) {
    const t = value as Record<string, unknown>;
    if (t === null || typeof t !== "object") return `transactions[${i}] must be an object`;
    for (const field of ["transaction_id", "wallet_id", "type", "created_at", "hash"] as const) {
      if (!isString(t[field])) return `transactions[${i}].${field} must be a string`;
    }
    if (t.direction !== "CREDIT" && t.direction !== "DEBIT") return `transactions[${i}].direction must be CREDIT or DEBIT`;
    for (const field of ["amount", "balance_after"] as const) {
      if (!isString(t[field]) || !isMoneyString(t[field])) return `transactions[${i}].${field} must be a money string`;
    }
    if (!isNullableString(t.description) || !isNullableString(t.reference_id)) {
      return `transactions[${i}].description and reference_id must be strings or null`;
    }
    const c = t.counterparty as Record<string, unknown> | null;
    if (c === null || typeof c !== "object" || !isString(c.account) || !isString(c.name)) {
      return `transactions[${i}].counterparty must be {account, name}`;
    }
    if (!TIME.test(t.created_at as string)) return `transactions[${i}].created_at must be an ISO 8601 UTC time`;
    if (!HASH.test(t.hash as string)) return `transactions[${i}].hash must be 64 hex digits`;
  }
  return null;
}

const label = (i: number, t: StatementTransaction) => `transaction #${i + 1} (${t.transaction_id})`;
const chainHash = (previous: string, t: StatementTransaction) => sha256Hex(hashInput(previous, t as unknown as HashedTransaction));

/**
 * Why the chain breaks at transaction `i` (it does not hash to its `hash` from `previous`): the
 * first of these that explains it. Another transaction of the statement it follows from: reordered.
 * Its hash comes back with the amount or the balance that the balances around it imply: that field
 * was edited. A balance gap before it that no edit of its own fields explains: a transaction is
 * missing there. Otherwise its fields were altered (a description, a date, a counterparty…).
 */
async function explainBreak(
  i: number,
  transactions: StatementTransaction[],
  previous: string,
  previousBalance: number,
  openingHash: string,
): Promise<Verification> {
  const t = transactions[i] as StatementTransaction;
  for (const [j, other] of [openingHash, ...transactions.map((x) => x.hash)].entries()) {
    if (other !== previous && other !== t.hash && (await chainHash(other, t)) === t.hash) {
      const after = j === 0 ? "the opening hash" : label(j - 1, transactions[j - 1] as StatementTransaction);
      return fail("REORDERED", `${label(i, t)} is out of order: it follows ${after} in the chain`);
    }
  }
  const balanceAfter = parseCents(t.balance_after);
  const impliedAmount = Math.abs(balanceAfter - previousBalance);
  if (impliedAmount > 0 && formatCents(impliedAmount) !== t.amount) {
    const original = { ...t, amount: formatCents(impliedAmount) };
    if ((await chainHash(previous, original)) === t.hash) {
      return fail("TRANSACTION_ALTERED", `${label(i, t)}: amount was ${original.amount}, the statement says ${t.amount}`);
    }
  }
  const impliedBalance = previousBalance + signed(t);
  if (impliedBalance >= 0 && impliedBalance !== balanceAfter) {
    const original = { ...t, balance_after: formatCents(impliedBalance) };
    if ((await chainHash(previous, original)) === t.hash) {
      return fail(
        "TRANSACTION_ALTERED",
        `${label(i, t)}: balance_after was ${original.balance_after}, the statement says ${t.balance_after}`,
      );
    }
  }
  if (impliedBalance !== balanceAfter) {
    const gap = balanceAfter - impliedBalance;
    return fail(
      "TRANSACTION_MISSING",
      `a transaction before ${label(i, t)} is missing: the balance moves by ${formatCents(gap)} that no transaction of the statement explains`,
    );
  }
  if (i === 0) return fail("OPENING_HASH_MISMATCH", `${label(i, t)} does not follow from opening_hash (or its fields were altered)`);
  return fail("TRANSACTION_ALTERED", `${label(i, t)} does not match its hash: its fields were altered`);
}

/**
 * Checks a statement completely, with the keys its issuer publishes: its shape, its period (every
 * transaction inside the month, issued_at and final consistent with it), the chain from
 * `opening_hash` to `closing_hash`, the balances and totals, then the Ed25519 signature.
 * The content is checked before the signature so that a tampered statement is told apart precisely
 * (a signature alone only says "something changed").
 */
export async function verifyStatement(input: unknown, keys: readonly PublishedKey[]): Promise<Verification> {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return fail("MALFORMED", "a statement is a JSON object");
  const problem = shapeProblem(input as Record<string, unknown>);
  if (problem) return fail("MALFORMED", problem);
  const s = input as Statement;
  const { from, to } = periodRange(s.period);
  const transactions = s.transactions;

  for (const [i, t] of transactions.entries()) {
    if (t.created_at < from || t.created_at >= to) {
      return fail("WRONG_PERIOD", `${label(i, t)} of ${t.created_at} is outside ${s.period}`);
    }
    if (t.wallet_id !== s.wallet_id) return fail("MALFORMED", `${label(i, t)} belongs to wallet ${t.wallet_id}`);
  }
  // A statement is issued once its month has begun, and it is final only when issued after the month
  // ended: the period is checked against issued_at too, which a statement without transactions needs.
  if (s.issued_at < from) {
    return fail("WRONG_PERIOD", `the statement was issued at ${s.issued_at}, before ${s.period} began (${from})`);
  }
  if (s.final && s.issued_at < to) {
    return fail("WRONG_PERIOD", `the statement is final but was issued at ${s.issued_at}, before ${s.period} ended (${to})`);
  }

  let previous = s.opening_hash;
  let balance = parseCents(s.opening_balance);
  const first = transactions[0];
  if (first) {
    // The opening balance is what the first transaction started from.
    const started = parseCents(first.balance_after) - signed(first);
    const firstFollows = (await chainHash(previous, first)) === first.hash;
    if (firstFollows && started !== balance) {
      return fail(
        "OPENING_BALANCE_MISMATCH",
        `opening_balance is ${s.opening_balance}, but ${label(0, first)} started from ${formatCents(started)}`,
      );
    }
  }
  for (const [i, t] of transactions.entries()) {
    if ((await chainHash(previous, t)) !== t.hash) return explainBreak(i, transactions, previous, balance, s.opening_hash);
    const after = parseCents(t.balance_after);
    if (balance + signed(t) !== after) {
      return fail("TRANSACTION_ALTERED", `${label(i, t)}: ${formatCents(balance)} and ${t.amount} do not make ${t.balance_after}`);
    }
    previous = t.hash;
    balance = after;
  }
  const totalIn = transactions.filter((t) => t.direction === "CREDIT").reduce((sum, t) => sum + parseCents(t.amount), 0);
  const totalOut = transactions.filter((t) => t.direction === "DEBIT").reduce((sum, t) => sum + parseCents(t.amount), 0);
  if (previous !== s.closing_hash) {
    // The chain stops short of closing_hash, and the totals are short by money in and out that moves
    // the balance exactly from where the chain ends to closing_balance: transactions after the last
    // one are missing (a closing_hash edited alone leaves no such gap).
    const missingIn = parseCents(s.total_in) - totalIn;
    const missingOut = parseCents(s.total_out) - totalOut;
    const last = transactions.at(-1);
    if (
      missingIn >= 0 &&
      missingOut >= 0 &&
      missingIn + missingOut > 0 &&
      parseCents(s.closing_balance) - balance === missingIn - missingOut
    ) {
      const after = last ? label(transactions.length - 1, last) : "the opening hash";
      return fail(
        "TRANSACTION_MISSING",
        `a transaction after ${after} is missing: the chain ends there at ${previous}, closing_hash says ${s.closing_hash}; ` +
          `${formatCents(missingIn)} in and ${formatCents(missingOut)} out of the totals, taking the balance from ` +
          `${formatCents(balance)} to closing_balance ${s.closing_balance}, are in no transaction of the statement`,
      );
    }
    return fail("CLOSING_HASH_MISMATCH", `the chain ends at ${previous}, closing_hash says ${s.closing_hash}`);
  }
  if (balance !== parseCents(s.closing_balance)) {
    return fail("CLOSING_BALANCE_MISMATCH", `the transactions end at ${formatCents(balance)}, closing_balance says ${s.closing_balance}`);
  }
  if (totalIn !== parseCents(s.total_in) || totalOut !== parseCents(s.total_out)) {
    return fail(
      "TOTALS_MISMATCH",
      `the transactions add up to ${formatCents(totalIn)} in and ${formatCents(totalOut)} out; the statement says ${s.total_in} and ${s.total_out}`,
    );
  }

  const key = keys.find((k) => k.key_id === s.key_id);
  if (!key) return fail("UNKNOWN_KEY", `key ${s.key_id} is not one of the issuer's published keys`);
  let publicKey: CryptoKey;
  try {
    publicKey = await crypto.subtle.importKey("raw", fromBase64(key.public_key), STATEMENT_ALGORITHM, false, ["verify"]);
  } catch {
    return fail("UNKNOWN_KEY", `published key ${key.key_id} is not an Ed25519 public key`);
  }
  const ok = await crypto.subtle.verify(STATEMENT_ALGORITHM, publicKey, fromBase64(s.signature), new TextEncoder().encode(signingInput(s)));
  if (!ok) {
    // Everything checked above adds up, so what changed is only what the signature alone covers.
    const alone = transactions.length === 0 ? "; with no transactions, nothing but the signature ties the statement to its period" : "";
    return fail(
      "BAD_SIGNATURE",
      `the signed content (every field but signature, period, issued_at and final included) is not what key ${s.key_id} signed: ` +
        `a field was changed after signing${alone}`,
    );
  }
  return { valid: true, code: null, reason: null };
}

export { GENESIS_HASH };
