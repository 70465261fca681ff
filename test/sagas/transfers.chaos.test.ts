/**
 * Saga 5 (transfers) under chaos, one run per seed: several people send money between their own
 * wallets, to each other's wallets and to each other's email, with Idempotency-Key repeats (some
 * concurrent), while the saga's messages are shuffled, duplicated and failed before or after their
 * effect (the credit consumer and the outcome consumer alike) and every Durable Object is evicted,
 * between deliveries and in the middle of one. Some transfers are singled out:
 * - `lost`: the debit committed but its TRANSFER_REQUESTED never arrives (a local queue restarted
 *   between the debit and the credit); only the saga sweep can finish it;
 * - `unrecorded`: the request crashed after the debit and before writing its D1 record; the saga's
 *   own delivery must record it;
 * - `doomed`: the credit can never be made, so the request dead-letters and the transfer is REVERSED.
 * At checkpoints taken mid-flight the conservation proof balances, its `in_transit` is exactly the
 * money that left a sender and has not landed, and no transfer has more than one effect per side. At
 * the end every transfer is terminal, the balances add up to what was deposited, every wallet's hash
 * chain verifies, and reconciliation finds nothing.
 */
import { env, evictAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { reconcile } from "../../workers/admin/reconciliation";
import { verifyChain } from "../../workers/domain/ledger-hash";
import { parseCents } from "../../workers/domain/money";
import { consumerFaults, queueTap } from "../../workers/events";
import type { EventOf } from "../../workers/lib/events";
import { api, centsToString, createWallet, signup, signupAdmin, type TestUser } from "../helpers/api";
import { ChaosQueue, rng } from "../helpers/saga";
import { ledger, transactionsOf } from "../helpers/wallet";

const SEEDS = [1, 2, 3, 4, 5];
const USERS = 3;
const WALLETS_PER_USER = 2;
const START_CENTS = 30_000;
const TRANSFERS = 48;
const CHECK_EVERY = 6;

type Fate = "plain" | "lost" | "unrecorded" | "doomed";
/** A fixed share of each fate (a quarter of the transfers), so every seed exercises all of them. */
const FATES: readonly Fate[] = [
  "plain",
  "plain",
  "lost",
  "plain",
  "plain",
  "doomed",
  "plain",
  "plain",
  "unrecorded",
  "plain",
  "plain",
  "plain",
];

type Wallet = { id: string; owner: TestUser };
type Transfer = { id: string; from: string; to: string; amount: number; fate: Fate };
type Side = { count: number; amount: number };

const history = async (user: TestUser, walletId: string) => (await transactionsOf<{ hash: string }>(user, walletId)).reverse();

async function runTransferChaos(seed: number) {
  // The workload has its own stream, so what is sent does not depend on how the queue was shuffled.
  const random = rng(seed);
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const admin = await signupAdmin();
  const users: TestUser[] = [];
  const wallets: Wallet[] = [];
  for (let u = 0; u < USERS; u++) {
    const owner = await signup();
    users.push(owner);
    // The first wallet created is the one money sent to the owner's email goes to.
    for (let w = 0; w < WALLETS_PER_USER; w++) wallets.push({ id: await createWallet(owner, START_CENTS), owner });
  }
  const walletsOf = (user: TestUser) => wallets.filter((w) => w.owner === user);
  const proof = async () => {
    const res = await api("/admin/ledger", { token: admin.token });
    expect(res.status).toBe(200);
    return res.body as { difference: string; in_transit: string };
  };
  const baseline = parseCents((await proof()).in_transit);

  const transfers: Transfer[] = [];
  const fates = new Map<string, Fate>();
  const stats = { lost: 0, unrecorded: 0, doomed: 0, repeatedRequests: 0, midDeliveryEvictions: 0, sweeps: 0 };
  const queue = new ChaosQueue(rng(seed * 7919 + 1), {
    failureRate: 0.15,
    duplicateRate: 0.15,
    evictEvery: 10,
    walletIds: () => wallets.map((w) => w.id),
  });
  queue.install();
  // The test's own faults, layered over the chaos queue's. A transfer's fate travels in its
  // description, which the request carries: known before the debit, so no race with the outbox.
  const enqueue = queueTap.capture!;
  const dropped = new Set<string>();
  queueTap.capture = (name, body) => {
    const event = body as Partial<EventOf<"TRANSFER_REQUESTED">>;
    const id = event.payload?.transfer_id;
    if (event.type === "TRANSFER_REQUESTED" && id && fates.get(event.payload?.description ?? "") === "lost" && !dropped.has(id)) {
      dropped.add(id);
      stats.lost++;
      return;
    }
    enqueue(name, body);
  };
  const chaosFaults = consumerFaults.inject!;
  consumerFaults.inject = (point, subscriber, event) => {
    // dispatch() hands the whole event to the seam.
    const description = (event as EventOf<"TRANSFER_REQUESTED">).payload?.description ?? "";
    if (point === "before" && subscriber === "wallet.transfer-credit" && fates.get(description) === "doomed") {
      throw new Error("injected consumer failure (the recipient's credit can never be made)");
    }
    return chaosFaults(point, subscriber, event);
  };

  try {
    const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(",");
    const records = async () => {
      const ids = transfers.map((t) => t.id);
      const out = new Map<string, { status: string; from: string; to: string; amount: number }>();
      for (let i = 0; i < ids.length; i += 90) {
        const chunk = ids.slice(i, i + 90);
        const { results } = await env.DB.prepare(
          `SELECT transfer_id, status, from_wallet_id, to_wallet_id, amount_cents FROM transfers WHERE transfer_id IN (${placeholders(chunk.length)})`,
        )
          .bind(...chunk)
          .all<{ transfer_id: string; status: string; from_wallet_id: string; to_wallet_id: string; amount_cents: number }>();
        for (const r of results)
          out.set(r.transfer_id, { status: r.status, from: r.from_wallet_id, to: r.to_wallet_id, amount: r.amount_cents });
      }
      return out;
    };
    /** Every saga entry of every wallet of this run, by `wallet|type|reference`. */
    const sides = async () => {
      const out = new Map<string, Side>();
      for (const w of wallets) {
        for (const e of await ledger(w.id).sagaEntries())
          out.set(`${w.id}|${e.type}|${e.reference_id}`, { count: e.count, amount: e.amount });
      }
      return (walletId: string, type: string, id: string): Side => out.get(`${walletId}|${type}|${id}`) ?? { count: 0, amount: 0 };
    };

    let checkpoints = 0;
    let transitCheckpoints = 0;
    /**
     * Read between deliveries: every delivery goes through this test's queue, so nothing moves while
     * the proof, D1 and the ledgers are read, and the three describe the same moment.
     */
    const checkpoint = async () => {
      const at = `seed ${seed}, checkpoint ${checkpoints++}`;
      const { difference, in_transit } = await proof();
      const rows = await records();
      const side = await sides();
      expect(difference, at).toBe("0.00");
      let inFlight = 0;
      const wrong: unknown[] = [];
      for (const t of transfers) {
        const status = rows.get(t.id)?.status ?? "UNRECORDED";
        const out = side(t.from, "TRANSFER_OUT", t.id);
        const credit = side(t.to, "TRANSFER_IN", t.id);
        const reversal = side(t.from, "TRANSFER_IN", t.id);
        const once = (s: Side) => s.count === 1 && s.amount === t.amount;
        const ok =
          once(out) &&
          credit.count + reversal.count <= 1 &&
          (status !== "COMPLETED" || once(credit)) &&
          (status !== "REVERSED" || (once(reversal) && credit.count === 0)) &&
          (status !== "UNRECORDED" || t.fate === "unrecorded");
        if (!ok) wrong.push({ transfer: t, status, out, credit, reversal });
        // PENDING (or not recorded yet) and not landed: the money is between the two wallets. One that
        // landed while its outcome event is still on its way is no longer in transit.
        if ((status === "PENDING" || status === "UNRECORDED") && credit.count + reversal.count === 0) inFlight += t.amount;
      }
      expect(wrong, at).toEqual([]);
      expect(parseCents(in_transit), at).toBeGreaterThanOrEqual(0);
      expect(parseCents(in_transit) - baseline, `${at}: in_transit`).toBe(inFlight);
      if (inFlight > 0) transitCheckpoints++;
    };

    for (let op = 0; op < TRANSFERS; op++) {
      const from = pick(wallets);
      const fate = FATES[op % FATES.length]!;
      const description = `chaos ${seed}.${op}`;
      fates.set(description, fate);
      const others = users.filter((u) => u !== from.owner);
      const r = random();
      const body: Record<string, string> = { from_wallet_id: from.id, amount: centsToString(between(100, 4_000)), description };
      let expectedTo: string;
      if (r < 0.3) {
        // Between one's own wallets.
        expectedTo = walletsOf(from.owner).find((w) => w.id !== from.id)!.id;
        body.to_wallet_id = expectedTo;
      } else if (r < 0.55) {
        const to = pick(others);
        expectedTo = walletsOf(to)[0]!.id;
        body.to_email = to.email;
      } else {
        expectedTo = pick(walletsOf(pick(others))).id;
        body.to_wallet_id = expectedTo;
      }
      const send = () => api("/transfers", { token: from.owner.token, body, headers: { "idempotency-key": `k-${seed}-${op}` } });
      const answers = [await send()];
      if (random() < 0.25) {
        // The client repeats itself: concurrently, then once more after the first answer.
        answers.push(...(await Promise.all([send(), send()])), await send());
        stats.repeatedRequests += 3;
      }
      const created = answers.filter((a) => a.status === 201);
      for (const a of answers) {
        expect([201, 409], JSON.stringify(a.body)).toContain(a.status);
        if (a.status === 409) expect(["INSUFFICIENT_FUNDS", "IDEMPOTENCY_IN_PROGRESS"]).toContain(a.body.error.code);
      }
      expect(answers[0]!.status === 201 || answers[0]!.body.error.code === "INSUFFICIENT_FUNDS").toBe(true);
      if (created.length > 0) {
        const transfer = created[0]!.body.transfer;
        expect(new Set(created.map((a) => a.body.transfer.transfer_id)).size).toBe(1);
        expect(transfer).toMatchObject({ from_wallet_id: from.id, to_wallet_id: expectedTo, amount: body.amount, status: "PENDING" });
        transfers.push({ id: transfer.transfer_id, from: from.id, to: expectedTo, amount: parseCents(body.amount!), fate });
        if (fate === "doomed") stats.doomed++;
        if (fate === "unrecorded") {
          // The request crashed after the debit, before its record: only the event knows of the transfer.
          await env.DB.prepare("DELETE FROM transfers WHERE transfer_id = ?").bind(transfer.transfer_id).run();
          stats.unrecorded++;
        }
      }
      if (op % CHECK_EVERY === CHECK_EVERY - 1) {
        if (random() < 0.5) {
          // A Durable Object reset in the middle of a delivery: the consumer fails there and is retried.
          await Promise.all([queue.deliverSome(1), evictAllDurableObjects()]);
          stats.midDeliveryEvictions++;
        }
        await queue.deliverSome(between(0, 4));
        if (random() < 0.4) {
          // What the cron sweep would do: re-drive every transfer still PENDING (the lost ones among them).
          await queue.flushOutboxes();
          stats.sweeps++;
        }
        await checkpoint();
      }
    }

    // Settle a little at a time, checking between deliveries, then drain the rest (sweeping when idle).
    for (let i = 0; i < 8 && queue.pending.length > 0; i++) {
      await queue.deliverSome(3);
      await checkpoint();
    }
    const allEnded = async () => {
      const rows = await records();
      return transfers.every((t) => ["COMPLETED", "REVERSED"].includes(rows.get(t.id)?.status ?? "UNRECORDED"));
    };
    await queue.drain(allEnded);
    await queue.flushOutboxes();
    await queue.drain(async () => true);
    await checkpoint();

    // Every transfer ended, as its fate says, with its record intact.
    const rows = await records();
    const ended = { COMPLETED: 0, REVERSED: 0 };
    for (const t of transfers) {
      const row = rows.get(t.id);
      expect(row).toMatchObject({ from: t.from, to: t.to, amount: t.amount });
      expect(["COMPLETED", "REVERSED"]).toContain(row?.status);
      if (t.fate === "doomed") expect(row?.status).toBe("REVERSED");
      ended[row!.status as keyof typeof ended]++;
      if (row?.status === "REVERSED") {
        const reversal = (await ledger(t.from).entriesFor(t.id)).filter((e) => e.type === "TRANSFER_IN");
        expect(reversal).toEqual([
          expect.objectContaining({
            amount: t.amount,
            description: expect.stringMatching(/^Reversal/),
            counterparty: expect.objectContaining({ account: `wallet:${t.to}` }),
          }),
        ]);
        expect(await ledger(t.to).entriesFor(t.id)).toEqual([]);
      }
    }
    // A credit that dead-lettered is recorded, never silently dropped.
    const { results: letters } = await env.DB.prepare("SELECT event FROM dead_letters WHERE queue = 'payment-events'").all<{
      event: string;
    }>();
    const deadLettered = new Set(letters.map((l) => (JSON.parse(l.event) as { payload?: { transfer_id?: string } }).payload?.transfer_id));
    for (const t of transfers.filter((t) => t.fate === "doomed")) expect(deadLettered.has(t.id)).toBe(true);

    // No money made or lost: what was deposited is all still in the run's wallets, each one sound,
    // and each wallet's history is an unbroken hash chain.
    let total = 0;
    for (const w of wallets) {
      const audit = (await ledger(w.id).audit())!;
      expect(audit.balance).toBeGreaterThanOrEqual(0);
      expect(audit.balance).toBe(audit.entriesNet);
      total += audit.balance;
      const transactions = await history(w.owner, w.id);
      expect(transactions).toHaveLength(audit.entryCount);
      expect(await verifyChain(transactions as never)).toEqual({ ok: true, head: transactions.at(-1)?.hash });
    }
    expect(total).toBe(wallets.length * START_CENTS);
    const { in_transit } = await proof();
    expect(parseCents(in_transit)).toBe(baseline);
    const ours = new Set(wallets.map((w) => w.id));
    expect((await reconcile(env)).filter((d) => ours.has(d.wallet_id))).toEqual([]);
    return { seed, transfers: transfers.length, ...ended, ...stats, checkpoints, transitCheckpoints, queue: queue.stats };
  } finally {
    queue.uninstall();
  }
}

describe("transfer saga chaos", () => {
  it.each(SEEDS)(
    "seed %i: every transfer ends once, and the money is where the proof says at every checkpoint",
    async (seed) => {
      const report = await runTransferChaos(seed);
      console.info(JSON.stringify(report));
      expect(report.COMPLETED).toBeGreaterThan(0);
      expect(report.REVERSED).toBeGreaterThan(0);
      expect(report.lost).toBeGreaterThan(0);
      expect(report.unrecorded).toBeGreaterThan(0);
      expect(report.transitCheckpoints).toBeGreaterThan(0);
      expect(report.queue.injectedFailures).toBeGreaterThan(0);
      expect(report.queue.duplicated).toBeGreaterThan(0);
      expect(report.queue.deadLettered).toBeGreaterThan(0);
      expect(report.queue.evictions).toBeGreaterThan(0);
    },
    60_000,
  );
});
