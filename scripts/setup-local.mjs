// First-run setup for local development: creates .dev.vars with a random JWT secret if missing.
// (Migrations are applied by `wrangler d1 migrations apply DB --local` right after this script.)
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";

if (!existsSync(".dev.vars")) {
  writeFileSync(".dev.vars", `# Local secrets for wrangler dev (never commit).\nJWT_SECRET=${randomBytes(32).toString("hex")}\n`);
  console.log("Created .dev.vars with a random JWT_SECRET");
}
