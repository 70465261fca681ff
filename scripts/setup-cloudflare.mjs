// @ts-check
// First-time Cloudflare setup of one environment, safe to re-run (it looks each resource up first and
// skips what already exists; a dry run prints the look-ups and every create):
//   npm run setup:cloudflare -- --env staging|production [--dry-run]
// Creates the D1 database, every queue and dead-letter queue named in wrangler.toml [env.<env>], and
// the environment's Pages project (production branch `main`), then prints the database_id to paste
// into wrangler.toml and the command that sets the JWT_SECRET secret. Needs `npx wrangler login`
// (or CLOUDFLARE_API_TOKEN + CLOUDFLARE_ACCOUNT_ID) first.
import { apiResources, ENVIRONMENTS, isPlaceholderId, PAGES_BRANCH, pagesDir, parseEnvArgs, runner } from "./deploy-config.mjs";

const usage = `usage: node scripts/setup-cloudflare.mjs --env <${Object.keys(ENVIRONMENTS).join("|")}> [--dry-run]
  --dry-run  print the commands without running anything`;

const { env, flags } = parseEnvArgs(process.argv.slice(2), usage);
const dryRun = flags.has("dry-run");

const run = runner({ dryRun });
const api = apiResources(env);
const project = ENVIRONMENTS[env]?.pagesProject ?? "";

/** @param {string} json */
/** A command that prints a fresh value for the secret (the funding one in Standard Webhooks form, README: Funding). */
const secretSource = (/** @type {string} */ name) =>
  name === "FUNDING_WEBHOOK_SECRET"
    ? `echo "whsec_$(openssl rand -base64 32)"`
    : name === "STATEMENT_SIGNING_KEY"
      ? // An Ed25519 key as README: Statements describes it: {"private_key": base64 PKCS#8, "created_at"}.
        `echo "{\\"private_key\\":\\"$(openssl genpkey -algorithm ed25519 -outform DER | base64 -w0)\\",\\"created_at\\":\\"$(date -u +%Y-%m-%dT%H:%M:%S.000Z)\\"}"`
      : name === "WEBHOOK_ENCRYPTION_KEY"
        ? "openssl rand -base64 32"
        : "openssl rand -hex 32";

const parseJsonArray = (json) => {
  const start = json.indexOf("[");
  return start === -1 ? [] : /** @type {Record<string, unknown>[]} */ (JSON.parse(json.slice(start)));
};

try {
  console.log(`Setting up ${env}: D1 ${api.database.name}, queues ${api.queues.join(", ")}, Pages project ${project}\n`);

  // D1: look it up first so a re-run prints the existing id instead of failing on "already exists".
  const findDatabase = () =>
    parseJsonArray(run(["d1", "list", "--json"], { capture: true }).stdout).find((d) => d.name === api.database.name);
  let database = findDatabase();
  if (database) console.log(`D1 database ${api.database.name} exists.`);
  else {
    run(["d1", "create", api.database.name, "--env", env]);
    database = dryRun ? { uuid: "<the id printed above>" } : findDatabase();
  }
  const databaseId = String(database?.uuid ?? "");
  if (!dryRun && !databaseId) throw new Error(`could not find the id of D1 database ${api.database.name}`);

  // Queues: `queues info` fails for a queue that does not exist.
  for (const queue of api.queues) {
    const exists = run(["queues", "info", queue], { capture: true, allowFailure: true }).status === 0 && !dryRun;
    if (exists) console.log(`Queue ${queue} exists.`);
    else run(["queues", "create", queue]);
  }

  // Pages: run from pages/ (it has a functions/ directory), where wrangler never turns the create into
  // a Workers project.
  const projects = parseJsonArray(run(["pages", "project", "list", "--json"], { capture: true }).stdout);
  if (projects.some((p) => p["Project Name"] === project)) console.log(`Pages project ${project} exists.`);
  else run(["pages", "project", "create", project, "--production-branch", PAGES_BRANCH], { cwd: pagesDir });

  const idLine = `database_id = "${databaseId}"`;
  console.log(`
Next steps for ${env}:
  1. In wrangler.toml, [[env.${env}.d1_databases]] (database_name = "${api.database.name}"), set:
       ${idLine}${isPlaceholderId(api.database.id) || dryRun ? "" : api.database.id === databaseId ? "   (already set)" : `   (now ${api.database.id})`}
  2. Set the secrets (the first one creates the Worker ${api.workerName} if it does not exist yet):
${api.secrets.map((s) => `       ${secretSource(s)} | npx wrangler secret put ${s} --env ${env}`).join("\n")}
  3. Deploy: npm run deploy:${env}
  The UI will be at https://${project}.pages.dev (check the project's real subdomain in its first deploy's output).`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  console.error("Logged in? Run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID) and re-run.");
  process.exit(1);
}
