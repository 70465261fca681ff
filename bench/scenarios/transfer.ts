import { randomUUID } from "node:crypto";
import type { BenchContext } from "../lib/context";
import { openLoop, serial } from "../lib/load";
import { budgetVerdict, DEADLINE_MS, followLate, fundedWallets, rateLadder, withCpu } from "../lib/saga-load";
import { Server } from "../lib/server";
import { summary } from "../lib/stats";
import { Arrivals } from "../lib/util";

/** Manual-capture payments authorized and captured per second in the hold → capture windows. */
const HOLD_RATE = 20;

/**
 * POST /v1/transfers → COMPLETED at 50/s (`--transfer-rate`: another rate, reported but not judged),
 * between the wallets of two users (each wallet sends to a wallet of the other user and receives from
 * one), then rising rates until one is not sustained, like the saga scenario. COMPLETED is the
 * `transfer.sent` business event on the sender's live socket: it is pushed after the transfer's
 * COMPLETED status commits in D1 (what a client waiting on the transfer sees), and one GET after it,
 * outside the measured time, confirms D1 holds that status. Reported beside it: the recipient's
 * credit (its TRANSFER_IN on the wallet's live feed) and `transfer.received` on the recipient's socket.
 *
 * Then hold → capture: manual-capture payments (`capture: "manual"`) authorized at 20/s (POST →
 * `payment.authorized` on the socket), and `POST /v1/payment/{id}/capture` → 200 SUCCESSFUL timed
 * one at a time and at 20/s open loop.
 */
