import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createWallet, expectEnvelope, signup, signupAdmin } from "../helpers/api";
import { applyFor } from "../loans/loans-factories";

type Entry = {
  entry_id: string;
  admin_user_id: string | null;
  admin_email: string | null;
  action: string;
  target: string;
  details: Record<string, unknown>;
  created_at: string;
};
type Page = { entries: Entry[]; next_cursor: string | null };

/** Every page of `query` (limit and action), following next_cursor. */
async function allPages(token: string, query: string): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: Page } = await api(
      `/admin/audit-log?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      {
        token,
      },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body);
    cursor = res.body.next_cursor;
  } while (cursor !== null);
  return pages;
}

/** An approval, a rejection with a reason, an adjustment in between, and an operator's role change. */
async function seedActions() {
  const admin = await signupAdmin();
  const user = await signup();
  const walletId = await createWallet(user);
  const approved = (await applyFor(user, walletId, "100.00", 6)).loan_id;
  const rejected = (await applyFor(user, walletId, "100.00", 6)).loan_id;
  expect((await api(`/loan/${approved}/approve`, { token: admin.token, method: "POST" })).status).toBe(200);
  const adjusted = await api(`/admin/wallets/${walletId}/adjustments`, {
    token: admin.token,
    body: { direction: "CREDIT", amount: "1.00", reason: "Goodwill" },
  });
  expect(adjusted.status).toBe(201);
  expect((await api(`/loan/${rejected}/reject`, { token: admin.token, body: { reason: "Income not verified" } })).status).toBe(200);
  // As `npm run admin:grant` records it: out of band, by the operator, with no account of its own.
  await env.DB.prepare(
    "INSERT INTO admin_audit_log (entry_id, admin_user_id, action, target, details, created_at) VALUES (?, 'operator', 'role.grant', ?, ?, ?)",
  )
    .bind(crypto.randomUUID(), `user:${user.user_id}`, JSON.stringify({ email: user.email, role: "admin" }), new Date().toISOString())
    .run();
  const targets = new Set([`loan:${approved}`, `loan:${rejected}`, `wallet:${walletId}`, `user:${user.user_id}`]);
  /** This seed's entries only: the file's tests share one database. */
  const ours = (entries: Entry[]) => entries.filter((e) => targets.has(e.target));
  return { admin, user, walletId, approved, rejected, ours };
}

describe("the audit log's action filter", () => {
  it("keeps only the given actions, repeated or comma-separated, and pages through them with the cursor", async () => {
    const { admin, approved, rejected, ours } = await seedActions();
    const decisions = [
      ["loan.reject", `loan:${rejected}`],
      ["loan.approve", `loan:${approved}`],
    ];

    const repeated = await allPages(admin.token, "limit=1&action=loan.approve&action=loan.reject");
    // One entry a page, and the filter holds on every page: the adjustment between the two is skipped,
    // and the pages after them (earlier tests' decisions, if any) are decisions too.
    expect(repeated.every((p) => p.entries.length === 1)).toBe(true);
    const repeatedEntries = repeated.flatMap((p) => p.entries);
    expect(repeatedEntries.slice(0, 2).map((e) => [e.action, e.target])).toEqual(decisions);
    expect(repeatedEntries.every((e) => e.action === "loan.approve" || e.action === "loan.reject")).toBe(true);

    const commas = (await allPages(admin.token, "limit=1&action=loan.approve,loan.reject")).flatMap((p) => p.entries);
    expect(commas.map((e) => e.entry_id)).toEqual(repeatedEntries.map((e) => e.entry_id));

    // Spaces around commas, a repeat of the same action, and both forms at once mean the same filter.
    const mixed = await allPages(admin.token, `limit=50&action=${encodeURIComponent("loan.reject, loan.approve")}&action=loan.reject`);
    expect(mixed.flatMap((p) => p.entries).map((e) => e.entry_id)).toEqual(repeatedEntries.map((e) => e.entry_id));

    const one = (await allPages(admin.token, "action=loan.reject")).flatMap((p) => p.entries);
    expect(one.every((e) => e.action === "loan.reject")).toBe(true);
    expect(ours(one).map((e) => [e.action, e.target, e.details])).toEqual([
      ["loan.reject", `loan:${rejected}`, { reason: "Income not verified" }],
    ]);

    const adjustments = (await allPages(admin.token, "action=wallet.adjust")).flatMap((p) => p.entries);
    expect(adjustments.every((e) => e.action === "wallet.adjust")).toBe(true);
    expect(ours(adjustments)).toHaveLength(1);

    // No filter: every action, as before.
    const everything = ours((await allPages(admin.token, "limit=100")).flatMap((p) => p.entries));
    expect(everything.map((e) => e.action)).toEqual(["role.grant", "loan.reject", "wallet.adjust", "loan.approve"]);
  });

  it("refuses an action it does not know and an empty filter (400)", async () => {
    const admin = await signupAdmin();
    expectEnvelope(await api("/admin/audit-log?action=loan.delete", { token: admin.token }), 400, "VALIDATION_ERROR");
    expectEnvelope(await api("/admin/audit-log?action=loan.approve,nonsense", { token: admin.token }), 400, "VALIDATION_ERROR");
    expectEnvelope(await api("/admin/audit-log?action=", { token: admin.token }), 400, "VALIDATION_ERROR");
    expectEnvelope(await api("/admin/audit-log?action=,", { token: admin.token }), 400, "VALIDATION_ERROR");
  });

  it("is admin only, filter or not", async () => {
    const user = await signup();
    expectEnvelope(await api("/admin/audit-log?action=loan.approve", { token: user.token }), 403, "FORBIDDEN");
    expectEnvelope(await api("/admin/audit-log?action=loan.approve"), 401, "UNAUTHENTICATED");
  });
});

describe("each audit entry's admin_email", () => {
  it("is the acting admin's email beside every existing field, and null for the operator", async () => {
    const { admin, user, ours } = await seedActions();
    const entries = (await allPages(admin.token, "limit=100")).flatMap((p) => p.entries);
    for (const entry of entries) {
      expect(Object.keys(entry).sort()).toEqual(["action", "admin_email", "admin_user_id", "created_at", "details", "entry_id", "target"]);
    }
    const byAdmin = ours(entries).filter((e) => e.admin_user_id === admin.user_id);
    expect(byAdmin.map((e) => e.action)).toEqual(["loan.reject", "wallet.adjust", "loan.approve"]);
    for (const entry of byAdmin) expect(entry.admin_email).toBe(admin.email);
    const operator = ours(entries).find((e) => e.action === "role.grant");
    expect(operator).toMatchObject({ admin_user_id: "operator", admin_email: null, target: `user:${user.user_id}` });
  });
});
