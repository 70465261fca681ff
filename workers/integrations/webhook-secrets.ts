/**
 * Webhook signing secrets at rest. A secret must be readable again (every delivery is signed with
 * it), so it cannot be stored as a hash like an API key: it is sealed with AES-256-GCM under the
 * `WEBHOOK_ENCRYPTION_KEY` secret, with the endpoint's id as associated data, so a sealed value
 * copied onto another endpoint's row does not open. Stored form: `v1.<base64 iv>.<base64 ciphertext>`.
 * A row written before sealing existed holds the `whsec_` secret itself: it is still read, and the
 * cron seals it (`sealLegacyWebhookSecrets`).
 */
import { fromBase64, toBase64 } from "../domain/base64";
import { createDb } from "../lib/db";
import * as queries from "./integrations.queries";

const SEALED = "v1.";
const IV_BYTES = 12;

const keys = new Map<string, Promise<CryptoKey>>();

function encryptionKey(env: Env): Promise<CryptoKey> {
  const text = env.WEBHOOK_ENCRYPTION_KEY;
  if (!text) throw new Error("WEBHOOK_ENCRYPTION_KEY is not set (README: Configuration)");
  let key = keys.get(text);
  if (!key) {
    const raw = fromBase64(text);
    if (raw.length !== 32) throw new Error("WEBHOOK_ENCRYPTION_KEY must be 32 bytes, base64-encoded");
    key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    keys.set(text, key);
  }
  return key;
}

export const isSealed = (stored: string) => stored.startsWith(SEALED);

export async function sealWebhookSecret(env: Env, webhookId: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(webhookId) },
    await encryptionKey(env),
    new TextEncoder().encode(secret),
  );
  return `${SEALED}${toBase64(iv)}.${toBase64(sealed)}`;
}

/** The `whsec_` secret of a stored value, sealed or (written before sealing) not. */
export async function openWebhookSecret(env: Env, webhookId: string, stored: string): Promise<string> {
  if (!isSealed(stored)) return stored;
  const [iv = "", sealed = ""] = stored.slice(SEALED.length).split(".");
  const opened = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(iv), additionalData: new TextEncoder().encode(webhookId) },
    await encryptionKey(env),
    fromBase64(sealed),
  );
  return new TextDecoder().decode(opened);
}

/**
 * Set once a scan in this isolate found nothing in the clear: every endpoint made since is sealed when
 * written, so the minute cron stops scanning (a row an old version wrote mid-deploy is still read, and
 * sealed by the next isolate).
 */
let allSealed = false;

/** Cron work: seals the secrets rows written before sealing existed still hold in the clear. */
export async function sealLegacyWebhookSecrets(env: Env, limit = 100): Promise<number> {
  if (allSealed) return 0;
  const db = createDb(env.DB);
  const results = await queries.listUnsealedWebhookSecrets(db, limit);
  if (results.length === 0) {
    allSealed = true;
    return 0;
  }
  const sealed = await Promise.all(
    results.map(async ({ webhook_id, secret }) => ({
      webhookId: webhook_id,
      secret,
      sealedSecret: await sealWebhookSecret(env, webhook_id, secret),
    })),
  );
  await queries.storeSealedWebhookSecrets(db, sealed);
  return results.length;
}
