/**
 * `npm run bench [scenario…]`: starts a fresh `wrangler dev` per scenario (state in a temp dir),
 * drives it at a fixed arrival rate (latency measured from each request's scheduled send time, not
 * closed-loop), and writes bench/results/<date>.json and .md. It measures and reports; it gates nothing.
 *
 * Scenarios: credit (one hot wallet and 1,000 wallets at fixed rates), saga (payments POST → terminal
 * at 50/s, then increasing rates), optimiser (50 debts through the route).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { longSchedule } from "../test/debt-optimiser/factories";

type Stats = { n: number; lost: number; p50: number; p99: number; max: number; achievedRate: number };
type Result = { scenario: string; case: string; rate?: number; seconds?: number } & Partial<Stats> & Record<string, unknown>;

const ALL = ["credit", "saga", "optimiser"] as const;
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const scenarios = wanted.length ? ALL.filter((s) => wanted.includes(s)) : [...ALL];
const QUICK = process.argv.includes("--quick");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const round = (n: number) => Math.round(n * 10) / 10;

class Server {
  private constructor(
    readonly base: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(port: number): Promise<Server> {
    const dir = mkdtempSync(join(tmpdir(), "edge-fintech-bench-"));
    const wrangler = join("node_modules", ".bin", "wrangler");
    execFileSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", dir], { stdio: "ignore" });
    const child = spawn(
      wrangler,
      [
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--persist-to",
        dir,
        "--var",
        "JWT_SECRET:bench-secret-bench-secret",
        "--log-level",
        "warn",
      ],
      { stdio: ["ignore", "ignore", "inherit"], detached: false },
    );
    const base = `http://127.0.0.1:${port}/v1`;
    for (let i = 0; i < 300; i++) {
      try {
        if ((await fetch(`${base}/health`)).ok) return new Server(base, child, dir);
      } catch {
        // not up yet
      }
      await sleep(200);
    }
    child.kill("SIGTERM");
    throw new Error("wrangler dev did not start");
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await Promise.race([exited, sleep(5000)]);
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }

  async call(path: string, init: { token?: string; body?: unknown; method?: string } = {}) {
    const res = await fetch(`${this.base}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async user(email: string): Promise<string> {
    const res = await this.call("/auth/signup", { body: { email, password: "bench-password" } });
    return res.body.token;
  }
}

/** Fires `op(i)` at `rate`/s for `seconds`; latency runs from each request's scheduled start. */
async function openLoop(rate: number, seconds: number, op: (i: number) => Promise<boolean>): Promise<Stats> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let lost = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const scheduled = started + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 0) await sleep(wait);
    inflight.push(
      op(i).then(
        (ok) => {
          if (ok) latencies.push(performance.now() - scheduled);
          else lost++;
        },
        () => {
          lost++;
        },
      ),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    n: total,
    lost,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? Number.NaN),
    achievedRate: round(latencies.length / elapsed),
  };
}

async function creditScenario(server: Server): Promise<Result[]> {
  const token = await server.user("bench-credit@example.com");
  const hot = (await server.call("/wallet", { token, body: {} })).body.wallet.wallet_id;
  const many: string[] = [];
  for (let i = 0; i < (QUICK ? 50 : 1000); i++) many.push((await server.call("/wallet", { token, body: {} })).body.wallet.wallet_id);
  const results: Result[] = [];
  const seconds = QUICK ? 3 : 10;
  for (const rate of [100, 250, 500]) {
    const stats = await openLoop(
      rate,
      seconds,
      async () => (await server.call(`/wallet/${hot}/credit`, { token, body: { amount: "1.00" } })).status === 200,
    );
    results.push({ scenario: "credit", case: "one hot wallet", rate, seconds, ...stats });
  }
  for (const rate of [100, 250, 500]) {
    const stats = await openLoop(rate, seconds, async (i) => {
      const res = await server.call(`/wallet/${many[i % many.length]}/credit`, { token, body: { amount: "1.00" } });
      return res.status === 200;
    });
    results.push({ scenario: "credit", case: `${many.length} wallets`, rate, seconds, ...stats });
  }
  return results;
}

