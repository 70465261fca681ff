// npm run verify-statement: the offline check of a statement (scripts/verify-statement.ts) on a
// statement signed by a known key (fixtures/statement-2026-10.json, and statement-2026-09.json of the
// month before, without transactions): valid → 0, each tampering → 1 with its reason, keys fetched
// from --keys URL and nothing else, usage errors → 2.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";

const repo = resolve(import.meta.dirname, "../..");
const tsx = join(repo, "node_modules", "tsx", "dist", "cli.mjs");
const fixture = join(repo, "test/scripts/fixtures/statement-2026-10.json");
const emptyFixture = join(repo, "test/scripts/fixtures/statement-2026-09.json");
const PUBLIC_KEY = "J6kUBAEKG1uAlXySsIiVPCKCcaO+LpNnJM/scP2GfpI=";
const KEY = { key_id: "ed25519-b4d551ce2684f4b6", algorithm: "Ed25519", public_key: PUBLIC_KEY, created_at: "2026-01-01T00:00:00.000Z" };
const tmp = mkdtempSync(join(tmpdir(), "verify-statement-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the command asynchronously (the keys server below answers in this process). */
const verify = (/** @type {string[]} */ args) =>
  new Promise((done) => {
    const child = spawn(process.execPath, [tsx, "scripts/verify-statement.ts", ...args], { cwd: repo });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (status) => done({ status, stdout, stderr }));
  });

/** The fixture with an edit, written to a file. */
function tampered(/** @type {string} */ name, /** @type {(s: any) => void} */ edit, from = fixture) {
  const doc = JSON.parse(readFileSync(from, "utf8"));
  edit(doc.statement);
  const file = join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

test("a genuine statement is valid (exit 0) with the key given on the command line", async () => {
  const result = await verify([fixture, "--key", PUBLIC_KEY]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^VALID: wallet 0b6f3c2e-5d1a-4e8b-9c7f-2a4d6e8f0a1b, 2026-10, 3 transactions/);
  const empty = await verify([emptyFixture, "--key", PUBLIC_KEY]);
  assert.equal(empty.status, 0, empty.stderr);
  assert.match(empty.stdout, /^VALID: wallet 0b6f3c2e-5d1a-4e8b-9c7f-2a4d6e8f0a1b, 2026-09, 0 transactions/);
});

test("each tampering fails (exit 1) with its reason", async () => {
  const cases = [
    ["cent", (s) => (s.transactions[1].amount = "12.51"), /^NOT VALID: TRANSACTION_ALTERED: transaction #2 .*amount was 12\.50/],
    ["dropped", (s) => s.transactions.splice(1, 1), /^NOT VALID: TRANSACTION_MISSING: /],
    [
      "dropped-last",
      (s) => s.transactions.pop(),
      /^NOT VALID: TRANSACTION_MISSING: a transaction after transaction #2 \(7d2c0e4a-0000-4000-8000-000000000002\) is missing: .* 0\.00 in and 450\.00 out /,
    ],
    ["reordered", (s) => s.transactions.reverse(), /^NOT VALID: REORDERED: /],
    ["period", (s) => (s.period = "2026-09"), /^NOT VALID: WRONG_PERIOD: /],
    ["opening", (s) => (s.opening_balance = "0.01"), /^NOT VALID: OPENING_BALANCE_MISMATCH: /],
    ["closing", (s) => (s.closing_balance = "737.49"), /^NOT VALID: CLOSING_BALANCE_MISMATCH: /],
    ["totals", (s) => (s.total_out = "462.49"), /^NOT VALID: TOTALS_MISMATCH: /],
    ["signature", (s) => (s.issued_at = "2026-11-02T00:00:00.000Z"), /^NOT VALID: BAD_SIGNATURE: /],
    ["key", (s) => (s.key_id = "ed25519-0000000000000000"), /^NOT VALID: UNKNOWN_KEY: /],
    // The month without transactions: a period its issued_at rules out, and one only the signature rules out.
    [
      "empty-period-later",
      (s) => (s.period = "2026-11"),
      /^NOT VALID: WRONG_PERIOD: the statement is final but was issued at /,
      emptyFixture,
    ],
    [
      "empty-period-earlier",
      (s) => (s.period = "2026-08"),
      /^NOT VALID: BAD_SIGNATURE: the signed content .*period.* with no transactions, nothing but the signature ties the statement to its period/,
      emptyFixture,
    ],
  ];
  for (const [name, edit, reason, from] of cases) {
    const result = await verify([tampered(name, edit, from), "--key", PUBLIC_KEY]);
    assert.equal(result.status, 1, `${name}: ${result.stdout}${result.stderr}`);
    assert.match(result.stdout, reason, name);
  }
});

test("--keys URL: the keys are the only thing fetched; a listing whose key id does not match its key is refused", async () => {
  const requests = [];
  let keys = [KEY];
  const server = createServer((req, res) => {
    requests.push(req.url);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys }));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}/v1/statements/keys`;
  try {
    const ok = await verify([fixture, "--keys", url]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.deepEqual(requests, ["/v1/statements/keys"]);
    keys = [{ ...KEY, public_key: "waUNH+nh/IEed3GHF5r+weWSr7jJTvXCKF7yBysZK0w=" }];
    const spoofed = await verify([fixture, "--keys", url]);
    assert.equal(spoofed.status, 1);
    assert.match(spoofed.stderr, /does not match its public key/);
  } finally {
    server.close();
  }
});

test("usage: no file, two files, both --key and --keys, an unknown flag exit 2; --help exits 0", async () => {
  for (const args of [
    [],
    [fixture, fixture],
    [fixture, "--key", PUBLIC_KEY, "--keys", "http://127.0.0.1:1/"],
    ["--no-such-flag", fixture],
  ]) {
    const result = await verify(args);
    assert.equal(result.status, 2, JSON.stringify(args));
    assert.match(result.stderr, /usage: npm run verify-statement -- FILE/);
  }
  assert.equal((await verify([join(tmp, "missing.json")])).status, 2);
  const help = await verify(["--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: npm run verify-statement -- FILE/);
});
