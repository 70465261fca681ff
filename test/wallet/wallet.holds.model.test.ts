/**
 * Model-based test of holds and refunds (invariant 11): any interleaving of place / capture / cancel /
 * expire / refund / debit, run against a real WalletLedger, agrees with a pure model after every step,
 * keeps the available balance ≥ 0, posts or releases each hold exactly once and caps refunds by what
 * was captured.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HoldOutcome } from "../../durable-objects/wallet-ledger.types";
import { ledger } from "../helpers/wallet";

type Op =
  | { kind: "place"; amount: number; ttlMinutes: number }
  | { kind: "capture"; hold: number; amount: number | null }
  | { kind: "cancel"; hold: number }
  | { kind: "expire"; advanceMinutes: number }
  | { kind: "refund"; hold: number; amount: number | null }
  | { kind: "debit"; amount: number };

const cents = fc.integer({ min: 1, max: 6_000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("place" as const), amount: cents, ttlMinutes: fc.integer({ min: 1, max: 120 }) }),
  fc.record({ kind: fc.constant("capture" as const), hold: fc.nat(), amount: fc.option(cents, { nil: null }) }),
  fc.record({ kind: fc.constant("cancel" as const), hold: fc.nat() }),
  fc.record({ kind: fc.constant("expire" as const), advanceMinutes: fc.integer({ min: 0, max: 90 }) }),
  fc.record({ kind: fc.constant("refund" as const), hold: fc.nat(), amount: fc.option(cents, { nil: null }) }),
  fc.record({ kind: fc.constant("debit" as const), amount: cents }),
);

type ModelHold = {
  id: string;
  amount: number;
  expiresAt: number;
  status: "ACTIVE" | "POSTED" | "RELEASED";
  captured: number;
  refunded: number;
};

const T0 = Date.parse("2026-12-01T00:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

describe("holds and refunds: the ledger agrees with a pure model under any interleaving", () => {
  it("available ≥ 0, each hold settled once, refunds capped", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 15_000 }), fc.array(opArb, { minLength: 1, maxLength: 25 }), async (initial, ops) => {
        const walletId = crypto.randomUUID();
        const stub = ledger(walletId);
        await stub.open(walletId, crypto.randomUUID(), "USD", iso(T0));
        let balance = 0;
        if (initial > 0) {
          const credited = await stub.credit({
            transferId: `t-${crypto.randomUUID()}`,
            owner: null,
            amount: initial,
            type: "DEPOSIT",
            now: iso(T0),
          });
          expect(credited.ok).toBe(true);
          balance = initial;
        }
        let now = T0;
        const holds: ModelHold[] = [];
        const held = () => holds.filter((h) => h.status === "ACTIVE").reduce((s, h) => s + h.amount, 0);
        const pick = (n: number) => (holds.length === 0 ? undefined : holds[n % holds.length]);
        /** What the ledger must do to an active hold that is due when touched: release it as expired. */
        const expireDue = () => {
          for (const h of holds) if (h.status === "ACTIVE" && h.expiresAt <= now) h.status = "RELEASED";
        };
        const sameHold = (outcome: HoldOutcome, h: ModelHold) =>
          expect(outcome.hold).toMatchObject({ status: h.status, captured: h.captured });

        for (const op of ops) {
          switch (op.kind) {
            case "place": {
              const id = `p-${holds.length}-${crypto.randomUUID()}`;
              const expiresAt = now + op.ttlMinutes * 60_000;
              const outcome = await stub.placeHold({
                transferId: `hold:${id}`,
                owner: null,
                referenceId: id,
                amount: op.amount,
                reason: "Merchant",
                expiresAt: iso(expiresAt),
                now: iso(now),
              });
              const fits = balance - held() >= op.amount;
              expect(outcome.ok).toBe(fits);
              if (!fits) expect(outcome).toMatchObject({ code: "INSUFFICIENT_FUNDS" });
              if (fits) holds.push({ id, amount: op.amount, expiresAt, status: "ACTIVE", captured: 0, refunded: 0 });
              // A redelivered placement places nothing more.
              const again = await stub.placeHold({
                transferId: `hold:${id}`,
                owner: null,
                referenceId: id,
                amount: op.amount,
                reason: "Merchant",
                expiresAt: iso(expiresAt),
                now: iso(now),
              });
              expect(again).toMatchObject({ ok: fits, replayed: true });
              break;
            }
            case "capture": {
              const h = pick(op.hold);
              if (!h) break;
              const outcome = await stub.settleHold({
                op: "capture",
                referenceId: h.id,
                transferId: `payment:${h.id}`,
                now: iso(now),
                ...(op.amount === null ? {} : { amount: op.amount }),
              });
              const amount = op.amount ?? h.amount;
              if (h.status === "ACTIVE" && h.expiresAt <= now) {
                h.status = "RELEASED";
                expect(outcome).toMatchObject({ ok: false, code: "INVALID_STATE" });
              } else if (h.status !== "ACTIVE") {
                expect(outcome).toMatchObject({ ok: false, code: "INVALID_STATE" });
              } else if (amount > h.amount) {
                expect(outcome).toMatchObject({ ok: false, code: "CAPTURE_EXCEEDS_AUTHORIZED" });
              } else {
                expect(outcome.ok).toBe(true);
                h.status = "POSTED";
                h.captured = amount;
                balance -= amount;
              }
              sameHold(outcome, h);
              break;
            }
            case "cancel": {
              const h = pick(op.hold);
              if (!h) break;
              const outcome = await stub.settleHold({ op: "cancel", referenceId: h.id, now: iso(now) });
              expect(outcome.ok).toBe(h.status === "ACTIVE");
              if (h.status === "ACTIVE") h.status = "RELEASED";
              sameHold(outcome, h);
              break;
            }
            case "expire": {
              now += op.advanceMinutes * 60_000;
              const due = holds.filter((h) => h.status === "ACTIVE" && h.expiresAt <= now).length;
              const released = await stub.expireDueHolds(iso(now));
              expect(released.length).toBe(due);
              expireDue();
              break;
            }
            case "refund": {
              const h = pick(op.hold);
              if (!h) break;
              const outcome = await stub.refund({
                transferId: `refund:${crypto.randomUUID()}`,
                owner: null,
                refundId: crypto.randomUUID(),
                paymentId: h.id,
                now: iso(now),
                ...(op.amount === null ? {} : { amount: op.amount }),
              });
              const amount = op.amount ?? h.captured - h.refunded;
              if (h.captured === 0) expect(outcome).toMatchObject({ ok: false, code: "INVALID_STATE" });
              else if (amount <= 0 || h.refunded + amount > h.captured)
                expect(outcome).toMatchObject({ ok: false, code: "REFUND_EXCEEDS_CAPTURED" });
              else {
                expect(outcome).toMatchObject({ ok: true, refunded: h.refunded + amount, captured: h.captured });
                h.refunded += amount;
                balance += amount;
              }
              break;
            }
            case "debit": {
              const outcome = await stub.debit({
                transferId: `t-${crypto.randomUUID()}`,
                owner: null,
                amount: op.amount,
                type: "WITHDRAWAL",
                now: iso(now),
              });
              const fits = balance - held() >= op.amount;
              expect(outcome.ok).toBe(fits);
              if (fits) balance -= op.amount;
              break;
            }
          }
          const wallet = await stub.getWallet(null);
          expect(wallet).toMatchObject({ balance, held_balance: held(), available_balance: balance - held() });
          expect(wallet!.available_balance).toBeGreaterThanOrEqual(0);
        }

        // Each hold was posted or released at most once, and left exactly the entries that says.
        const audit = await stub.audit();
        expect(audit).toMatchObject({ balance, entriesNet: balance, held: held(), heldByHolds: held() });
        const { holds: stored, refunds } = await stub.holdsAndRefunds();
        expect(stored.map((h) => [h.reference_id, h.status, h.captured])).toEqual(holds.map((h) => [h.id, h.status, h.captured]));
        for (const h of holds) {
          const out = (await stub.entriesFor(h.id)).filter((e) => e.type === "PAYMENT_OUT");
          expect(out.map((e) => e.amount)).toEqual(h.status === "POSTED" ? [h.captured] : []);
          const refunded = refunds.filter((r) => r.payment_id === h.id).reduce((s, r) => s + r.amount, 0);
          expect(refunded).toBe(h.refunded);
          expect(refunded).toBeLessThanOrEqual(h.captured);
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
