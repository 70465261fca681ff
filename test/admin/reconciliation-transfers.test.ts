import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { queueTap } from "../../workers/events";
import { nowIso } from "../../workers/lib/ids";
import { api, createWallet, signup, signupAdmin, type TestUser } from "../helpers/api";
import { type Captured, deliver, taken } from "../helpers/consumer";
import { ledger, systemMove } from "../helpers/wallet";

type Difference = { kind: string; wallet_id: string; reference_id: string | null; message: string };

const captured: Captured[] = [];

afterEach(() => {
  queueTap.capture = undefined;
  captured.length = 0;
});

async function differencesOf(walletId: string): Promise<Difference[]> {
  const res = await api("/admin/reconciliation", { token: (await signupAdmin()).token });
  expect(res.status).toBe(200);
  return (res.body.differences as Difference[]).filter((d) => d.wallet_id === walletId);
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
/** Past STUCK_AFTER_SECONDS (120), short of the tests' re-drive timeout (SAGA_REDRIVE_AFTER_SECONDS 3600). */
const STUCK_AGE = 600_000;
/** Past both. */
const OLD = 7_200_000;

const backdate = (transferId: string, ms: number) =>
  env.DB.prepare("UPDATE transfers SET created_at = ? WHERE transfer_id = ?").bind(ago(ms), transferId).run();
const setStatus = (transferId: string, status: string) =>
  env.DB.prepare("UPDATE transfers SET status = ? WHERE transfer_id = ?").bind(status, transferId).run();

/** Two people with a wallet each; `from` holds 50.00. */
async function twoWallets() {
  const ada = await signup();
  const bob = await signup();
  return { ada, bob, from: await createWallet(ada, 5_000), to: await createWallet(bob) };
}

/** A transfer debited from `from` whose TRANSFER_REQUESTED is held by the test (not delivered). */
async function heldTransfer(user: TestUser, from: string, to: string, amount: string) {
  queueTap.capture = (queue, body) => captured.push({ queue, body });
  const res = await api("/transfers", { token: user.token, body: { from_wallet_id: from, to_wallet_id: to, amount } });
  expect(res.status).toBe(201);
  const id = res.body.transfer.transfer_id as string;
  const ofThis = () => captured.find((c) => c.body.type === "TRANSFER_REQUESTED" && c.body.payload.transfer_id === id);
  await expect.poll(ofThis, { timeout: 5000 }).toBeDefined();
  return { id, requested: ofThis()! };
}

const status = async (user: TestUser, id: string) => (await api(`/transfers/${id}`, { token: user.token })).body.transfer.status;

describe("reconciliation of transfers", () => {
  it("a completed and a reversed transfer reconcile with no difference on either wallet", async () => {
    const { ada, from, to } = await twoWallets();
    const completed = await api("/transfers", { token: ada.token, body: { from_wallet_id: from, to_wallet_id: to, amount: "10.00" } });
    expect(completed.status).toBe(201);
    await expect.poll(() => status(ada, completed.body.transfer.transfer_id)).toBe("COMPLETED");

    // A credit that dead-letters: the sender is credited back once and the transfer ends REVERSED.
    const reversed = await heldTransfer(ada, from, to, "4.00");
    expect(await deliver(`${reversed.requested.queue}-dlq`, reversed.requested.body)).toBe(true);
    expect(await status(ada, reversed.id)).toBe("REVERSED");

    expect(await differencesOf(from)).toEqual([]);
    expect(await differencesOf(to)).toEqual([]);
  });

  it("a transfer in flight is no difference; one still PENDING after STUCK_AFTER_SECONDS is reported once, on the sender", async () => {
    const { ada, from, to } = await twoWallets();
    const { id } = await heldTransfer(ada, from, to, "3.00");
    expect(await differencesOf(from)).toEqual([]);
    await backdate(id, STUCK_AGE);
    expect(await differencesOf(from)).toEqual([
      { kind: "STUCK", wallet_id: from, reference_id: id, message: expect.stringMatching(/^transfer PENDING since .* \(over 120 s\)$/) },
    ]);
    expect(await differencesOf(to)).toEqual([]);
  });

  it("a PENDING transfer whose recipient was credited long ago is a TRANSFER difference (its outcome was lost)", async () => {
    const { ada, from, to } = await twoWallets();
    const { id, requested } = await heldTransfer(ada, from, to, "2.50");
    expect(await deliver(requested.queue, requested.body)).toBe(true);
    // The credit ran; its TRANSFER_COMPLETED is held by the test, so D1 still says PENDING.
    await taken(captured, "TRANSFER_COMPLETED", 1);
    expect(await status(ada, id)).toBe("PENDING");
    await backdate(id, STUCK_AGE);
    // Not yet past the re-drive timeout: the outcome may still be on its way.
    expect(await differencesOf(to)).toEqual([]);
    await backdate(id, OLD);
    expect(await differencesOf(to)).toEqual([
      { kind: "TRANSFER", wallet_id: to, reference_id: id, message: "D1 says PENDING but the ledger has 1 TRANSFER_IN entries for 2.50" },
    ]);
    expect((await differencesOf(from)).map((d) => [d.kind, d.reference_id])).toEqual([["STUCK", id]]);
  });

  it("a COMPLETED transfer without its TRANSFER_IN, and a REVERSED one with no reversal but a credit, are differences", async () => {
    const { ada, from, to } = await twoWallets();
    const uncredited = await heldTransfer(ada, from, to, "1.00");
    await setStatus(uncredited.id, "COMPLETED");
    const credited = await heldTransfer(ada, from, to, "2.00");
    expect(await deliver(credited.requested.queue, credited.requested.body)).toBe(true);
    await setStatus(credited.id, "REVERSED");

    const atRecipient = await differencesOf(to);
    expect(atRecipient).toHaveLength(2);
    expect(atRecipient).toEqual(
      expect.arrayContaining([
        {
          kind: "TRANSFER",
          wallet_id: to,
          reference_id: uncredited.id,
          message: "D1 says COMPLETED but the ledger has no TRANSFER_IN entries",
        },
        {
          kind: "TRANSFER",
          wallet_id: to,
          reference_id: credited.id,
          message: "D1 says REVERSED but the ledger has 1 TRANSFER_IN entries",
        },
      ]),
    );
    expect(await differencesOf(from)).toEqual([
      {
        kind: "TRANSFER",
        wallet_id: from,
        reference_id: credited.id,
        message: "D1 says REVERSED but the ledger has no reversal entries (TRANSFER_IN)",
      },
    ]);
  });

  it("a second TRANSFER_IN, a TRANSFER_OUT of the wrong amount or naming the wrong wallet, are differences", async () => {
    const { ada, from, to } = await twoWallets();
    const completed = await api("/transfers", { token: ada.token, body: { from_wallet_id: from, to_wallet_id: to, amount: "5.00" } });
    const id = completed.body.transfer.transfer_id as string;
    await expect.poll(() => status(ada, id)).toBe("COMPLETED");
    // A credit made twice under two keys (a bug the transfer id's key would have stopped).
    const again = await ledger(to).credit(
      systemMove({ amount: 500, type: "TRANSFER_IN", referenceId: id, counterparty: { account: `wallet:${from}`, name: "Ada" } }),
    );
    expect(again.ok).toBe(true);
    expect(await differencesOf(to)).toEqual([
      { kind: "TRANSFER", wallet_id: to, reference_id: id, message: "ledger has 2 TRANSFER_IN entries for 10.00, D1 says one of 5.00" },
    ]);

    const other = await createWallet(ada);
    const wrong = await ledger(from).debit(
      systemMove({ amount: 100, type: "TRANSFER_OUT", referenceId: id, counterparty: { account: `wallet:${other}`, name: "Main" } }),
    );
    expect(wrong.ok).toBe(true);
    expect(await differencesOf(from)).toEqual([
      {
        kind: "COUNTERPARTY",
        wallet_id: from,
        reference_id: id,
        message: `TRANSFER_OUT entries name wallet:${other}, expected wallet:${to}`,
      },
      { kind: "TRANSFER", wallet_id: from, reference_id: id, message: "ledger has 2 TRANSFER_OUT entries for 6.00, D1 says one of 5.00" },
    ]);
  });

  it("a TRANSFER_OUT with no D1 record (lost with its request) is an orphan once older than the re-drive timeout", async () => {
    const ada = await signup();
    const walletId = await createWallet(ada);
    const funded = await ledger(walletId).credit(systemMove({ amount: 1_000, type: "DEPOSIT", now: ago(OLD + 60_000) }));
    expect(funded.ok).toBe(true);
    const lost = crypto.randomUUID();
    const young = crypto.randomUUID();
    const to = `wallet:${crypto.randomUUID()}`;
    for (const [referenceId, now] of [
      [lost, ago(OLD)],
      [young, nowIso()],
    ] as const) {
      const debit = await ledger(walletId).debit(
        systemMove({ amount: 100, type: "TRANSFER_OUT", referenceId, now, counterparty: { account: to, name: "Bob" } }),
      );
      expect(debit.ok).toBe(true);
    }
    expect(await differencesOf(walletId)).toEqual([
      {
        kind: "ORPHAN_ENTRY",
        wallet_id: walletId,
        reference_id: lost,
        message: `ledger has TRANSFER_OUT:${lost} with no matching record in D1`,
      },
    ]);
  });

  // Last in the file: the clock stays advanced for whatever runs after it.
  it("an orphan's age is read on the clock that stamps ledger entries (also once a test clock was advanced)", async () => {
    const admin = await signupAdmin();
    expect((await api("/admin/clock/advance", { token: admin.token, body: { days: 1 } })).status).toBe(200);
    const clock = Date.parse((await api("/admin/clock", { token: admin.token })).body.now);
    const onClock = (ms: number) => new Date(clock - ms).toISOString();
    const ada = await signup();
    const walletId = await createWallet(ada);
    expect((await ledger(walletId).credit(systemMove({ amount: 1_000, type: "DEPOSIT", now: onClock(OLD + 60_000) }))).ok).toBe(true);
    // Two hours old on the ledger's clock, though still ahead of the wall.
    const lost = crypto.randomUUID();
    const debit = await ledger(walletId).debit(
      systemMove({
        amount: 100,
        type: "TRANSFER_OUT",
        referenceId: lost,
        now: onClock(OLD),
        counterparty: { account: "wallet:elsewhere", name: "Bob" },
      }),
    );
    expect(debit.ok).toBe(true);
    expect((await differencesOf(walletId)).map((d) => [d.kind, d.reference_id])).toEqual([["ORPHAN_ENTRY", lost]]);
  });
});
