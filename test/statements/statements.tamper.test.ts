import { describe, expect, it } from "vitest";
import { canonicalJson, hashInput, sha256Hex } from "../../workers/domain/ledger-hash";
import { formatCents, parseCents } from "../../workers/domain/money";
import { loadSigningKey, type PublishedKey, type Statement, signStatement, verifyStatement } from "../../workers/domain/statement";
import { api } from "../helpers/api";
import { userWithWallet } from "../helpers/wallet";
import { clone, postMoves, RETIRED_KEY_SECRET, statementOf, UNKNOWN_KEY_SECRET, verifyByRoute } from "./helpers";

/** A wallet with a final October of four transactions and a November after it. */
async function octoberStatement() {
  const { user, walletId } = await userWithWallet();
  await postMoves(walletId, [
    { at: "2026-09-30T10:00:00.000Z", direction: "CREDIT", cents: 10_000 },
    { at: "2026-10-02T10:00:00.000Z", direction: "CREDIT", cents: 50_000, description: "Salary" },
    { at: "2026-10-05T10:00:00.000Z", direction: "DEBIT", cents: 1_200, description: "Groceries" },
    { at: "2026-10-09T10:00:00.000Z", direction: "DEBIT", cents: 3_000, description: "Rent share" },
    { at: "2026-10-20T10:00:00.000Z", direction: "CREDIT", cents: 450, description: "Refund" },
    { at: "2026-11-01T00:00:00.000Z", direction: "DEBIT", cents: 100 },
  ]);
  return {
    user,
    walletId,
    october: await statementOf(user, walletId, "2026-10"),
    november: await statementOf(user, walletId, "2026-11"),
  };
}

/** A wallet with a July and a September, so a final August without transactions between them. */
async function emptyAugustStatement() {
  const { user, walletId } = await userWithWallet();
  await postMoves(walletId, [
    { at: "2026-07-10T10:00:00.000Z", direction: "CREDIT", cents: 20_000 },
    { at: "2026-09-10T10:00:00.000Z", direction: "DEBIT", cents: 500 },
  ]);
  return statementOf(user, walletId, "2026-08");
}

const keys = async () => (await api("/statements/keys")).body.keys as PublishedKey[];

/** Re-signs an edited body with a key (what someone holding that key could do). */
async function resign(statement: Statement, secret: string): Promise<Statement> {
  const key = await loadSigningKey(secret);
  const { signature: _s, ...body } = statement;
  return signStatement({ ...body, key_id: key.published.key_id }, key.privateKey);
}

