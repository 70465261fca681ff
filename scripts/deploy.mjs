// @ts-check
// Deploys one environment: remote D1 migrations, the API Worker, the UI build, the Pages project.
//   npm run deploy:staging [-- --dry-run]      npm run deploy:production [-- --dry-run]
//   node scripts/deploy.mjs --env staging|production [--dry-run] [--skip-ui]
// Order matters: migrations are additive, so the running Worker keeps working while they apply; the
// Worker goes before the UI so a new UI never calls an API that does not exist yet; the Pages Function
// is bound to the Worker by name, so the Worker must exist before the first Pages deploy.
import { relative } from "node:path";
import {
  apiResources,
  ENVIRONMENTS,
  isPlaceholderId,
  PAGES_BRANCH,
  pagesConfigToml,
  parseEnvArgs,
  repo,
  runner,
  stagePages,
} from "./deploy-config.mjs";

const usage = `usage: node scripts/deploy.mjs --env <${Object.keys(ENVIRONMENTS).join("|")}> [--dry-run] [--skip-ui]
  --dry-run  print every command (and the generated Pages config) without running anything
  --skip-ui  deploy the database migrations and the API Worker only`;

const { env, flags } = parseEnvArgs(process.argv.slice(2), usage, ["dry-run", "skip-ui"]);
const dryRun = flags.has("dry-run");
const skipUi = flags.has("skip-ui");

const run = runner({ dryRun });
const api = apiResources(env);
const project = ENVIRONMENTS[env]?.pagesProject ?? "";

console.log(`Deploying ${env}: Worker ${api.workerName}, D1 ${api.database.name}, Pages project ${project} (branch ${PAGES_BRANCH})`);
if (isPlaceholderId(api.database.id)) {
  const message = `wrangler.toml [env.${env}] still has the placeholder database_id ${api.database.id}: run \`npm run setup:cloudflare -- --env ${env}\` and paste the id it prints.`;
  if (!dryRun) {
    console.error(message);
    process.exit(1);
  }
  console.log(`[dry-run] note: ${message}`);
}

try {
  // 1. Database first (non-interactive runs skip the confirmation; D1 captures a backup first).
  run(["d1", "migrations", "apply", "DB", "--remote", "--env", env]);
  // 2. The API Worker with every binding, queue consumer and cron of [env.<env>].
  run(["deploy", "--env", env]);

  if (!skipUi) {
    // 3. The UI, into pages/dist.
    run(["npm", "run", "build:ui"]);
    // 4. The Pages project: the generated config + pages/functions + pages/dist, deployed to `main`.
    const dir = stagePages(env, { withAssets: !dryRun });
    if (dryRun) {
      console.log(
        `[dry-run] ${relative(repo, dir)}/ gets functions/ (from pages/functions), dist/ (from pages/dist) and this wrangler.toml:`,
      );
      console.log(
        pagesConfigToml(env)
          .trimEnd()
          .split("\n")
          .map((line) => `    ${line}`)
          .join("\n"),
      );
    }
    run(["pages", "deploy", "dist", "--project-name", project, "--branch", PAGES_BRANCH], { cwd: dir });
  }
  console.log(dryRun ? `[dry-run] ${env}: nothing was run.` : `Deployed ${env}.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
