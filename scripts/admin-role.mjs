// @ts-check
// Grants or revokes the admin role of an existing account in an environment's D1:
//   npm run admin:grant -- --env staging EMAIL      npm run admin:revoke -- --env production EMAIL
//   npm run admin:grant -- --local EMAIL            (the local development database)
// Each change is recorded in the admin audit log (GET /v1/admin/audit-log) by the same command.
// Add --dry-run to print the wrangler command without running it. The role is read from D1 on every
// request, so the change applies to the account's existing sessions within seconds. Outside local
// development an admin must also turn on two-factor sign-in before admin routes answer.
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

// Not deploy-config.mjs: loading wrangler's config reader there costs seconds, and nothing here needs it.
const ENVIRONMENTS = ["staging", "production"];
const repo = resolve(import.meta.dirname, "..");
const wranglerBin = join(repo, "node_modules", "wrangler", "bin", "wrangler.js");

const usage = "Usage: node scripts/admin-role.mjs grant|revoke (--env staging|production | --local) [--dry-run] EMAIL";

/** @param {string} message */
function fail(message) {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      env: { type: "string", short: "e" },
      local: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
} catch (error) {
  fail(String(/** @type {Error} */ (error).message));
}
const { values, positionals } = /** @type {NonNullable<typeof parsed>} */ (parsed);
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const [action, rawEmail, ...extra] = positionals;
if (action !== "grant" && action !== "revoke") fail(`Expected grant or revoke, got ${action ?? "nothing"}`);
if (!rawEmail || extra.length > 0) fail("Expected exactly one EMAIL");
// Emails are stored lower-case; a strict shape also keeps the SQL literal below safe.
const email = String(rawEmail).trim().toLowerCase();
if (!/^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/.test(email)) fail(`Not an email address: ${rawEmail}`);
if (values.local === (values.env !== undefined)) fail("Give exactly one of --env staging|production or --local");
if (values.env !== undefined && !ENVIRONMENTS.includes(values.env)) {
  fail(`Unknown environment "${values.env}"; expected one of: ${ENVIRONMENTS.join(", ")}`);
}

const role = action === "grant" ? "admin" : "customer";
const where = values.local ? ["--local"] : ["--env", String(values.env), "--remote"];
// The audit row rides in the same command: an operator's change is logged like an admin's action
// (admin_user_id "operator": the change is made out of band, by whoever holds the Cloudflare account).
const sql =
  `UPDATE users SET role = '${role}' WHERE email = '${email}' RETURNING user_id, email, role; ` +
  "INSERT INTO admin_audit_log (entry_id, admin_user_id, action, target, details, created_at) " +
  `SELECT lower(hex(randomblob(16))), 'operator', 'role.${action}', 'user:' || user_id, json_object('email', email, 'role', role), ` +
  `strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM users WHERE email = '${email}'`;
const args = ["d1", "execute", "DB", ...where, "--json", "--command", sql];
const quote = (/** @type {string} */ a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`);
console.log(`${values["dry-run"] ? "[dry-run] " : "$ "}npx wrangler ${args.map(quote).join(" ")}`);
let stdout = "";
if (!values["dry-run"]) {
  const result = spawnSync(process.execPath, [wranglerBin, ...args], {
    cwd: repo,
    stdio: ["inherit", "pipe", "pipe"],
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false" },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
    process.exit(result.status ?? 1);
  }
  stdout = result.stdout;
}
const target = values.local ? "local development" : values.env;
if (values["dry-run"]) {
  console.log(`Dry run: would set role ${role} for ${email} in ${target}; nothing was run.`);
  process.exit(0);
}
/** @type {{ results?: { user_id: string, email: string, role: string }[] }[]} */
const output = JSON.parse(stdout);
const rows = output.flatMap((o) => o.results ?? []);
if (rows.length === 0) {
  console.error(`No account with email ${email} in ${target}: it must sign up first.`);
  process.exit(1);
}
for (const row of rows) console.log(`${row.email} (${row.user_id}) is now ${row.role} in ${target}.`);
if (role === "admin" && !values.local) {
  console.log("Admin routes answer only once this account has two-factor sign-in on (POST /v1/auth/2fa/setup, /enable).");
}
