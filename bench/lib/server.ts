import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from "wrangler";
import { processCpuMs, workerdChildren } from "./cpu";
import type { Driver } from "./options";
import { summary } from "./stats";
import { log, sleep } from "./util";
import { modulesOf, stoppables, workDir } from "./workspace";

/** Strong enough for the signup's password strength check. */
const BENCH_PASSWORD = "Quiet-Harbor-7-Lantern";
const JWT_SECRET = "bench-secret-bench-secret-bench-secret";
/** 32 bytes, base64: the integrations scenario creates webhook endpoints, whose secrets are sealed. */
const WEBHOOK_ENCRYPTION_KEY = "YmVuY2gtd2ViaG9vay1lbmNyeXB0aW9uLWtleS0zMmI=";

// The miniflare wrangler ships (its version matches the options wrangler produces and the workerd it runs).
const requireFromWrangler = createRequire(createRequire(import.meta.url).resolve("wrangler"));
const { Miniflare, Log, LogLevel, convertV4MiniflareOptions } = requireFromWrangler("miniflare");

export type RequestLog = { method: string; path: string; status: number; ms: number; request_id: string };

/** One Worker on a fresh Miniflare instance of its own, listening on 127.0.0.1 only. */
export class Server {
  readonly logs: RequestLog[] = [];
  private errorsShown = 0;
  /** The workerd process serving this instance (for CPU time per request), when it could be told apart. */
  pid: number | undefined;
  /** workerd's CPU use while idle (timers, queue polling), subtracted from per-request CPU. */
  idleCpuPerMs = 0;
  private constructor(
    readonly label: string,
    private readonly mf: any,
    readonly url: URL,
    private readonly persist: string,
    readonly driver: Driver,
  ) {}

