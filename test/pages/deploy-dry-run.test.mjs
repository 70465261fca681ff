// @ts-check
// The deploy and setup scripts, offline: their --dry-run prints the right commands in the right order,
// every wrangler command and flag they print exists in the pinned wrangler's own --help, and the Pages
// config generated per project binds the right API Worker in both Pages environments.
// Run by `npm run test:pages` (and alone by `npm run test:deploy`).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { unstable_readConfig } from "wrangler";

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "../..");
const wranglerBin = join(repo, "node_modules", "wrangler", "bin", "wrangler.js");

/** @param {string[]} args */
async function script(...args) {
  const { stdout } = await run(process.execPath, args, { cwd: repo, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  return stdout;
}

/** The commands a dry run printed, without the `[dry-run] ` prefix, in order. */
const commands = (/** @type {string} */ out) =>
  out
    .split("\n")
    .filter((l) => /^\[dry-run\] (npx wrangler |npm run |\(cd )/.test(l))
    .map((l) => l.slice("[dry-run] ".length));

/** @type {Set<string>} */
const printedWranglerCommands = new Set();

const expected = {
  staging: { worker: "edge-fintech-api-stg", project: "edge-fintech-stg", db: "edge-fintech-stg", suffix: "stg" },
  production: { worker: "edge-fintech-api-prd", project: "edge-fintech-prd", db: "edge-fintech-prd", suffix: "prd" },
};

describe("deploy and setup scripts (--dry-run)", { timeout: 120_000 }, () => {
  for (const [env, want] of Object.entries(expected)) {
    test(`deploy --env ${env}`, async () => {
      const out = await script("scripts/deploy.mjs", "--env", env, "--dry-run");
      const cmds = commands(out);
      assert.deepEqual(cmds, [
        `npx wrangler d1 migrations apply DB --remote --env ${env}`,
        `npx wrangler deploy --env ${env}`,
        "npm run build:ui",
        `(cd .wrangler/pages-deploy/${env} && npx wrangler pages deploy dist --project-name ${want.project} --branch main)`,
      ]);
      for (const c of cmds) printedWranglerCommands.add(c);
      assert.match(out, new RegExp(`service = "${want.worker}"`));
      assert.match(out, /nothing was run/);
    });

    test(`generated Pages config for ${env} binds API to ${want.worker} in both Pages environments`, () => {
      // Written by the dry run above.
      const path = join(repo, ".wrangler", "pages-deploy", env, "wrangler.toml");
      for (const pagesEnv of ["production", "preview"]) {
        const config = unstable_readConfig({ config: path, env: pagesEnv }, { hideWarnings: true });
        assert.deepEqual(
          config.services?.map((s) => [s.binding, s.service]),
          [["API", want.worker]],
        );
        assert.equal(config.pages_build_output_dir, join(repo, ".wrangler", "pages-deploy", env, "dist"));
      }
      const raw = unstable_readConfig({ config: path }, { hideWarnings: true });
      assert.equal(raw.name, want.project);
    });

    test(`setup:cloudflare --env ${env}`, async () => {
      const out = await script("scripts/setup-cloudflare.mjs", "--env", env, "--dry-run");
      const cmds = commands(out);
      const queues = [
        `loan-events-${want.suffix}`,
        `payment-events-${want.suffix}`,
        `webhook-deliveries-${want.suffix}`,
        `loan-events-${want.suffix}-dlq`,
        `payment-events-${want.suffix}-dlq`,
        `webhook-deliveries-${want.suffix}-dlq`,
      ];
      assert.deepEqual(cmds, [
        "npx wrangler d1 list --json",
        `npx wrangler d1 create ${want.db} --env ${env}`,
        ...queues.flatMap((q) => [`npx wrangler queues info ${q}`, `npx wrangler queues create ${q}`]),
        "npx wrangler pages project list --json",
        `(cd pages && npx wrangler pages project create ${want.project} --production-branch main)`,
      ]);
      for (const c of cmds) printedWranglerCommands.add(c);
      assert.match(out, new RegExp(`npx wrangler secret put JWT_SECRET --env ${env}`));
      assert.ok(out.includes(`echo "whsec_$(openssl rand -base64 32)" | npx wrangler secret put FUNDING_WEBHOOK_SECRET --env ${env}`));
      assert.ok(out.includes(`openssl rand -base64 32 | npx wrangler secret put WEBHOOK_ENCRYPTION_KEY --env ${env}`));
      assert.match(out, /database_id = /);
    });
  }

  for (const env of Object.keys(expected)) {
    test(`admin:grant / admin:revoke --env ${env}`, async () => {
      for (const [action, role] of [
        ["grant", "admin"],
        ["revoke", "customer"],
      ]) {
        const out = await script("scripts/admin-role.mjs", action, "--env", env, "--dry-run", "Ops@Example.com");
        const cmds = commands(out);
        // The role change and its audit log entry run in one command.
        const q = (/** @type {string} */ s) => `'\\''${s}'\\''`;
        assert.deepEqual(cmds, [
          `npx wrangler d1 execute DB --env ${env} --remote --json --command 'UPDATE users SET role = ${q(role)} WHERE email = ${q("ops@example.com")} RETURNING user_id, email, role; ` +
            `INSERT INTO admin_audit_log (entry_id, admin_user_id, action, target, details, created_at) SELECT lower(hex(randomblob(16))), ${q("operator")}, ${q(`role.${action}`)}, ${q("user:")} || user_id, ` +
            `json_object(${q("email")}, email, ${q("role")}, role), strftime(${q("%Y-%m-%dT%H:%M:%fZ")}, ${q("now")}) FROM users WHERE email = ${q("ops@example.com")}'`,
        ]);
        for (const c of cmds) printedWranglerCommands.add(c);
        assert.match(out, /nothing was run/);
      }
    });
  }

  test("admin:grant refuses a missing target, an unknown environment and anything but one email", async () => {
    for (const args of [
      ["grant", "--dry-run", "ops@example.com"],
      ["grant", "--env", "qa", "--dry-run", "ops@example.com"],
      ["grant", "--env", "staging", "--local", "--dry-run", "ops@example.com"],
      ["grant", "--env", "staging", "--dry-run", "ops'@example.com"],
      ["grant", "--env", "staging", "--dry-run"],
      ["promote", "--env", "staging", "--dry-run", "ops@example.com"],
    ]) {
      await assert.rejects(script("scripts/admin-role.mjs", ...args), (e) => /** @type {{code: number}} */ (e).code === 2);
    }
  });

  test("a missing or unknown --env is refused", async () => {
    await assert.rejects(script("scripts/deploy.mjs", "--dry-run"), (e) => /** @type {{code: number}} */ (e).code === 2);
    await assert.rejects(
      script("scripts/setup-cloudflare.mjs", "--env", "qa", "--dry-run"),
      (e) => /** @type {{code: number}} */ (e).code === 2,
    );
  });

  test("a real deploy refuses the placeholder database_id", async () => {
    const env = Object.keys(expected).find((e) => {
      const id = unstable_readConfig({ config: join(repo, "wrangler.toml"), env: e }, { hideWarnings: true }).d1_databases[0]?.database_id;
      return /^0{8}-0{4}-0{4}-0{4}-0{11}[0-9]$/.test(id ?? "");
    });
    if (!env) return; // both environments have real ids: nothing to check offline
    await assert.rejects(script("scripts/deploy.mjs", "--env", env), /placeholder database_id/);
  });

  test("every printed wrangler command and flag exists in the pinned wrangler's --help", async () => {
    assert.ok(printedWranglerCommands.size > 0);
    // Also the commands the README tells people to run by hand.
    const extra = [
      "npx wrangler secret put JWT_SECRET --env staging",
      "npx wrangler rollback --env staging --message x --yes",
      "npx wrangler versions list --env staging",
      "npx wrangler deployments list --env staging",
      "npx wrangler d1 time-travel info edge-fintech-stg --env staging",
      "npx wrangler d1 time-travel restore edge-fintech-stg --timestamp x --env staging",
      "npx wrangler pages deployment list --project-name edge-fintech-stg --environment production",
      "npx wrangler d1 migrations apply DB --local",
      "npx wrangler tail --env staging",
    ];
    const lines = [...printedWranglerCommands, ...extra].map((c) => c.replace(/^\(cd [^&]+&& /, "").replace(/\)$/, ""));
    // One help call per command shape: resource names and environments do not change the flags.
    const shape = (/** @type {string} */ l) =>
      l
        .replace(/\b(edge-fintech[\w-]*|[\w-]*events[\w-]*|staging|production)\b/g, "NAME")
        .replace(/ --(env|project-name|production-branch) NAME/g, " --$1");
    const byShape = new Map(lines.filter((l) => l.startsWith("npx wrangler ")).map((l) => [shape(l), l]));
    const wrangler = [...byShape.values()];
    // Two at a time: each call loads all of wrangler.
    const queue = [...wrangler];
    const check = async (/** @type {string} */ line) => {
      const words = line.split(" ").slice(2);
      const firstFlag = words.findIndex((w) => w.startsWith("-"));
      const head = firstFlag === -1 ? words : words.slice(0, firstFlag);
      const flags = words.filter((w) => w.startsWith("--")).map((w) => w.split("=")[0] ?? w);
      const { stdout } = await run(process.execPath, [wranglerBin, ...head, "--help"], { cwd: repo });
      // The usage line names the command, e.g. "wrangler d1 migrations apply <database>".
      const usage = stdout.split("\n").find((l) => l.startsWith("wrangler ")) ?? "";
      const commandWords = usage.split(" ").filter((w) => /^[a-z][a-z0-9-]*$/.test(w));
      const positionals = usage.split(" ").filter((w) => /^[<[]/.test(w)).length;
      assert.ok(commandWords.length > 1, `${line}: no such command (help is for "${usage}")`);
      assert.deepEqual(head.slice(0, commandWords.length - 1), commandWords.slice(1), `${line}: help is for "${usage}"`);
      assert.ok(head.length <= commandWords.length - 1 + positionals, `${line}: unknown subcommand (help is for "${usage}")`);
      for (const flag of flags) {
        assert.match(
          stdout,
          new RegExp(`(^|\\s|, )${flag}(\\s|,|$)`, "m"),
          `${line}: ${flag} is not in \`wrangler ${head.join(" ")} --help\``,
        );
      }
    };
    await Promise.all(
      [1, 2].map(async () => {
        for (let line = queue.shift(); line !== undefined; line = queue.shift()) await check(line);
      }),
    );
  });

  test("rate limits are declared for every deployed environment, with the README's limits, and none locally", () => {
    const config = join(repo, "wrangler.toml");
    /** @param {string | undefined} env */
    const limits = (env) =>
      Object.fromEntries(
        (unstable_readConfig({ config, env }, { hideWarnings: true }).ratelimits ?? []).map((r) => [r.name, { ...r.simple }]),
      );
    const deployed = {
      AUTH_RATE_LIMIT: { limit: 30, period: 60 },
      MONEY_RATE_LIMIT: { limit: 300, period: 60 },
      OPTIMISER_RATE_LIMIT: { limit: 20, period: 60 },
    };
    assert.deepEqual(limits("staging"), deployed);
    assert.deepEqual(limits("production"), deployed);
    assert.deepEqual(limits(undefined), {});
  });
});