async function sagaScenario(server: Server): Promise<Result[]> {
  const token = await server.user("bench-saga@example.com");
  const wallets: string[] = [];
  for (let i = 0; i < 20; i++) {
    const id = (await server.call("/wallet", { token, body: {} })).body.wallet.wallet_id;
    await server.call(`/wallet/${id}/credit`, { token, body: { amount: "1000000.00" } });
    wallets.push(id);
  }
  const payOnce = async (i: number) => {
    const res = await server.call("/payment", {
      token,
      body: { wallet_id: wallets[i % wallets.length], merchant: "bench", amount: "1.00" },
    });
    if (res.status !== 202) return false;
    const id = res.body.payment.transaction_id;
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline) {
      const got = await server.call(`/payment/${id}`, { token });
      if (got.body?.payment?.status === "SUCCESSFUL") return true;
      if (got.body?.payment?.status === "FAILED") return false;
      await sleep(2);
    }
    return false;
  };
  const results: Result[] = [];
  const seconds = QUICK ? 5 : 20;
  results.push({ scenario: "saga", case: "POST → SUCCESSFUL", rate: 50, seconds, ...(await openLoop(50, seconds, payOnce)) });
  let best = 50;
  for (const rate of [100, 200, 400]) {
    const stats = await openLoop(rate, QUICK ? 3 : 10, payOnce);
    results.push({ scenario: "saga", case: "POST → SUCCESSFUL", rate, seconds: QUICK ? 3 : 10, ...stats });
    if (stats.lost > 0 || stats.achievedRate < rate * 0.9) break;
    best = rate;
  }
  results.push({ scenario: "saga", case: "highest rate tried with zero lost", rate: best });
  return results;
}

async function optimiserScenario(server: Server): Promise<Result[]> {
  const token = await server.user("bench-optimiser@example.com");
  const { debts, monthlyBudget } = longSchedule();
  const fmt = (c: number) => `${Math.trunc(c / 100)}.${String(c % 100).padStart(2, "0")}`;
  const body = {
    monthly_budget: fmt(monthlyBudget),
    debts: debts.map((d) => ({ name: d.name, balance: fmt(d.balance), apr: fmt(d.aprBp), minimum_payment: fmt(d.minimumPayment) })),
  };
  const times: number[] = [];
  for (let i = 0; i < (QUICK ? 10 : 50); i++) {
    const t = performance.now();
    const res = await server.call("/debt-optimiser", { token, body });
    if (res.status !== 200) throw new Error(`optimiser answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (i >= 3) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return [
    {
      scenario: "optimiser",
      case: "50 debts, full route (HTTP)",
      n: times.length,
      p50: round(percentile(times, 50)),
      p99: round(percentile(times, 99)),
    },
  ];
}

const RUNNERS = { credit: creditScenario, saga: sagaScenario, optimiser: optimiserScenario };

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model,
  node: process.version,
  wrangler: execFileSync(join("node_modules", ".bin", "wrangler"), ["--version"])
    .toString()
    .trim(),
  date: new Date().toISOString(),
};
const results: Result[] = [];
let port = 8900;
for (const scenario of scenarios) {
  const server = await Server.start(port++);
  try {
    console.error(`bench: ${scenario}…`);
    results.push(...(await RUNNERS[scenario](server)));
  } finally {
    await server.stop();
  }
}

const header = "| scenario | case | rate/s | n | lost | p50 ms | p99 ms | max ms | achieved/s |\n|---|---|---|---|---|---|---|---|---|";
const rows = results.map(
  (r) =>
    `| ${r.scenario} | ${r.case} | ${r.rate ?? ""} | ${r.n ?? ""} | ${r.lost ?? ""} | ${r.p50 ?? ""} | ${r.p99 ?? ""} | ${r.max ?? ""} | ${r.achievedRate ?? ""} |`,
);
const markdown = `# Benchmark ${machine.date}\n\n${machine.cores} cores (${machine.cpu}), Node ${machine.node}, wrangler ${machine.wrangler}\n\n${header}\n${rows.join("\n")}\n`;
mkdirSync("bench/results", { recursive: true });
const stamp = machine.date.slice(0, 19).replaceAll(":", "-");
writeFileSync(`bench/results/${stamp}.json`, `${JSON.stringify({ machine, results }, null, 2)}\n`);
writeFileSync(`bench/results/${stamp}.md`, markdown);
console.log(markdown);
