/**
 * A V8 CPU profile of the API Worker under one load, taken through workerd's inspector: where the
 * CPU of a request goes, by function, self and total. Closed loop for the credit scenario's
 * requests; `payment` runs the saga at 30/s, each round drained. `--cpu`: CPU per request (or per
 * payment) without the profiler, the credits beside the bare floors of bench/baseline.
 * `--in-isolate`: what one request costs inside the Worker's isolate (each case handled many times in
 * a row by the Worker's own fetch handler, bench/lib/in-isolate.ts), the bare floors beside it, and
 * the credit route's ledger call alone: no HTTP server or load generator shares the measured time.
 *
 *   npx tsx bench/profile.ts [credit|credit-keyed|health|wallet|payment] [--seconds=5] [--top=40] [--cpu]
 *   npx tsx bench/profile.ts --in-isolate [--rounds=7] [--calls=300]
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { processCpuMs } from "./lib/cpu";
import type { LoopSpec } from "./lib/in-isolate";
import { closedLoop, openLoop } from "./lib/load";
import { Server } from "./lib/server";
import { pct } from "./lib/stats";
import { sleep } from "./lib/util";
import { build, cleanup } from "./lib/workspace";

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: "string", default: "5" },
    top: { type: "string", default: "40" },
    rounds: { type: "string", default: "7" },
    calls: { type: "string", default: "300" },
    cpu: { type: "boolean", default: false },
    "in-isolate": { type: "boolean", default: false },
  },
});
const whole = (name: "seconds" | "top" | "rounds" | "calls") => {
  const n = Number(flags[name]);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} expects a positive whole number, got ${flags[name]}`);
  return n;
};
const what = positionals[0] ?? "credit";
const seconds = whole("seconds");
const top = whole("top");
const rounds = whole("rounds");
const calls = whole("calls");
const INSPECTOR = 9329;

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

async function inspector(): Promise<(method: string, params?: object) => Promise<any>> {
  const list = (await (await fetch(`http://127.0.0.1:${INSPECTOR}/json/list`)).json()) as { webSocketDebuggerUrl: string; title: string }[];
  const target = list.find((t) => t.title.includes("profile")) ?? list[0];
  if (!target) throw new Error("no inspector target");
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 1;
  const waiting = new Map<number, (value: any) => void>();
  ws.onmessage = (event) => {
    const message = JSON.parse(String(event.data));
    if (message.id) waiting.get(message.id)?.(message.result);
  };
  return (method, params = {}) =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
}

function report(profile: Profile): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const label = (n: Node) => {
    const file = n.callFrame.url.split("/").pop() ?? "";
    return `${n.callFrame.functionName || "(anonymous)"} ${file}:${n.callFrame.lineNumber + 1}`;
  };
  const selfBy = new Map<string, number>();
  const totalBy = new Map<string, number>();
  let all = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    all += us;
    selfBy.set(label(node), (selfBy.get(label(node)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const l = label(byId.get(at)!);
      if (seen.has(l)) continue;
      seen.add(l);
      totalBy.set(l, (totalBy.get(l) ?? 0) + us);
    }
  }
  const idle = selfBy.get("(idle) :0") ?? 0;
  const busy = all - idle;
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .filter(([l]) => l !== "(idle) :0" && l !== "(root) :0")
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([l, us]) => `${((us / busy) * 100).toFixed(1).padStart(5)}%  ${l}`)
      .join("\n");
  return `busy ${(busy / 1000).toFixed(0)} ms of ${(all / 1000).toFixed(0)} ms sampled\n\nSELF\n${rows(selfBy)}\n\nTOTAL\n${rows(totalBy)}\n`;
}

/** Runs `load` under the V8 profiler and prints its stats and where the CPU went. */
async function profiled(what: string, load: () => Promise<object>): Promise<void> {
  const send = await inspector();
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 50 });
  await send("Profiler.start");
  const stats = await load();
  const { profile } = await send("Profiler.stop");
  writeFileSync(`/tmp/profile-${what}.cpuprofile`, JSON.stringify(profile));
  console.log(`${what}: ${JSON.stringify(stats)}\n${report(profile)}`);
}

