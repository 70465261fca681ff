import { loadSigningKey, type PublishedKey, parseRetiredKeys, type SigningKey } from "../domain/statement";

/** The signing key, parsed once per isolate (per secret value: a rotation deploys a new one). */
let cached: { secret: string; key: Promise<SigningKey> } | undefined;

export function signingKey(env: Env): Promise<SigningKey> {
  const secret = env.STATEMENT_SIGNING_KEY;
  if (!secret) throw new Error("STATEMENT_SIGNING_KEY is not set (README: Statements)");
  if (cached?.secret !== secret) cached = { secret, key: loadSigningKey(secret) };
  return cached.key;
}

/** Every key a statement may name: the current one first, then the retired ones (newest first). */
export async function publishedKeys(env: Env): Promise<PublishedKey[]> {
  const current = (await signingKey(env)).published;
  const retired = await parseRetiredKeys(env.STATEMENT_PUBLIC_KEYS_RETIRED);
  return [current, ...retired.filter((k) => k.key_id !== current.key_id).sort((a, b) => b.created_at.localeCompare(a.created_at))];
}