  static async start(
    label: string,
    opts: { config: string; bundle: string; driver: Driver; d1?: boolean; inspectorPort?: number },
  ): Promise<Server> {
    const persist = mkdtempSync(join(workDir(), `state-${label}-`));
    const { workerOptions } = unstable_getMiniflareWorkerOptions(opts.config, "");
    const holder: { server?: Server } = {};
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        ...workerOptions,
        name: label,
        modulesRoot: opts.bundle,
        modules: modulesOf(opts.bundle),
        bindings: {
          ...(workerOptions.bindings as Record<string, unknown> | undefined),
          JWT_SECRET,
          WEBHOOK_ENCRYPTION_KEY,
          // Production's clock: the real time. The adjustable test clock (local, staging) reads its
          // offset from D1 on every money move, a sandbox cost production never pays.
          TEST_CLOCK: "false",
        },
        host: "127.0.0.1",
        port: 0,
        resourcePersistencePath: persist,
        cf: { colo: "LOC", country: "XX" },
        telemetry: { enabled: false },
        log: new Log(LogLevel.WARN),
        handleStructuredLogs: (entry: { level: string; message: string }) => holder.server?.onLog(entry),
        ...(opts.inspectorPort === undefined ? {} : { inspectorPort: opts.inspectorPort }),
      }),
    );
    const before = workerdChildren();
    const url: URL = await mf.ready;
    const server = new Server(label, mf, url, persist, opts.driver);
    const started = [...workerdChildren()].filter((pid) => !before.has(pid));
    server.pid = started.length === 1 ? started[0] : undefined;
    holder.server = server;
    stoppables.add(server);
    // The checkout's own migrations: a --compare tree's Worker gets the schema it was written for.
    if (opts.d1) await server.migrate(join(dirname(opts.config), "migrations"));
    return server;
  }

  /** What `wrangler d1 migrations apply` runs, statement by statement, through the D1 binding. */
  private async migrate(dir: string): Promise<void> {
    const db = await this.mf.getD1Database("DB");
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith(".sql"))
      .sort()) {
      const statements = unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8")).filter((s) => s.trim());
      if (statements.length) await db.batch(statements.map((s: string) => db.prepare(s)));
    }
  }

  private onLog(entry: { level: string; message: string }): void {
    const text = entry.message;
    if (text.startsWith('{"level"')) {
      try {
        const parsed = JSON.parse(text);
        if (parsed.msg === "request") {
          this.logs.push(parsed);
          if (parsed.level === "info") return;
        }
      } catch {
        // not one of ours
      }
    }
    if ((entry.level === "error" || entry.level === "warn") && this.errorsShown++ < 5) log(`[${this.label}] ${text.slice(0, 300)}`);
  }

  /** Measures the idle CPU rate over `ms` without requests. */
  async measureIdle(ms = 1000): Promise<void> {
    const start = processCpuMs(this.pid);
    const t = performance.now();
    await sleep(ms);
    const rate = (processCpuMs(this.pid) - start) / (performance.now() - t);
    this.idleCpuPerMs = Number.isFinite(rate) ? rate : 0;
  }

  async stop(): Promise<void> {
    stoppables.delete(this);
    await this.mf.dispose().catch(() => undefined);
    rmSync(this.persist, { recursive: true, force: true });
  }

  fetch(path: string, init: RequestInit = {}, driver: Driver = this.driver): Promise<Response> {
    if (driver === "dispatch") return this.mf.dispatchFetch(`http://127.0.0.1${path}`, init);
    return fetch(new URL(path, this.url), init);
  }

  /** A request whose body is read but not parsed (the hot loops): returns the status. */
  async hit(path: string, init: { token?: string; body?: unknown; key?: string } = {}, driver?: Driver): Promise<number> {
    const res = await this.fetch(path, requestInit(init), driver);
    await res.arrayBuffer();
    return res.status;
  }

  async call(
    path: string,
    init: { token?: string; body?: unknown; key?: string; method?: string } = {},
  ): Promise<{ status: number; body: any }> {
    const res = await this.fetch(path, requestInit(init));
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async must(path: string, init: { token?: string; body?: unknown; key?: string } = {}, status = 200): Promise<any> {
    const res = await this.call(path, init);
    if (res.status !== status) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body;
  }

  /** The live feed of a wallet (through dispatchFetch: it is the notification channel, not a measured path). */
  async live(walletId: string, token: string, onMessage: (message: any) => void): Promise<{ close(): void }> {
    const res = await this.mf.dispatchFetch(`http://127.0.0.1/v1/wallet/${walletId}/live`, {
      headers: { upgrade: "websocket", authorization: `Bearer ${token}` },
    });
    const ws = res.webSocket;
    if (!ws) throw new Error(`live feed answered ${res.status}`);
    ws.accept();
    ws.addEventListener("message", (event: { data: unknown }) => onMessage(JSON.parse(String(event.data))));
    return { close: () => ws.close(1000, "bench done") };
  }

  /** The user's live feed (`GET /v1/live`): every business event and notification of every wallet. */
  async userLive(token: string, onMessage: (message: any) => void): Promise<{ close(): void }> {
    const res = await this.mf.dispatchFetch("http://127.0.0.1/v1/live", {
      headers: { upgrade: "websocket", authorization: `Bearer ${token}` },
    });
    const ws = res.webSocket;
    if (!ws) throw new Error(`user live feed answered ${res.status}`);
    ws.accept();
    ws.addEventListener("message", (event: { data: unknown }) => onMessage(JSON.parse(String(event.data))));
    return { close: () => ws.close(1000, "bench done") };
  }

  /**
   * A user written straight to D1 (no PBKDF2) and a session the Worker's own `startSession` starts,
   * with its token: only on a server running bench/scale-entry.ts, which adds the route.
   */
  async mintSession(userId: string = randomUUID()): Promise<string> {
    return (await this.must("/__bench/session", { body: { user_id: userId } })).token;
  }

  async signup(email: string): Promise<{ token: string; userId: string }> {
    const body = await this.must("/v1/auth/signup", { body: { email, password: BENCH_PASSWORD } }, 201);
    return { token: body.token, userId: body.user.user_id };
  }

  async wallet(token: string): Promise<string> {
    return (await this.must("/v1/wallet", { token, body: {} }, 201)).wallet.wallet_id;
  }

  /** The Worker's own `ms` for the requests logged from index `from` on whose path matches. */
  workerTimes(from: number, path: RegExp): { worker_p50: number; worker_p99: number } | Record<string, never> {
    const ms = this.logs
      .slice(from)
      .filter((l) => path.test(l.path))
      .map((l) => l.ms);
    if (ms.length === 0) return {};
    const s = summary(ms);
    return { worker_p50: s.p50, worker_p99: s.p99 };
  }
}

export function requestInit(init: { token?: string; body?: unknown; key?: string; method?: string }): RequestInit {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.key) headers["idempotency-key"] = init.key;
  return {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  };
}