/** `--in-isolate`: µs per request of each case, median over rounds (see the module comment). */
async function inIsolate(server: Server, token: string, userId: string, wallet: string): Promise<void> {
  const baseline = await Server.start("profile-baseline", {
    config: "bench/baseline/wrangler.toml",
    bundle: build("baseline", "bench/baseline/wrangler.toml"),
    driver: "http",
  });
  try {
    const auth = { authorization: `Bearer ${token}` };
    const credit = { method: "POST", path: `/v1/wallet/${wallet}/credit`, headers: auth, body: { amount: "1.00" } };
    const cases: { name: string; server: Server; path: string; spec?: LoopSpec }[] = [
      {
        name: "bare DO credit (bench/baseline)",
        server: baseline,
        path: "/__loop",
        spec: { method: "POST", path: "/credit/hot", body: { amount: 100 } },
      },
      {
        name: "bare two-object credit",
        server: baseline,
        path: "/__loop",
        spec: { method: "POST", path: "/keyed-credit/hot", body: { amount: 100 }, freshKey: true },
      },
      { name: "GET /v1/health", server, path: "/__bench/loop", spec: { method: "GET", path: "/v1/health" } },
      { name: "GET /v1/wallet/{id}", server, path: "/__bench/loop", spec: { method: "GET", path: `/v1/wallet/${wallet}`, headers: auth } },
      { name: "the credit route's ledger call alone", server, path: `/__bench/ledger-credit?wallet=${wallet}&user=${userId}` },
      { name: "credit without Idempotency-Key", server, path: "/__bench/loop", spec: credit },
      { name: "credit with Idempotency-Key", server, path: "/__bench/loop", spec: { ...credit, freshKey: true } },
    ];
    const perCall = new Map<string, number[]>();
    for (let round = 0; round <= rounds; round++) {
      // Round 0 warms up and checks that every case answers as it should.
      const n = round === 0 ? 20 : calls;
      for (const c of cases) {
        const url = `${c.path}${c.path.includes("?") ? "&" : "?"}n=${n}`;
        const t = performance.now();
        const res = await c.server.fetch(url, { method: "POST", body: JSON.stringify(c.spec ?? {}) });
        const answer = await res.text();
        const us = ((performance.now() - t) / n) * 1000;
        if (round === 0) {
          if (res.status !== 200 || /"[^2]\d\d"/.test(answer)) throw new Error(`${c.name}: ${res.status} ${answer}`);
          continue;
        }
        perCall.set(c.name, [...(perCall.get(c.name) ?? []), us]);
      }
    }
    for (const list of perCall.values()) list.sort((a, b) => a - b);
    const median = (name: string) => pct(perCall.get(name) ?? [], 50);
    for (const c of cases) {
      const sorted = perCall.get(c.name) ?? [];
      console.log(
        `${c.name.padEnd(40)} ${median(c.name).toFixed(0).padStart(5)} µs  (${sorted[0]?.toFixed(0)}–${sorted.at(-1)?.toFixed(0)})`,
      );
    }
    const share = (floor: string, route: string) => `${Math.round((median(floor) / median(route)) * 100)}%`;
    console.log(
      `credit without key: ${share("bare DO credit (bench/baseline)", "credit without Idempotency-Key")} of the bare credit; ` +
        `with a key: ${share("bare two-object credit", "credit with Idempotency-Key")} of the bare two-object credit ` +
        `(in the isolate, no HTTP; median of ${rounds} rounds of ${calls} calls)`,
    );
  } finally {
    await baseline.stop();
  }
}