export async function transfer({ options, results, bundle }: BenchContext): Promise<void> {
  const server = await Server.start("transfer", { config: "wrangler.toml", bundle: bundle("api"), driver: options.driver, d1: true });
  const sockets: { close(): void }[] = [];
  try {
    const perUser = 10;
    const { wallets, tokens, token } = await fundedWallets(
      server,
      ["bench-transfer-1@example.com", "bench-transfer-2@example.com"],
      perUser,
    );
    // Wallet j sends to the same-numbered wallet of the next user.
    const recipientOf = (j: number) => wallets[(j + perUser) % wallets.length] ?? "";

    // transfer id → when the recipient's TRANSFER_IN (the saga's credit) reached its wallet feed.
    const credited = new Arrivals<number>();
    for (const id of wallets) {
      sockets.push(
        await server.live(id, token(id), (message) => {
          if (message.type !== "transaction" || message.transaction.type !== "TRANSFER_IN") return;
          credited.arrive(message.transaction.reference_id as string, performance.now());
        }),
      );
    }
    // transfer id → its terminal event on the sender's socket; → transfer.received on the recipient's;
    // payment id → payment.authorized (the hold is placed and D1 says AUTHORIZED).
    const completed = new Arrivals<{ at: number; status: string; serverMs: number }>();
    const received = new Arrivals<number>();
    const authorized = new Arrivals<number>();
    for (const userToken of tokens) {
      sockets.push(
        await server.userLive(userToken, (message) => {
          if (message.type !== "event") return;
          const { type, data } = message.event;
          if (type === "transfer.sent" || type === "transfer.reversed") {
            completed.arrive(data.transfer_id, {
              at: performance.now(),
              status: data.status,
              serverMs: Date.parse(data.completed_at) - Date.parse(data.created_at),
            });
          } else if (type === "transfer.received") received.arrive(data.transfer_id, performance.now());
          else if (type === "payment.authorized") authorized.arrive(data.transaction_id, performance.now());
        }),
      );
    }

    /** Transfers not COMPLETED within the deadline: followed after the ladder to tell slow from lost. */
    const late: string[] = [];
    const senderOf = new Map<string, string>();
    type Trace = {
      created: number[];
      credit: number[];
      creditToCompleted: number[];
      received: number[];
      server: number[];
      checks: Promise<void>[];
      mismatched: number;
    };
    const newTrace = (): Trace => ({ created: [], credit: [], creditToCompleted: [], received: [], server: [], checks: [], mismatched: 0 });
    const transferOnce = (trace: Trace) => async (i: number, scheduled: number) => {
      const j = i % wallets.length;
      const from = wallets[j] ?? "";
      const res = await server.call("/v1/transfers", {
        token: token(from),
        key: randomUUID(),
        body: { from_wallet_id: from, to_wallet_id: recipientOf(j), amount: "1.00" },
      });
      if (res.status !== 201) return false;
      trace.created.push(performance.now() - scheduled);
      const id: string = res.body.transfer.transfer_id;
      senderOf.set(id, from);
      const deadline = scheduled + DEADLINE_MS;
      const credit = await credited.wait(id, deadline - performance.now());
      if (credit !== undefined) trace.credit.push(credit - scheduled);
      const done = await completed.wait(id, deadline - performance.now());
      if (!done) {
        late.push(id);
        return false;
      }
      // One read, outside the measured time, confirms that what was pushed is what D1 holds; the
      // recipient's transfer.received (same batch as transfer.sent) is collected beside it.
      trace.checks.push(
        server.call(`/v1/transfers/${id}`, { token: token(from) }).then((got) => {
          if (got.body?.transfer?.status !== done.status) trace.mismatched++;
        }),
        received.wait(id, deadline - performance.now()).then((seen) => {
          if (seen !== undefined) trace.received.push(seen - scheduled);
        }),
      );
      if (done.status !== "COMPLETED") return false;
      trace.server.push(done.serverMs);
      if (credit !== undefined) trace.creditToCompleted.push(done.at - credit);
      return true;
    };

    // Warm the whole path (both queue hops, the outbox drains, D1) before measuring.
    const warm = newTrace();
    for (let i = 0; i < 20; i++) await transferOnce(warm)(i, performance.now());
    await server.measureIdle();

    const run = async (rate: number, seconds: number) => {
      const trace = newTrace();
      const mark = server.logs.length;
      const stats = await withCpu(server, async () => {
        const window = await openLoop(rate, seconds, transferOnce(trace));
        await Promise.all(trace.checks);
        return window;
      });
      const created = summary(trace.created);
      const credit = summary(trace.credit);
      const settle = summary(trace.creditToCompleted);
      const seen = summary(trace.received);
      const srv = summary(trace.server);
      results.rows.push({
        scenario: "transfer",
        case: "POST /transfers → COMPLETED (transfer.sent on the sender's socket)",
        driver: options.driver,
        ...stats,
        ...server.workerTimes(mark, /^\/v1\/transfers$/),
        note:
          `201 p50/p99 ${created.p50}/${created.p99}; recipient credited (TRANSFER_IN live push) p50/p99 ${credit.p50}/${credit.p99}; ` +
          `credit → COMPLETED p50/p99 ${settle.p50}/${settle.p99}; ` +
          `transfer.received on the recipient's socket p50/p99 ${seen.p50}/${seen.p99}; created_at→completed_at p50/p99 ${srv.p50}/${srv.p99}; ` +
          `${trace.mismatched} not matching a GET after it; send lag p99 ${stats.sendLagP99}`,
      });
      return stats;
    };

    const first = options.transferRate;
    const { atFirst, best } = await rateLadder(results, "transfer", { first, quick: options.quick }, run);
    results.verdicts.push(
      budgetVerdict("transfer POST → COMPLETED at 50/s: p50 ≤ 30 ms, p99 ≤ 150 ms, none lost", atFirst, first, "--transfer-rate"),
    );
    results.verdicts.push({ target: "transfers: highest rate sustained (report only)", measured: `${best}/s`, ok: null });
    results.extra.transferBestRate = best;
    results.extra.transferLate = await followLate(results, "transfer", "transfers", late, async (id) => {
      const status = (await server.call(`/v1/transfers/${id}`, { token: token(senderOf.get(id) ?? "") })).body?.transfer?.status;
      return status === "COMPLETED" || status === "REVERSED";
    });

    // Hold → capture. Authorizations first (open loop), then their captures.
    const serialWarmup = 10;
    const serialSamples = options.quick ? 20 : 50;
    const captureSeconds = options.quick ? 2 : 5;
    const needed = serialWarmup + serialSamples + HOLD_RATE * captureSeconds;
    const holds: { id: string; wallet: string }[] = [];
    const authorizing = await withCpu(server, () =>
      openLoop(HOLD_RATE, needed / HOLD_RATE, async (i, scheduled) => {
        const wallet = wallets[i % wallets.length] ?? "";
        const res = await server.call("/v1/payment", {
          token: token(wallet),
          key: randomUUID(),
          body: { wallet_id: wallet, merchant: "bench", amount: "1.00", capture: "manual" },
        });
        if (res.status !== 202) return false;
        const id: string = res.body.payment.transaction_id;
        if ((await authorized.wait(id, scheduled + DEADLINE_MS - performance.now())) === undefined) return false;
        holds.push({ id, wallet });
        return true;
      }),
    );
    results.rows.push({
      scenario: "transfer",
      case: "POST /payment (capture: manual) → AUTHORIZED (payment.authorized on the socket)",
      driver: options.driver,
      ...authorizing,
      note: `the holds the capture rows below capture; send lag p99 ${authorizing.sendLagP99}`,
    });
    let next = 0;
    const capture = async () => {
      const hold = holds[next++];
      if (!hold) return false;
      const res = await server.call(`/v1/payment/${hold.id}/capture`, { token: token(hold.wallet), key: randomUUID(), body: {} });
      return res.status === 200 && res.body?.payment?.status === "SUCCESSFUL";
    };
    let mark = server.logs.length;
    const oneByOne = await serial(serialSamples, capture, serialWarmup);
    results.rows.push({
      scenario: "transfer",
      case: "hold → capture: POST /payment/{id}/capture → 200 SUCCESSFUL",
      driver: options.driver,
      load: "serial",
      ...oneByOne,
      ...server.workerTimes(mark, /\/capture$/),
    });
    mark = server.logs.length;
    const atRate = await withCpu(server, () => openLoop(HOLD_RATE, captureSeconds, capture));
    results.rows.push({
      scenario: "transfer",
      case: "hold → capture: POST /payment/{id}/capture → 200 SUCCESSFUL",
      driver: options.driver,
      ...atRate,
      ...server.workerTimes(mark, /\/capture$/),
      note: `send lag p99 ${atRate.sendLagP99}`,
    });
    results.verdicts.push({
      target: "hold → capture: POST /payment/{id}/capture → 200 SUCCESSFUL (report only)",
      measured:
        `serial p50 ${oneByOne.p50} ms, p99 ${oneByOne.p99} ms; at ${HOLD_RATE}/s p50 ${atRate.p50} ms, p99 ${atRate.p99} ms, ` +
        `failed ${atRate.lost}/${atRate.n}; authorization (POST → AUTHORIZED) at ${HOLD_RATE}/s p50 ${authorizing.p50} ms, p99 ${authorizing.p99} ms`,
      ok: null,
    });
    results.extra.holdCapture = { authorize: authorizing, serial: oneByOne, atRate };
  } finally {
    for (const s of sockets) s.close();
    await server.stop();
  }
}
