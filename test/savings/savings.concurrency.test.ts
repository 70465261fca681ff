import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WalletLedger } from "../../durable-objects/wallet-ledger";
import { parseCents } from "../../workers/domain/money";
import { api, centsToString, createWallet, signup } from "../helpers/api";
import { books, createGoal, ledger } from "./savings-factories";

describe("savings goals", () => {
  it("50 concurrent adds that together exceed the wallet never overdraw it", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 100_000);
    const goalId = await createGoal(user, walletId, "100000.00");
    const results = await Promise.all(
      Array.from({ length: 50 }, () => api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "30.00" } })),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(33);
    for (const r of results.filter((r) => r.status !== 200)) expect(r.body.error.code).toBe("INSUFFICIENT_FUNDS");
    const audit = await books(user, walletId);
    expect(audit.pockets).toBe(33 * 3_000);
    expect(audit.balance).toBe(100_000 - 33 * 3_000);
    expect((await api(`/savings-goal/${goalId}`, { token: user.token })).body.goal.current_amount).toBe("990.00");
    // The D1 mirror converged on the ledger's last version despite out-of-order replies.
    const mirror = await env.DB.prepare("SELECT current_cents FROM savings_goals WHERE goal_id = ?")
      .bind(goalId)
      .first<{ current_cents: number }>();
    expect(mirror?.current_cents).toBe(99_000);
  });

  it("a delete racing with adds loses nothing", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 50_000);
    const goalId = await createGoal(user, walletId, "1000.00");
    await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "10.00" } });
    const adds = Array.from({ length: 20 }, () => api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "5.00" } }));
    const del = api(`/savings-goal/${goalId}`, { token: user.token, method: "DELETE" });
    const [deleted, ...added] = await Promise.all([del, ...adds]);
    expect(deleted!.status).toBe(200);
    for (const r of added) expect([200, 404, 409]).toContain(r.status);
    const audit = await books(user, walletId);
    expect(audit.pockets).toBe(0);
    expect(audit.balance).toBe(50_000);
  });

  it("a fault inside the ledger transaction changes neither the wallet nor the goal", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    const goalId = await createGoal(user, walletId, "50.00");
    await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "20.00" } });
    for (const mode of ["add", "redeem", "close"] as const) {
      await runInDurableObject(ledger(walletId), (instance: WalletLedger) => {
        instance.faultPoint = (point) => {
          if (point === "pocket-after-update") throw new Error("injected fault");
        };
        const base = { transferId: `t-${mode}`, owner: null, goalId, target: 5_000, now: new Date().toISOString() };
        const run = () =>
          mode === "add"
            ? instance.pocketAdd({ ...base, amount: 1_000 })
            : instance.pocketRelease({ ...base, mode: mode === "redeem" ? "redeem" : "close" });
        if (mode === "redeem") {
          // Below target the redeem is refused before any write; top the pocket up without the fault first.
          instance.faultPoint = undefined;
          instance.pocketAdd({ ...base, transferId: "t-fill", amount: 3_000 });
          instance.faultPoint = (point) => {
            if (point === "pocket-after-update") throw new Error("injected fault");
          };
        }
        const before = instance.audit();
        expect(run).toThrow(/injected fault/);
        expect(instance.audit()).toEqual(before);
        instance.faultPoint = undefined;
      });
    }
    await books(user, walletId);
  });

  it("keeps wallet + pockets conserved over 200 random sequences, some concurrent", async () => {
    // A user has at most 10 wallets (API.md), and every run opens one: a few users share the runs.
    let runs = 0;
    let user = await signup();
    type Op = { kind: "credit" | "debit" | "add" | "redeem" | "delete"; goal: number; amount: number };
    const op = fc.record({
      kind: fc.constantFrom("credit", "debit", "add", "add", "redeem", "delete") as fc.Arbitrary<Op["kind"]>,
      goal: fc.integer({ min: 0, max: 2 }),
      amount: fc.integer({ min: 1, max: 8_000 }),
    });
    const step = fc.oneof(
      { weight: 3, arbitrary: op.map((o) => [o]) },
      { weight: 1, arbitrary: fc.array(op, { minLength: 2, maxLength: 4 }) },
    );

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 8 }), async (steps) => {
        if (++runs % 10 === 0) user = await signup();
        const walletId = await createWallet(user, 10_000);
        const goals = [
          await createGoal(user, walletId, "50.00"),
          await createGoal(user, walletId, "100.00"),
          await createGoal(user, walletId, "20.00"),
        ];
        let external = 10_000; // deposits − withdrawals that succeeded
        const model = { wallet: 10_000, pockets: [0, 0, 0], state: ["ACTIVE", "ACTIVE", "ACTIVE"] as string[] };
        for (const group of steps) {
          const sequential = group.length === 1;
          const results = await Promise.all(
            group.map(async (o) => {
              const goalId = goals[o.goal]!;
              const body = { amount: centsToString(o.amount) };
              switch (o.kind) {
                case "credit":
                  return { o, res: await api(`/wallet/${walletId}/credit`, { token: user.token, body }) };
                case "debit":
                  return { o, res: await api(`/wallet/${walletId}/debit`, { token: user.token, body }) };
                case "add":
                  return { o, res: await api(`/savings-goal/${goalId}/add`, { token: user.token, body }) };
                case "redeem":
                  return { o, res: await api(`/savings-goal/${goalId}/redeem`, { token: user.token, method: "POST" }) };
                case "delete":
                  return { o, res: await api(`/savings-goal/${goalId}`, { token: user.token, method: "DELETE" }) };
              }
            }),
          );
          for (const { o, res } of results) {
            expect(res.status).toBeLessThan(500);
            if (o.kind === "credit" && res.status === 200) external += o.amount;
            if (o.kind === "debit" && res.status === 200) external -= o.amount;
            if (!sequential) continue;
            // One operation at a time: the model predicts the exact answer.
            const g = o.goal;
            const targets = [5_000, 10_000, 2_000];
            const active = model.state[g] === "ACTIVE";
            if (o.kind === "credit") model.wallet += o.amount;
            else if (o.kind === "debit") {
              if (model.wallet >= o.amount) model.wallet -= o.amount;
              expect(res.status).toBe(model.wallet >= 0 && res.status === 200 ? 200 : 409);
            } else if (o.kind === "add") {
              const expected = model.state[g] === "DELETED" ? 404 : !active ? 409 : model.wallet < o.amount ? 409 : 200;
              expect(res.status).toBe(expected);
              if (expected === 200) {
                model.wallet -= o.amount;
                model.pockets[g]! += o.amount;
              }
            } else if (o.kind === "redeem") {
              const expected = model.state[g] === "DELETED" ? 404 : !active ? 409 : model.pockets[g]! < targets[g]! ? 422 : 200;
              expect(res.status).toBe(expected);
              if (expected === 200) {
                model.wallet += model.pockets[g]!;
                model.pockets[g] = 0;
                model.state[g] = "REDEEMED";
              }
            } else if (o.kind === "delete") {
              expect(res.status).toBe(model.state[g] === "DELETED" ? 404 : 200);
              if (res.status === 200) {
                expect(parseCents(res.body.returned_amount)).toBe(model.pockets[g]);
                model.wallet += model.pockets[g]!;
                model.pockets[g] = 0;
                model.state[g] = "DELETED";
              }
            }
          }
          if (!sequential) {
            // Resynchronise the model from the ledger after a concurrent group.
            const audit = (await ledger(walletId).audit())!;
            model.wallet = audit.balance;
            for (const [i, goalId] of goals.entries()) {
              const pocket = await ledger(walletId).getPocket(null, goalId);
              model.pockets[i] = pocket?.amount ?? 0;
              const row = await env.DB.prepare("SELECT status FROM savings_goals WHERE goal_id = ?")
                .bind(goalId)
                .first<{ status: string }>();
              model.state[i] = row!.status;
            }
          }
        }
        const audit = await books(user, walletId);
        expect(audit.balance).toBeGreaterThanOrEqual(0);
        expect(audit.balance).toBe(model.wallet);
        expect(audit.balance + audit.pockets).toBe(external);
      }),
      { numRuns: 200, seed: 4242 },
    );
  }, 300_000);
});