describe("statements: each tampering fails with its reason", () => {
  it("a one-cent edit, a dropped, reordered or foreign transaction, edited balances, totals, hashes or signature", async () => {
    const { october, november } = await octoberStatement();
    const august = await emptyAugustStatement();
    const published = await keys();
    expect(await verifyStatement(october, published)).toMatchObject({ valid: true });
    expect(await verifyStatement(august, published)).toMatchObject({ valid: true });
    const t = october.transactions;
    expect(t).toHaveLength(4);
    expect(august).toMatchObject({ transactions: [], final: true, opening_balance: "200.00", closing_balance: "200.00" });

    // Each case edits October, or the statement it names.
    const cases: [string, (s: Statement) => void, string, Statement?][] = [
      [
        "a transaction's amount one cent more",
        (s) => {
          (s.transactions[1] as { amount: string }).amount = "12.01";
        },
        "TRANSACTION_ALTERED",
      ],
      [
        "a balance_after one cent less",
        (s) => {
          (s.transactions[2] as { balance_after: string }).balance_after = "563.99";
        },
        "TRANSACTION_ALTERED",
      ],
      [
        "a description",
        (s) => {
          (s.transactions[2] as { description: string }).description = "Rent";
        },
        "TRANSACTION_ALTERED",
      ],
      ["a transaction dropped", (s) => void s.transactions.splice(1, 1), "TRANSACTION_MISSING"],
      ["the last transaction dropped", (s) => void s.transactions.pop(), "TRANSACTION_MISSING"],
      ["every transaction dropped", (s) => void s.transactions.splice(0), "TRANSACTION_MISSING"],
      ["two transactions swapped", (s) => void s.transactions.splice(1, 2, t[2] as never, t[1] as never), "REORDERED"],
      [
        "November's first transaction appended",
        (s) => {
          s.transactions.push(november.transactions[0] as never);
          s.closing_hash = november.transactions[0]?.hash ?? "";
        },
        "WRONG_PERIOD",
      ],
      [
        "the period moved to November",
        (s) => {
          s.period = "2026-11";
        },
        "WRONG_PERIOD",
      ],
      [
        "the period of a final month without transactions moved to the month it was issued in (not over then)",
        (s) => {
          s.period = s.issued_at.slice(0, 7);
        },
        "WRONG_PERIOD",
        august,
      ],
      [
        "the period of a month without transactions moved past the day it was issued",
        (s) => {
          s.period = "2099-01";
        },
        "WRONG_PERIOD",
        august,
      ],
      [
        "the period of a final month without transactions moved to an earlier month (only the signature covers it)",
        (s) => {
          s.period = "2026-06";
        },
        "BAD_SIGNATURE",
        august,
      ],
      [
        "the opening balance one cent more",
        (s) => {
          s.opening_balance = "100.01";
        },
        "OPENING_BALANCE_MISMATCH",
      ],
      [
        "the closing balance one cent more",
        (s) => {
          s.closing_balance = "562.51";
        },
        "CLOSING_BALANCE_MISMATCH",
      ],
      [
        "total_in one cent less",
        (s) => {
          s.total_in = "504.49";
        },
        "TOTALS_MISMATCH",
      ],
      [
        "total_out one cent more",
        (s) => {
          s.total_out = "42.01";
        },
        "TOTALS_MISMATCH",
      ],
      [
        "the opening hash",
        (s) => {
          s.opening_hash = "f".repeat(64);
        },
        "OPENING_HASH_MISMATCH",
      ],
      [
        "the closing hash",
        (s) => {
          s.closing_hash = t[2]?.hash ?? "";
        },
        "CLOSING_HASH_MISMATCH",
      ],
      [
        "issued_at (only the signature covers it)",
        (s) => {
          s.issued_at = "2027-01-01T00:00:00.000Z";
        },
        "BAD_SIGNATURE",
      ],
      [
        "final (only the signature covers it)",
        (s) => {
          s.final = false;
        },
        "BAD_SIGNATURE",
      ],
      [
        "another key id",
        (s) => {
          s.key_id = "ed25519-0000000000000000";
        },
        "UNKNOWN_KEY",
      ],
      ["a missing field", (s) => void delete (s as Partial<Statement>).total_in, "MALFORMED"],
    ];
    expect(october.total_in).toBe("504.50");
    expect(october.total_out).toBe("42.00");
    expect(october.closing_balance).toBe("562.50");
    for (const [what, edit, code, base] of cases) {
      const tampered = clone(base ?? october);
      edit(tampered);
      const offline = await verifyStatement(tampered, published);
      expect(offline.code, what).toBe(code);
      expect(offline.valid, what).toBe(false);
      // The route gives the same answer, the code first in the reason.
      expect(await verifyByRoute(tampered), what).toEqual({ valid: false, reason: offline.reason });
    }
    // The reasons say what happened.
    const edited = clone(october);
    (edited.transactions[1] as { amount: string }).amount = "12.01";
    expect((await verifyStatement(edited, published)).reason).toBe(
      `TRANSACTION_ALTERED: transaction #2 (${t[1]?.transaction_id}): amount was 12.00, the statement says 12.01`,
    );
    const dropped = clone(october);
    dropped.transactions.splice(1, 1);
    expect((await verifyStatement(dropped, published)).reason).toMatch(
      /^TRANSACTION_MISSING: a transaction before transaction #2 .* -12\.00/,
    );
    const lastDropped = clone(october);
    lastDropped.transactions.pop();
    expect((await verifyStatement(lastDropped, published)).reason).toBe(
      `TRANSACTION_MISSING: a transaction after transaction #3 (${t[2]?.transaction_id}) is missing: the chain ends there at ${t[2]?.hash}, ` +
        `closing_hash says ${t[3]?.hash}; 4.50 in and 0.00 out of the totals, taking the balance from 558.00 to closing_balance 562.50, ` +
        "are in no transaction of the statement",
    );
    const allDropped = clone(october);
    allDropped.transactions.splice(0);
    expect((await verifyStatement(allDropped, published)).reason).toMatch(
      /^TRANSACTION_MISSING: a transaction after the opening hash is missing: .* 504\.50 in and 42\.00 out .* from 100\.00 to closing_balance 562\.50/,
    );
    const moved = clone(august);
    moved.period = "2099-01";
    expect((await verifyStatement(moved, published)).reason).toBe(
      `WRONG_PERIOD: the statement was issued at ${august.issued_at}, before 2099-01 began (2099-01-01T00:00:00.000Z)`,
    );
    moved.period = august.issued_at.slice(0, 7);
    expect((await verifyStatement(moved, published)).reason).toMatch(
      /^WRONG_PERIOD: the statement is final but was issued at .*, before .* ended/,
    );
    // A final month without transactions moved to an earlier month contradicts nothing but the
    // signature (issued_at is still after the month, and no transaction carries a date): the reason
    // says the signed content, the period with it, is not what the key signed.
    moved.period = "2026-06";
    expect((await verifyStatement(moved, published)).reason).toBe(
      `BAD_SIGNATURE: the signed content (every field but signature, period, issued_at and final included) is not what key ${august.key_id} signed: ` +
        "a field was changed after signing; with no transactions, nothing but the signature ties the statement to its period",
    );
  });

  it("a signature that is not the key's, and a consistent forgery re-hashed and re-signed with a key nobody published", async () => {
    const { october } = await octoberStatement();
    const published = await keys();
    const badSignature = clone(october);
    badSignature.signature = (await resign(october, UNKNOWN_KEY_SECRET)).signature;
    expect((await verifyStatement(badSignature, published)).code).toBe("BAD_SIGNATURE");

    // Rebuild the whole chain after a one-cent edit, so every hash and total adds up: only the key gives it away.
    const forged = clone(october);
    let previous = forged.opening_hash;
    let balance = 10_000;
    for (const tx of forged.transactions) {
      if (tx.description === "Groceries") tx.amount = "12.01";
      const cents = parseCents(tx.amount);
      balance += tx.direction === "CREDIT" ? cents : -cents;
      tx.balance_after = formatCents(balance);
      tx.hash = await sha256Hex(hashInput(previous, tx as never));
      previous = tx.hash;
    }
    forged.closing_hash = previous;
    forged.closing_balance = forged.transactions.at(-1)?.balance_after ?? "";
    forged.total_out = "42.01";
    expect((await verifyStatement(forged, published)).code).toBe("BAD_SIGNATURE");
    const reSigned = await resign(forged, UNKNOWN_KEY_SECRET);
    expect(await verifyByRoute(reSigned)).toMatchObject({ valid: false, reason: expect.stringMatching(/^UNKNOWN_KEY: /) });
    expect(canonicalJson(reSigned as never)).not.toBe(canonicalJson(october as never));
  });
});

