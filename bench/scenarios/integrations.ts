import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { BenchContext } from "../lib/context";
import { openLoop } from "../lib/load";
import { Server } from "../lib/server";
import { summary } from "../lib/stats";
import { Arrivals, sleep } from "../lib/util";

/** How long after its POST a payment's event may take before the POST counts as late (the saga's, not the socket's). */
const POST_DEADLINE_MS = 10_000;
/** How long the saga gets, after a window, to finish what the window started. */
const DRAIN_MS = 60_000;

/**
 * The integrations path at 50 payments/s (`--integrations-rate`: another rate, reported but not
 * judged). Judged: the time from the ledger's commit of a payment's debit (its entry's `created_at`,
 * taken just before the ledger's transaction, so never late) to its `payment.succeeded` on the
 * user's live socket, over the payments the ledger committed while the load was offered; and that
 * no committed payment's event is missing from the socket once the saga has drained. Reported:
 * the same from the payment's status commit in D1, POST → event (the saga's own latency, judged by
 * the saga scenario), the commit → webhook delivery to a local receiver (http://127.0.0.1, admitted
 * by WEBHOOKS_ALLOW_LOCAL), and POST → event again in an equal window while the receiver takes 5 s
 * per delivery (a slow receiver must leave the saga's latency unchanged), then once more with the
 * fast receiver: the windows run one after another on a growing store, so the slow window is
 * compared with the fast ones before and after it.
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
    // Payment id → when its payment.succeeded reached the socket (epoch ms), and from its status commit.
    const onSocket = new Map<string, number>();
    const statusToSocket: number[] = [];
    // Payment id → when its event reached the socket (performance.now()), for the POST that made it.
    const pushedAt = new Arrivals<number>();
    sockets.push(
      await server.userLive(token, (message) => {
        if (message.type !== "event" || message.event.type !== "payment.succeeded") return;
        const id = message.event.data.transaction_id as string;
        pushedAt.arrive(id, performance.now());
        onSocket.set(id, Date.now());
        statusToSocket.push(Date.now() - Date.parse(message.event.data.updated_at));
      }),
    );
    const pay = (trace: number[], accepted: string[]) => async (i: number, scheduled: number) => {
      const walletId = wallets[i % wallets.length] ?? "";
      const started = performance.now();
      const res = await server.call("/v1/payment", {
        token,
        key: randomUUID(),
        body: { wallet_id: walletId, merchant: "bench", amount: "1.00" },
      });
      if (res.status !== 202) return false;
      const id: string = res.body.payment.transaction_id;
      accepted.push(id);
      const at = await pushedAt.wait(id, started + POST_DEADLINE_MS - performance.now());
      if (at === undefined) return false;
      trace.push(at - scheduled);
      return true;
    };
    /** Waits until every accepted payment's event is on the socket, or DRAIN_MS pass. */
    const drain = async (accepted: string[]) => {
      const deadline = Date.now() + DRAIN_MS;
      while (Date.now() < deadline && accepted.some((id) => !onSocket.has(id))) await sleep(200);
    };
    /** Payment id → its PAYMENT_OUT entry's `created_at` (epoch ms), from every wallet's history. */
    const committedAt = async () => {
      const at = new Map<string, number>();
      for (const walletId of wallets) {
        let cursor: string | null = null;
        do {
          const query: string = `type=PAYMENT_OUT&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
          const page = await server.must(`/v1/wallet/${walletId}/transactions?${query}`, { token });
          for (const t of page.transactions) if (t.reference_id) at.set(t.reference_id, Date.parse(t.created_at));
          cursor = page.next_cursor;
        } while (cursor);
      }
      return at;
    };
    for (let i = 0; i < 20; i++) await pay([], [])(i, performance.now());
    statusToSocket.length = 0;
    delivered.length = 0;

    const seconds = options.quick ? 4 : 10;
    const rate = options.integrationsRate;
    const load = `${rate}/s`;
    /** One window of payments at `rate`, followed until the saga drained: POST → event latencies, the ids accepted. */
    const paymentWindow = async () => {
      const latencies: number[] = [];
      const accepted: string[] = [];
      const stats = await openLoop(rate, seconds, pay(latencies, accepted));
      const endedAt = Date.now();
      await drain(accepted);
      return { latencies, accepted, stats, endedAt };
    };
    const { latencies: fast, accepted, stats, endedAt: to } = await paymentWindow();
    const ledger = await committedAt();
    // Ledger commit → socket, over the payments committed while the load was offered.
    const inWindow: number[] = [];
    const afterWindow: number[] = [];
    let missing = 0;
    let uncommitted = 0;
    for (const id of accepted) {
      const committed = ledger.get(id);
      const pushed = onSocket.get(id);
      if (committed === undefined) uncommitted++;
      else if (pushed === undefined) missing++;
      else (committed <= to ? inWindow : afterWindow).push(pushed - committed);
    }
    const judged = summary(inWindow);
    const status = summary(statusToSocket);
    const post = summary(fast);
    results.rows.push({
      scenario: "integrations",
      case: "ledger commit → payment.succeeded on the user socket (committed under load)",
      driver: options.driver,
      load,
      seconds,
      n: inWindow.length,
      lost: missing,
      p50: judged.p50,
      p99: judged.p99,
      max: judged.max,
      note:
        `${afterWindow.length} more committed while the saga drained: p50/p99 ${summary(afterWindow).p50}/${summary(afterWindow).p99} ms; ` +
        `${uncommitted} of ${accepted.length} accepted not committed ${DRAIN_MS / 1000} s after the window`,
    });
    results.rows.push({
      scenario: "integrations",
      case: "status commit (D1) → payment.succeeded on the user socket",
      driver: options.driver,
      load,
      n: statusToSocket.length,
      p50: status.p50,
      p99: status.p99,
    });
    results.rows.push({
      scenario: "integrations",
      case: "POST → payment.succeeded on the user socket (the saga's latency)",
      driver: options.driver,
      load,
      n: stats.n,
      lost: stats.lost,
      p50: post.p50,
      p99: post.p99,
      note: `lost: no event within ${POST_DEADLINE_MS / 1000} s of the POST (the saga's backlog)`,
    });
    results.verdicts.push({
      target: "ledger commit → user socket event at 50/s: p99 ≤ 300 ms, none missing",
      measured:
        `p50 ${judged.p50} ms, p99 ${judged.p99} ms over ${inWindow.length} payments committed under load; ` +
        `${missing} committed without their event on the socket; ${uncommitted} of ${accepted.length} not committed ${DRAIN_MS / 1000} s later` +
        `${rate === 50 ? "" : ` (at ${rate}/s, --integrations-rate)`}`,
      ok: rate === 50 && inWindow.length > 0 && (judged.p99 ?? Number.POSITIVE_INFINITY) <= 300 && missing === 0,
    });
    const hook = summary(delivered);
    results.rows.push({
      scenario: "integrations",
      case: "status commit → webhook delivered (local receiver)",
      load,
      n: delivered.length,
      p50: hook.p50,
      p99: hook.p99,
    });

    // An equal window with a receiver that takes 5 s per delivery, after the first one drained.
    receiverDelayMs = 5_000;
    const { latencies: slow, stats: slowStats } = await paymentWindow();
    const slowSummary = summary(slow);
    // And the fast receiver again: what the window's place in the run adds, without a slow receiver.
    receiverDelayMs = 0;
    const { latencies: after, stats: afterStats } = await paymentWindow();
    const afterSummary = summary(after);
    results.rows.push({
      scenario: "integrations",
      case: "POST → payment.succeeded on the user socket, 5 s webhook receiver",
      load,
      n: slowStats.n,
      lost: slowStats.lost,
      p50: slowSummary.p50,
      p99: slowSummary.p99,
      note:
        `equal windows with a fast receiver, before: p50/p99 ${post.p50}/${post.p99} ms, lost ${stats.lost}; ` +
        `after: p50/p99 ${afterSummary.p50}/${afterSummary.p99} ms, lost ${afterStats.lost}`,
    });
  } finally {
    for (const s of sockets) s.close();
    receiver.closeAllConnections();
    receiver.close();
    await server.stop();
  }
}
