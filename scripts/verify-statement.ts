// Checks a statement offline: recomputes its hash chain, balances and totals, and its Ed25519 signature
// with the issuer's published keys. Fetches nothing but those keys (none with --key).
//   npm run verify-statement -- FILE [--key BASE64 | --keys URL]
// FILE is a statement as GET /v1/wallet/{id}/statements/{YYYY-MM} returns it (the `{statement}`
// response or the statement itself). Exit code 0: valid; 1: not valid (the reason is printed); 2: usage.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { keyIdOf, type PublishedKey, STATEMENT_ALGORITHM, verifyStatement } from "../workers/domain/statement";

const DEFAULT_KEYS_URL = "http://127.0.0.1:8787/v1/statements/keys";
const usage = `usage: npm run verify-statement -- FILE [--key BASE64 | --keys URL]
  FILE          a statement (JSON) as GET /v1/wallet/{wallet_id}/statements/{YYYY-MM} returns it
  --key BASE64  the issuer's Ed25519 public key (base64, raw 32 bytes): nothing is fetched
  --keys URL    where the issuer publishes its keys (default ${DEFAULT_KEYS_URL})`;

function usageError(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { key: { type: "string" }, keys: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
}
try {
  parsed = parse();
} catch (error) {
  usageError((error as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (positionals.length !== 1) usageError("Give exactly one statement file.");
if (values.key !== undefined && values.keys !== undefined) usageError("Give --key or --keys, not both.");

async function keys(): Promise<PublishedKey[]> {
  if (values.key !== undefined) {
    return [{ key_id: await keyIdOf(values.key), algorithm: STATEMENT_ALGORITHM, public_key: values.key, created_at: "" }];
  }
  const url = values.keys ?? DEFAULT_KEYS_URL;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  const body = (await res.json()) as { keys?: PublishedKey[] };
  if (!Array.isArray(body.keys)) throw new Error(`${url} does not list keys`);
  // A key's id is derived from its public half: a listing cannot pass one key off as another.
  for (const key of body.keys) {
    if (key.key_id !== (await keyIdOf(key.public_key))) throw new Error(`${url}: key ${key.key_id} does not match its public key`);
  }
  return body.keys;
}

let document: unknown;
try {
  document = JSON.parse(readFileSync(positionals[0] as string, "utf8"));
} catch (error) {
  usageError(`Cannot read ${positionals[0]}: ${(error as Error).message}`);
}
const statement =
  document !== null && typeof document === "object" && "statement" in document ? (document as { statement: unknown }).statement : document;

try {
  const result = await verifyStatement(statement, await keys());
  const s = statement as { wallet_id?: string; period?: string; transactions?: unknown[] };
  if (result.valid) {
    console.log(`VALID: wallet ${s.wallet_id}, ${s.period}, ${s.transactions?.length} transactions, chain and signature check out`);
    process.exit(0);
  }
  console.log(`NOT VALID: ${result.reason}`);
  process.exit(1);
} catch (error) {
  console.error(`Could not check the statement: ${(error as Error).message}`);
  process.exit(1);
}
