// The command lines of the deploy, setup and admin scripts and of the bench: --help prints the usage
// and exits 0, an unknown flag or a missing --env exits 2 with the usage, before anything runs.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

const repo = resolve(import.meta.dirname, "../..");
const tsx = join(repo, "node_modules", "tsx", "dist", "cli.mjs");
const wrangler = join(repo, "node_modules", "wrangler", "bin", "wrangler.js");
const run = (/** @type {string[]} */ args) =>
  spawnSync(process.execPath, args, { cwd: repo, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });

const scripts = [
  { name: "deploy", args: ["scripts/deploy.mjs"], usage: /usage: node scripts\/deploy\.mjs --env/ },
  { name: "setup-cloudflare", args: ["scripts/setup-cloudflare.mjs"], usage: /usage: node scripts\/setup-cloudflare\.mjs --env/ },
  { name: "admin-role", args: ["scripts/admin-role.mjs"], usage: /Usage: node scripts\/admin-role\.mjs grant\|revoke/ },
  { name: "bench", args: [tsx, "bench/run.ts"], usage: /usage: npm run bench -- \[scenario…\]/ },
];

for (const script of scripts) {
  test(`${script.name}: --help prints the usage and exits 0`, () => {
    const result = run([...script.args, "--help"]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, script.usage);
  });

  test(`${script.name}: an unknown flag exits 2 with the usage`, () => {
    const result = run([...script.args, "--no-such-flag"]);
    assert.equal(result.status, 2, result.stdout);
    assert.match(result.stderr, /Unknown option '--no-such-flag'/);
    assert.match(result.stderr, script.usage);
  });
}

test("deploy: --env is required and must name an environment", () => {
  const missing = run(["scripts/deploy.mjs", "--dry-run"]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /Missing --env; expected one of: staging, production/);
  const unknown = run(["scripts/deploy.mjs", "--env=moon", "--dry-run"]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /Unknown environment "moon"/);
});

test("deploy: --skip-ui is a flag of deploy only", () => {
  const result = run(["scripts/setup-cloudflare.mjs", "--env", "staging", "--skip-ui"]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /Unknown option '--skip-ui'/);
});

test("bench: an unknown scenario or driver exits 2 before any server starts", () => {
  const scenario = run([tsx, "bench/run.ts", "nope"]);
  assert.equal(scenario.status, 2);
  assert.match(scenario.stderr, /unknown scenario nope; known: ceiling, credit, saga, scale, optimiser, ui/);
  const driver = run([tsx, "bench/run.ts", "--driver=carrier-pigeon"]);
  assert.equal(driver.status, 2);
  assert.match(driver.stderr, /unknown driver carrier-pigeon; known: http, dispatch/);
});

test("admin-role: the SQL it runs changes the role and records the audit entry, against the migrated schema", () => {
  const persist = mkdtempSync(join(tmpdir(), "edge-fintech-admin-role-"));
  const d1 = (/** @type {string[]} */ args) => {
    const result = run([wrangler, "d1", ...args, "--local", "--persist-to", persist]);
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    return result.stdout;
  };
  try {
    d1(["migrations", "apply", "DB"]);
    d1([
      "execute",
      "DB",
      "--command",
      "INSERT INTO users (user_id, email, password_hash, created_at) VALUES ('u-1', 'ops@example.com', 'x', '2026-01-01T00:00:00.000Z')",
    ]);
    for (const action of ["grant", "revoke"]) {
      const printed = run(["scripts/admin-role.mjs", action, "--local", "--dry-run", "Ops@Example.com"]);
      assert.equal(printed.status, 0, printed.stderr);
      // The printed command quotes its SQL for a POSIX shell: '…'\''…'.
      const quoted = /--command '(.*)'$/m.exec(printed.stdout)?.[1];
      assert.ok(quoted, printed.stdout);
      d1(["execute", "DB", "--json", "--command", quoted.replaceAll(`'\\''`, "'")]);
    }
    const rows = JSON.parse(
      d1(["execute", "DB", "--json", "--command", "SELECT admin_user_id, action, target, details FROM admin_audit_log ORDER BY seq"]),
    )[0].results;
    assert.deepEqual(rows, [
      { admin_user_id: "operator", action: "role.grant", target: "user:u-1", details: '{"email":"ops@example.com","role":"admin"}' },
      { admin_user_id: "operator", action: "role.revoke", target: "user:u-1", details: '{"email":"ops@example.com","role":"customer"}' },
    ]);
  } finally {
    rmSync(persist, { recursive: true, force: true });
  }
});
