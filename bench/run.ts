/**
 * `npm run bench -- [scenario…] [--quick] [--driver=http|dispatch] [--wallets=N] [--transactions=N] [--compare=<dir>]` (`--help`: the flags)
 *
 * `--compare=<dir>`: another copy of this repository (e.g. `mkdir /tmp/before && git archive HEAD |
 * tar -x -C /tmp/before && ln -s $PWD/node_modules /tmp/before/`); its API Worker runs beside this
 * one and its full credit route joins the interleaved credit rows (a same-run before/after).
 *
 * Benchmarks the API Worker on this machine and writes bench/results/<timestamp>.json and .md (the
 * .md is also printed). It measures and reports against DESIGN.md's performance budget; it gates
 * nothing and always exits 0 when it could run (a scenario that fails is recorded as failed).
 *
 * How a server runs. Not `wrangler dev`: its proxy caps even a bare route at a few hundred requests
 * per second here, so it would measure the proxy. Instead each scenario gets a fresh Miniflare
 * instance in this process (the `miniflare` that wrangler itself ships and drives, so the runtime is
 * the one `wrangler dev` uses):
 *  - the Worker is the bundle `wrangler deploy --dry-run --outdir` builds (loaded as ES modules); the
 *    credit and scale scenarios build it from bench/scale-entry.ts, the same Worker plus bench-only
 *    routes that seed a store and mint sessions with the Worker's own session code,
 *  - its bindings come from wrangler.toml through wrangler's `unstable_getMiniflareWorkerOptions`
 *    (D1, SQLite Durable Objects, queue producers and consumers with their DLQs, vars, cron), plus
 *    JWT_SECRET as a binding,
 *  - state persists in a fresh temp dir (`resourcePersistencePath`), and the D1 migrations in
 *    migrations/ are applied through the D1 binding before the first request,
 *  - workerd listens on 127.0.0.1 only, on a free port.
 * Requests go either over real HTTP to that port (`--driver=http`, the default and what the tables
 * show unless a row says otherwise) or through `Miniflare#dispatchFetch` (`--driver=dispatch`). The
 * ceiling and credit scenarios measure the maximum throughput with both.
 *
 * How load is offered. Fixed arrival rate (open loop): request i is due at start + i/rate and its
 * latency runs from that scheduled time, so a slow server cannot slow the offered load down and hide
 * its own queueing. "send lag" is how late the client actually sent (the load generator shares the
 * two cores with workerd). Maximum throughput is measured closed loop: 32 clients back to back for
 * a few seconds after a warm-up, completed requests per second. Closed-loop rows also give workerd's
 * CPU milliseconds per request (from /proc, idle use subtracted): on a CPU-bound server max
 * throughput goes as 1 / that, and it moves far less than requests per second when other work shares
 * the machine.
 *
 * Scenarios (default: all, in this order):
 *  ceiling    bench/baseline: a bare route ("ok") and a bare SQLite-DO credit (one transactionSync
 *             with a balance update and an entry insert), same runtime, same process type; the bare
 *             two-object credit (a key claimed by one INSERT in a second object, then that credit);
 *             the bare credit that also writes the counterparty and the chain hash.
 *  credit     POST /v1/wallet/{id}/credit with an Idempotency-Key (auth, validation, idempotency,
 *             DO transaction): one hot wallet and 1,000 wallets (one user each). Max throughput as
 *             a share of the bare DO credit, measured interleaved: a bench/baseline server runs
 *             beside the API and the variants take turns in short windows (A B C … A B C …), the
 *             share being the median over the rounds. The profile rows between them show where
 *             the time goes: GET /v1/health (framework), GET /v1/wallet/{id} (+ auth + a DO read
 *             RPC), credit without an Idempotency-Key (+ zod + the ledger's write RPC), the full
 *             route (+ the IdempotencyStore begin). The budget verdicts (DESIGN.md, first bullet)
 *             take each route against its own bare floor in the same rounds, by throughput and by
 *             CPU per request: the credit without a key against the bare one-object credit (≥ 70%),
 *             the full route against the bare two-object credit (≥ 80%); and the bare credit with
 *             the chain hash and counterparty against the bare one gives what those cost (µs, %).
 *             Then latency at 100, 250 and 500 requests/s
 *             (the 500/s verdict also quotes the send lag and the bare DO credit's p99 at 500/s).
 *  integrations  ledger commit → user live socket event (p50/p99 at 50 payments/s, from the debit
 *             entry's created_at), webhook delivery latency to a local receiver, and the saga's
 *             latency again in an equal window while that receiver takes 5 s per delivery
 *  saga       POST /v1/payment → terminal status at 50/s for 20 s, then rising rates until one
 *             loses a payment. Terminal is the payment's business event on the user's live socket
 *             (what the UI waits for); one GET after it, outside the measured time, confirms D1
 *             holds that status. Each wallet's live socket gives the ledger commit (PAYMENT_OUT).
 *  transfer   POST /v1/transfers → COMPLETED at 50/s for 20 s between two users' wallets, then the
 *             saga's rising rates (bench/lib/saga-load.ts). COMPLETED is the transfer.sent event on
 *             the sender's live socket, pushed after D1 commits the status (confirmed by a GET after
 *             it); the recipient's TRANSFER_IN on its wallet feed gives the saga's credit. Then hold →
 *             capture: manual-capture payments authorized at 20/s, and POST /v1/payment/{id}/capture
 *             → 200 SUCCESSFUL timed serially and at 20/s.
 *  saga-compare  (only when named, with --compare=<dir>) the payment saga of this checkout and of
 *             the other, in alternating windows at --saga-rate: POST /v1/payment, then GET until it
 *             is terminal (what every version answers), so two trees compare on one machine.
 *  scale      two fresh servers side by side, each with the same user, wallet and 250 transactions;
 *             one is then seeded with 10,000 wallets and 100,000 transactions (see
 *             bench/scale-entry.ts for the seeding path and why) and the same calls are timed on
 *             both, interleaved: GET wallet, GET /wallet, first page, deepest page, credit. Also a
 *             wallet holding 10% of all transactions: its first and deepest page.
 *  optimiser  50 debts (longSchedule from test/debt-optimiser/factories.ts): the pure function in
 *             Node (bench/optimiser.ts) and the full POST /v1/debt-optimiser route.
 *  ui         production build of pages/ into a temp dir; gzipped size of each chunk and of the
 *             JavaScript the first page load fetches (index.html's module script + modulepreloads).
 *
 * --quick is a smoke run (< 2 minutes): every scenario, short windows, a small scale store.
 *
 * Layout: this file parses the flags and runs the chosen scenarios; each scenario is one file in
 * bench/scenarios/, over the shared modules in bench/lib/ (server: Miniflare and the Worker bundles;
 * load: open- and closed-loop load; stats; report: the results files).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { benchContext } from "./lib/context";
import { parseOptions, type Scenario, USAGE } from "./lib/options";
import { type Machine, markdown, newResults, writeReport } from "./lib/report";
import { round } from "./lib/stats";
import { log } from "./lib/util";
import { cleanup, REPO, stateFilesystem, workDir } from "./lib/workspace";
import { ceiling } from "./scenarios/ceiling";
import { credit } from "./scenarios/credit";
import { integrations } from "./scenarios/integrations";
import { optimiser } from "./scenarios/optimiser";
import { saga } from "./scenarios/saga";
import { sagaCompare } from "./scenarios/saga-compare";
import { scale } from "./scenarios/scale";
import { transfer } from "./scenarios/transfer";
import { ui } from "./scenarios/ui";

const run: Record<Scenario, typeof ceiling> = {
  ceiling,
  credit,
  saga,
  transfer,
  scale,
  optimiser,
  ui,
  integrations,
  "saga-compare": sagaCompare,
};

let parsed: ReturnType<typeof parseOptions>;
try {
  parsed = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (parsed === "help") {
  console.log(USAGE);
  process.exit(0);
}
const options = parsed;

process.chdir(REPO);
process.env.WRANGLER_LOG ??= "error";
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping servers, removing ${workDir()}`);
    void cleanup().then(() => process.exit(130));
  });
}

const versionOf = (pkg: string, from = REPO) => {
  try {
    const req = createRequire(join(from, "package.json"));
    return JSON.parse(readFileSync(req.resolve(`${pkg}/package.json`), "utf8")).version as string;
  } catch {
    return "?";
  }
};
/** HEAD, and whether the Worker's sources (what the bundles are built from) have uncommitted changes. */
const tree = () => {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: REPO, encoding: "utf8" }).trim();
    const dirty = git("status", "--porcelain", "--", "workers", "durable-objects", "migrations", "wrangler.toml", "bench/scale-entry.ts");
    return `${git("rev-parse", "--short=12", "HEAD")}${dirty ? " with uncommitted changes to the Worker's sources" : ""}`;
  } catch {
    return "unknown (not a git checkout)";
  }
};
const wranglerDir = dirname(createRequire(import.meta.url).resolve("wrangler/package.json"));
const benchStarted = performance.now();
const machine: Machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model,
  memory_gib: round(totalmem() / 2 ** 30),
  node: process.version,
  wrangler: versionOf("wrangler"),
  miniflare: versionOf("miniflare", wranglerDir),
  workerd: versionOf("workerd", wranglerDir),
  loadavg_start: loadavg().map((n) => round(n, 2)),
  loadavg_end: [],
  duration_s: 0,
  date: new Date().toISOString(),
  quick: options.quick,
  driver: options.driver,
  tree: tree(),
};
const stateDir = workDir();
const stateFs = stateFilesystem();
log(`temp dir ${stateDir}; scenarios: ${options.scenarios.join(", ")}${options.quick ? " (quick)" : ""}; driver ${options.driver}`);

const results = newResults();
const ctx = benchContext(options, results);
try {
  for (const scenario of options.scenarios) {
    const t = performance.now();
    log(`${scenario}… (load average ${loadavg()[0]?.toFixed(2)})`);
    try {
      await run[scenario](ctx);
    } catch (error) {
      const message = (error as Error).stack ?? String(error);
      results.failures.push(`${scenario}: ${message}`);
      results.rows.push({ scenario, case: "FAILED", note: String((error as Error).message ?? error).slice(0, 300) });
      log(`${scenario} failed: ${message}`);
    }
    log(`${scenario} took ${round((performance.now() - t) / 1000)} s`);
  }
} finally {
  await cleanup();
}
machine.loadavg_end = loadavg().map((n) => round(n, 2));
machine.duration_s = round((performance.now() - benchStarted) / 1000, 0);

const text = markdown(machine, { scenarios: options.scenarios, stateDir, stateFs }, results);
const stamp = writeReport(machine, text, results);
console.log(text);
log(`wrote bench/results/${stamp}.json and .md`);