async function main() {
  const bundle = build("bench", "wrangler.toml", "bench/scale-entry.ts");
  const server = await Server.start("profile", {
    config: "wrangler.toml",
    bundle,
    driver: "http",
    d1: true,
    ...(flags.cpu || flags["in-isolate"] ? {} : { inspectorPort: INSPECTOR }),
  });
  try {
    const { token, userId } = await server.signup("bench-profile@example.com");
    const wallet = await server.wallet(token);
    if (flags["in-isolate"]) return await inIsolate(server, token, userId, wallet);
    const ops: Record<string, () => Promise<boolean>> = {
      credit: async () => (await server.hit(`/v1/wallet/${wallet}/credit`, { token, body: { amount: "1.00" } })) === 200,
      "credit-keyed": async () =>
        (await server.hit(`/v1/wallet/${wallet}/credit`, { token, body: { amount: "1.00" }, key: randomUUID() })) === 200,
      health: async () => (await server.hit("/v1/health")) === 200,
      wallet: async () => (await server.hit(`/v1/wallet/${wallet}`, { token })) === 200,
      // The payment saga's whole path runs in this isolate: the POST, the queue consumers, the ledger.
      payment: async () =>
        (await server.hit("/v1/payment", {
          token,
          body: { wallet_id: wallet, merchant: "profile", amount: "0.01" },
          key: randomUUID(),
        })) === 202,
    };
    const op = ops[what];
    if (!op) throw new Error(`unknown: ${what}`);
    if (what === "payment") {
      await server.must(`/v1/wallet/${wallet}/credit`, { token, body: { amount: "1000000.00" } });
      // The saga at a rate it keeps up with (closed-loop POSTs would outrun their consumers), and
      // its CPU per payment: the POST and every consumer, ledger and D1 step after it, drained.
      const PAYMENT_RATE = 30;
      const paymentRound = async () => {
        const start = processCpuMs(server.pid);
        const t = performance.now();
        const stats = await openLoop(PAYMENT_RATE, seconds, () => op());
        await sleep(3_000);
        const cpu = processCpuMs(server.pid) - start - server.idleCpuPerMs * (performance.now() - t);
        return { stats, cpuPerPayment: Math.round((cpu / Math.max(1, stats.n ?? 0)) * 100) / 100 };
      };
      await paymentRound(); // warm
      if (flags.cpu) {
        await server.measureIdle();
        for (let i = 0; i < 3; i++) {
          const { stats, cpuPerPayment } = await paymentRound();
          console.log(
            `payment at ${PAYMENT_RATE}/s: ${cpuPerPayment} ms of workerd CPU per payment (p50 ${stats.p50}, p99 ${stats.p99} ms)`,
          );
        }
        return;
      }
      await profiled(what, async () => (await paymentRound()).stats);
      return;
    }
    await closedLoop(2, op, server); // warm
    if (flags.cpu) {
      // CPU per request only, without the profiler's overhead, in rounds beside the bare credits.
      const baseline = await Server.start("profile-baseline", {
        config: "bench/baseline/wrangler.toml",
        bundle: build("baseline", "bench/baseline/wrangler.toml"),
        driver: "http",
      });
      const bare = async () => (await baseline.hit("/credit/hot", { body: { amount: 100 } })) === 200;
      const keyed = async () => (await baseline.hit("/keyed-credit/hot", { body: { amount: 100 }, key: randomUUID() })) === 200;
      await closedLoop(1, bare, baseline);
      await closedLoop(1, keyed, baseline);
      await server.measureIdle();
      await baseline.measureIdle();
      for (let i = 0; i < 3; i++) {
        const b = (await closedLoop(seconds, bare, baseline)).server_cpu_ms;
        const k = (await closedLoop(seconds, keyed, baseline)).server_cpu_ms;
        const a = (await closedLoop(seconds, op, server)).server_cpu_ms;
        console.log(
          `bare ${b}  two-object ${k}  ${what} ${a}  → ${Math.round((b / a) * 100)}% of bare, ${Math.round((k / a) * 100)}% of two-object`,
        );
      }
      await baseline.stop();
      return;
    }
    await profiled(what, async () => {
      const { latencies: _, ...stats } = await closedLoop(seconds, op, server);
      return stats;
    });
  } finally {
    await server.stop();
    await cleanup();
  }
}

await main();
