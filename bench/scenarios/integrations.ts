import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { BenchContext } from "../lib/context";
import { openLoop } from "../lib/load";
import { Server } from "../lib/server";
import { summary } from "../lib/stats";

/**
 * The integrations path at 50 payments/s (`--integrations-rate`: another rate, reported but not judged): the time from the payment's status commit (its
 * `updated_at`, written just before the UPDATE) to the `payment.succeeded` event on the user's live
 * socket; the time from that commit to a local webhook receiver (http://127.0.0.1, admitted by
 * WEBHOOKS_ALLOW_LOCAL); and POST → event on the socket again while the receiver takes 5 s per
 * delivery (a slow receiver must leave the saga's latency unchanged).
 */
export async function integrations({ options, results, bundle }: BenchContext): Promise<void> {
  const server = await Server.start("integrations", { config: "wrangler.toml", bundle: bundle("api"), driver: options.driver, d1: true });
  let receiverDelayMs = 0;
  const delivered: number[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = Date.now();
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        if (receiverDelayMs === 0) delivered.push(at - Date.parse(event.data.updated_at));
      } catch {
        // not an event
      }
      setTimeout(() => res.writeHead(204).end(), receiverDelayMs);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const sockets: { close(): void }[] = [];
  try {
    const { token } = await server.signup("bench-integrations@example.com");
    const wallets: string[] = [];
    for (let i = 0; i < 10; i++) {
      const id = await server.wallet(token);
      await server.must(`/v1/wallet/${id}/credit`, { token, body: { amount: "1000000.00" } });
      wallets.push(id);
    }
    const port = (receiver.address() as AddressInfo).port;
    await server.must("/v1/webhooks", { token, body: { url: `http://127.0.0.1:${port}/`, events: ["payment.succeeded"] } }, 201);
    const commitToSocket: number[] = [];
    const waiting = new Map<string, (at: number) => void>();
    // Events that arrived before their POST's answer did.
    const arrived = new Map<string, number>();
    sockets.push(
      await server.userLive(token, (message) => {
        if (message.type !== "event" || message.event.type !== "payment.succeeded") return;
        const at = performance.now();
        commitToSocket.push(Date.now() - Date.parse(message.event.data.updated_at));
        const id = message.event.data.transaction_id as string;
        const waiter = waiting.get(id);
        if (waiter) {
          waiting.delete(id);
          waiter(at);
        } else arrived.set(id, at);
      }),
    );
    const pay = (trace: number[]) => async (i: number, scheduled: number) => {
      const walletId = wallets[i % wallets.length] ?? "";
      const pushed = new Promise<number>((resolve) => {
        const timer = setTimeout(() => resolve(Number.NaN), 10_000);
        const key = randomUUID();
        void server.call("/v1/payment", { token, key, body: { wallet_id: walletId, merchant: "bench", amount: "1.00" } }).then((res) => {
          if (res.status !== 202) return resolve(Number.NaN);
          const id: string = res.body.payment.transaction_id;
          const early = arrived.get(id);
          if (early !== undefined) {
            arrived.delete(id);
            clearTimeout(timer);
            return resolve(early);
          }
          waiting.set(id, (at) => {
            clearTimeout(timer);
            resolve(at);
          });
        });
      });
      const at = await pushed;
      if (!Number.isFinite(at)) return false;
      trace.push(at - scheduled);
      return true;
    };
    for (let i = 0; i < 20; i++) await pay([])(i, performance.now());
    commitToSocket.length = 0;
    delivered.length = 0;

    const seconds = options.quick ? 4 : 20;
    const fast: number[] = [];
    const rate = options.integrationsRate;
    const load = `${rate}/s`;
    const stats = await openLoop(rate, seconds, pay(fast));
    const socket = summary(commitToSocket);
    results.rows.push({
      scenario: "integrations",
      case: "status commit → payment.succeeded on the user socket",
      driver: options.driver,
      load,
      seconds,
      n: commitToSocket.length,
      lost: stats.lost,
      p50: socket.p50,
      p99: socket.p99,
      note: `POST → event on socket p50/p99 ${summary(fast).p50}/${summary(fast).p99} ms (ms clock of the commit)`,
    });
    results.verdicts.push({
      target: "commit → user socket event at 50/s: p99 ≤ 300 ms",
      measured: `p50 ${socket.p50} ms, p99 ${socket.p99} ms, lost ${stats.lost}/${stats.n}${rate === 50 ? "" : ` (at ${rate}/s, --integrations-rate)`}`,
      ok: rate === 50 && (socket.p99 ?? Number.POSITIVE_INFINITY) <= 300 && stats.lost === 0,
    });
    await new Promise((r) => setTimeout(r, 2_000));
    const hook = summary(delivered);
    results.rows.push({
      scenario: "integrations",
      case: "status commit → webhook delivered (local receiver)",
      load,
      n: delivered.length,
      p50: hook.p50,
      p99: hook.p99,
    });

    receiverDelayMs = 5_000;
    const slow: number[] = [];
    const slowStats = await openLoop(rate, options.quick ? 4 : 10, pay(slow));
    const slowSummary = summary(slow);
    results.rows.push({
      scenario: "integrations",
      case: "POST → event on socket with a 5 s webhook receiver",
      load,
      n: slow.length,
      lost: slowStats.lost,
      p50: slowSummary.p50,
      p99: slowSummary.p99,
      note: `without the slow receiver: p50/p99 ${summary(fast).p50}/${summary(fast).p99} ms`,
    });
  } finally {
    for (const s of sockets) s.close();
    receiver.closeAllConnections();
    receiver.close();
    await server.stop();
  }
}
