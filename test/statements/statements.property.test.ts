import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GENESIS_HASH } from "../../workers/domain/ledger-hash";
import { parseCents } from "../../workers/domain/money";
import { type PublishedKey, type Statement, verifyStatement } from "../../workers/domain/statement";
import { api } from "../helpers/api";
import { userWithWallet } from "../helpers/wallet";
import { type Move, postMoves, statementOf } from "./helpers";

const MONTHS = ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07"];

/** Movements over several months: each a month, a day, a direction and an amount; a debit that would overdraw becomes a credit. */
const ledgerArb = fc.array(
  fc.record({
    month: fc.integer({ min: 0, max: MONTHS.length - 1 }),
    day: fc.integer({ min: 1, max: 28 }),
    minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    debit: fc.boolean(),
    cents: fc.integer({ min: 1, max: 200_000 }),
  }),
  { minLength: 1, maxLength: 25 },
);

function toMoves(raw: { month: number; day: number; minute: number; debit: boolean; cents: number }[]) {
  const sorted = raw
    .map((r) => {
      const [year, month] = (MONTHS[r.month] as string).split("-").map(Number) as [number, number];
      return { ...r, at: new Date(Date.UTC(year, month - 1, r.day, 0, r.minute)).toISOString() };
    })
    .sort((a, b) => a.at.localeCompare(b.at));
  let balance = 0;
  return sorted.map((r): Move => {
    const direction = r.debit && r.cents <= balance ? "DEBIT" : "CREDIT";
    balance += direction === "CREDIT" ? r.cents : -r.cents;
    return { at: r.at, direction, cents: r.cents };
  });
}

describe("statements: property", () => {
  it("for random ledgers over several months, consecutive statements chain, add up, and verify", async () => {
    const keys = (await api("/statements/keys")).body.keys as PublishedKey[];
    await fc.assert(
      fc.asyncProperty(ledgerArb, async (raw) => {
        const moves = toMoves(raw);
        const { user, walletId } = await userWithWallet();
        await postMoves(walletId, moves);
        const statements: Statement[] = [];
        for (const period of MONTHS) statements.push(await statementOf(user, walletId, period));

        let previousHash = GENESIS_HASH;
        let previousClosing = 0;
        let count = 0;
        for (const s of statements) {
          expect(s.opening_hash).toBe(previousHash);
          expect(parseCents(s.opening_balance)).toBe(previousClosing);
          expect(parseCents(s.closing_balance)).toBe(parseCents(s.opening_balance) + parseCents(s.total_in) - parseCents(s.total_out));
          expect(await verifyStatement(s, keys)).toMatchObject({ valid: true });
          previousHash = s.closing_hash;
          previousClosing = parseCents(s.closing_balance);
          count += s.transactions.length;
        }
        // Together they are the whole history: every movement once, the last closing balance the wallet's.
        expect(count).toBe(moves.length);
        const final = moves.reduce((b, m) => b + (m.direction === "CREDIT" ? m.cents : -m.cents), 0);
        expect(previousClosing).toBe(final);
        const list = (await api(`/wallet/${walletId}/statements`, { token: user.token })).body.statements as { period: string }[];
        expect(list.map((l) => l.period)).toEqual(MONTHS.filter((_, i) => statements[i]?.transactions.length).reverse());
      }),
      { numRuns: 12 },
    );
  });
});
