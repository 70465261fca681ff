// First-run setup for local development: creates .dev.vars with random local secrets, and adds any
// secret that an existing .dev.vars (from an older clone) lacks.
// (Migrations are applied by `wrangler d1 migrations apply DB --local` right after this script.)
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

const SECRETS = {
  JWT_SECRET: () => randomBytes(32).toString("hex"),
  // Standard Webhooks form: the HMAC key is the base64-decoded part (README: Funding).
  FUNDING_WEBHOOK_SECRET: () => `whsec_${randomBytes(32).toString("base64")}`,
  // The Ed25519 key statements are signed with (README: Statements), in single quotes: it is JSON.
  STATEMENT_SIGNING_KEY: () => {
    const privateKey = generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    return `'${JSON.stringify({ private_key: privateKey, created_at: new Date().toISOString() })}'`;
  },
  // The AES-256 key webhook signing secrets are sealed with at rest (README: Integrations).
  WEBHOOK_ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
};

if (!existsSync(".dev.vars")) writeFileSync(".dev.vars", "# Local secrets for wrangler dev (never commit).\n");
let text = readFileSync(".dev.vars", "utf8");
for (const [name, generate] of Object.entries(SECRETS)) {
  if (new RegExp(`^${name}=`, "m").test(text)) continue;
  const line = `${text === "" || text.endsWith("\n") ? "" : "\n"}${name}=${generate()}\n`;
  appendFileSync(".dev.vars", line);
  text += line;
  console.log(`Added a random ${name} to .dev.vars`);
}
