import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queueTap } from "../../workers/events";
import { api, createWallet, expectEnvelope, signup, signupAdmin, type TestUser } from "../helpers/api";

type Entry = {
  entry_id: string;
  admin_user_id: string | null;
  action: string;
  target: string;
  details: Record<string, unknown>;
  created_at: string;
};

const captured: { queue: string; body: unknown }[] = [];
beforeEach(() => {
  // Published events are only recorded here: no consumer runs behind these admin actions.
  queueTap.capture = (queue, body) => captured.push({ queue, body });
});
afterEach(() => {
  queueTap.capture = undefined;
  captured.length = 0;
});

async function applyFor(user: TestUser, walletId: string) {
  const res = await api("/loan", {
    token: user.token,
    body: { wallet_id: walletId, amount: "100.00", loan_term_months: 6, purpose: "bike" },
  });
  expect(res.status).toBe(201);
  return res.body.loan.loan_id as string;
}

async function insertDeadLetter(queue: string, event: Record<string, unknown>) {
  const id = `${queue}:${crypto.randomUUID()}`;
  await env.DB.prepare(
    "INSERT INTO dead_letters (dead_letter_id, queue, event, error, attempts, created_at) VALUES (?, ?, ?, 'exhausted retries', 4, ?)",
  )
    .bind(id, queue, JSON.stringify(event), new Date().toISOString())
    .run();
  return id;
}

const replay = (token: string, id: string) => api(`/admin/dead-letters/${encodeURIComponent(id)}/replay`, { token, method: "POST" });

async function allEntries(token: string, limit: number): Promise<{ pages: Entry[][]; entries: Entry[] }> {
  const pages: Entry[][] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: { entries: Entry[]; next_cursor: string | null } } = await api(
      `/admin/audit-log?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      { token },
    );
    expect(res.status).toBe(200);
    pages.push(res.body.entries);
    cursor = res.body.next_cursor;
  } while (cursor !== null);
  return { pages, entries: pages.flat() };
}

describe("the admin audit log", () => {
  it("records approve, reject, dead-letter replay and adjust, and lists them newest first, page by page", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user);
    const approved = await applyFor(user, walletId);
    const rejected = await applyFor(user, walletId);
    const letter = await insertDeadLetter("loan-events", { type: "LOAN_APPROVED", event_id: crypto.randomUUID() });

    expect((await api(`/loan/${approved}/approve`, { token: admin.token, method: "POST" })).status).toBe(200);
    expect((await api(`/loan/${rejected}/reject`, { token: admin.token, body: { reason: "Too many open loans" } })).status).toBe(200);
    expect((await replay(admin.token, letter)).status).toBe(202);
    const adjusted = await api(`/admin/wallets/${walletId}/adjustments`, {
      token: admin.token,
      body: { direction: "CREDIT", amount: "2.00", reason: "Fee refund" },
    });
    expect(adjusted.status).toBe(201);

    // A refused action is not an action: approving the rejected loan changes nothing and logs nothing.
    expectEnvelope(await api(`/loan/${rejected}/approve`, { token: admin.token, method: "POST" }), 409, "INVALID_STATE");

    const { pages, entries } = await allEntries(admin.token, 3);
    expect(pages.map((p) => p.length)).toEqual([3, 1]);
    expect(entries.map((e) => [e.action, e.target])).toEqual([
      ["wallet.adjust", `wallet:${walletId}`],
      ["dead_letter.replay", `dead_letter:${letter}`],
      ["loan.reject", `loan:${rejected}`],
      ["loan.approve", `loan:${approved}`],
    ]);
    for (const e of entries) {
      expect(e.admin_user_id).toBe(admin.user_id);
      expect(e.entry_id).toEqual(expect.any(String));
      expect(Number.isNaN(Date.parse(e.created_at))).toBe(false);
    }
    expect(entries[2]!.details).toEqual({ reason: "Too many open loans" });
    expect(entries[1]!.details).toMatchObject({ queue: "loan-events" });
    expect(entries[0]!.details).toMatchObject({ direction: "CREDIT", amount: "2.00", reason: "Fee refund" });
    const sorted = [...entries].sort((a, b) => b.created_at.localeCompare(a.created_at));
    expect(sorted.map((e) => e.entry_id)).toEqual(entries.map((e) => e.entry_id));

    // limit bounds and a bad cursor are 400s.
    expectEnvelope(await api("/admin/audit-log?limit=0", { token: admin.token }), 400, "VALIDATION_ERROR");
    expectEnvelope(await api("/admin/audit-log?limit=101", { token: admin.token }), 400, "VALIDATION_ERROR");
    expectEnvelope(await api("/admin/audit-log?cursor=nonsense", { token: admin.token }), 400, "VALIDATION_ERROR");
  });

  it("is admin only: a customer gets 403, no token 401", async () => {
    const user = await signup();
    expectEnvelope(await api("/admin/audit-log", { token: user.token }), 403, "FORBIDDEN");
    expectEnvelope(await api("/admin/audit-log"), 401, "UNAUTHENTICATED");
  });
});

describe("dead-letter replay of a message that is not a known event", () => {
  it("goes back to the queue it was recorded on (it was a 500)", async () => {
    const admin = await signupAdmin();
    const letter = await insertDeadLetter("payment-events", { type: "NOT_AN_EVENT", whatever: 1 });
    const res = await replay(admin.token, letter);
    expect(res.status).toBe(202);
    expect(res.body.dead_letter).toMatchObject({ dead_letter_id: letter, queue: "payment-events" });
    expect(res.body.dead_letter.replayed_at).not.toBeNull();
    const outbox = await env.DB.prepare("SELECT queue, body FROM outbox WHERE substr(outbox_id, 1, ?) = ?")
      .bind(`replay:${letter}:`.length, `replay:${letter}:`)
      .all<{ queue: string; body: string }>();
    expect(outbox.results.map((r) => [r.queue, JSON.parse(r.body)])).toEqual([["payment-events", { type: "NOT_AN_EVENT", whatever: 1 }]]);
    await expect
      .poll(() => captured.some((c) => c.queue === "payment-events" && (c.body as { type?: string }).type === "NOT_AN_EVENT"))
      .toBe(true);
  });

  it("of a queue this API does not know is a 409 INVALID_STATE and changes nothing", async () => {
    const admin = await signupAdmin();
    const letter = await insertDeadLetter("no-such-queue", { type: "LOAN_APPROVED" });
    expectEnvelope(await replay(admin.token, letter), 409, "INVALID_STATE");
    const row = await env.DB.prepare("SELECT replayed_at FROM dead_letters WHERE dead_letter_id = ?").bind(letter).first();
    expect(row).toEqual({ replayed_at: null });
    const logged = await env.DB.prepare("SELECT COUNT(*) AS n FROM admin_audit_log WHERE target = ?").bind(`dead_letter:${letter}`).first();
    expect(logged).toEqual({ n: 0 });
  });
});