describe("statements: key rotation", () => {
  it("the current key and the retired one are published; a statement the retired key signed still verifies", async () => {
    const { october } = await octoberStatement();
    const published = await keys();
    const retired = await loadSigningKey(RETIRED_KEY_SECRET);
    expect(published).toHaveLength(2);
    expect(published[1]).toEqual(retired.published);
    expect(published.map((k) => k.algorithm)).toEqual(["Ed25519", "Ed25519"]);
    expect(published[0]?.key_id).not.toBe(retired.published.key_id);
    expect(october.key_id).toBe(published[0]?.key_id);

    // Issued before the rotation: signed by what is now the retired key.
    const old = await resign(october, RETIRED_KEY_SECRET);
    expect(old.key_id).toBe(retired.published.key_id);
    expect(await verifyByRoute(old)).toEqual({ valid: true, reason: null });

    // After the next rotation the current key joins the retired ones, and today's statements keep verifying.
    const next = await loadSigningKey(UNKNOWN_KEY_SECRET);
    const afterRotation = [next.published, ...published];
    expect(await verifyStatement(october, afterRotation)).toMatchObject({ valid: true });
    expect(await verifyStatement(old, afterRotation)).toMatchObject({ valid: true });
    // Without the old keys, old statements could not be told from forgeries.
    expect((await verifyStatement(october, [next.published])).code).toBe("UNKNOWN_KEY");
  });
});

describe("statements: security and errors", () => {
  it("another user's wallet, an unknown wallet, a month not begun and a malformed period", async () => {
    const { user, walletId } = await userWithWallet(100);
    const other = await userWithWallet();
    const thisMonth = new Date().toISOString().slice(0, 7);
    for (const path of [
      `/wallet/${walletId}/statements`,
      `/wallet/${walletId}/statements/${thisMonth}`,
      `/wallet/${walletId}/statements/${thisMonth}?format=csv`,
    ]) {
      const res = await api(path, { token: other.user.token });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
      expect((await api(path)).status, path).toBe(401);
    }
    expect((await api(`/wallet/${crypto.randomUUID()}/statements/${thisMonth}`, { token: user.token })).status).toBe(404);
    expect((await api(`/wallet/not-an-id/statements`, { token: user.token })).status).toBe(404);
    expect((await api(`/wallet/${walletId}/statements/2999-01`, { token: user.token })).status).toBe(404);
    for (const bad of ["2026-13", "2026-1", "26-01", "2026-00"]) {
      expect((await api(`/wallet/${walletId}/statements/${bad}`, { token: user.token })).status, bad).toBe(400);
    }
    expect((await api(`/wallet/${walletId}/statements/${thisMonth}?format=pdf`, { token: user.token })).status).toBe(400);
    // Verify takes a statement and nothing else.
    expect((await api("/statements/verify", { body: { statement: {}, extra: 1 } })).status).toBe(400);
    expect(await verifyByRoute({})).toMatchObject({ valid: false, reason: expect.stringMatching(/^MALFORMED: /) });
    expect(await verifyByRoute("text")).toMatchObject({ valid: false, reason: expect.stringMatching(/^MALFORMED: /) });
  });
});
