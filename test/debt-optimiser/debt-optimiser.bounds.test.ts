import { describe, expect, it } from "vitest";
import { MAX_SCHEDULE_BYTES } from "../../workers/debt-optimiser";
import { formatPlan, optimise, scheduleBytes } from "../../workers/debt-optimiser/simulate";
import { formatCents } from "../../workers/lib/money";
import { api, expectEnvelope, signup } from "../helpers/api";
import { longSchedule } from "./factories";

/** The slowest realistic request (factories.ts) with names of `nameLength` characters. */
function longRequest(nameLength: number, extra: Record<string, unknown> = {}) {
  const { debts, monthlyBudget } = longSchedule();
  return {
    monthly_budget: formatCents(monthlyBudget),
    debts: debts.map((d, i) => ({
      name: `${String(i + 1).padStart(2, "0")}-${"n".repeat(nameLength - 3)}`,
      balance: formatCents(d.balance),
      apr: formatCents(d.aprBp),
      minimum_payment: formatCents(d.minimumPayment),
    })),
    ...extra,
  };
}

async function post(body: unknown) {
  const user = await signup();
  return api("/debt-optimiser", { token: user.token, body });
}

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

describe("debt optimiser bounds (issue: 33 KB in, 108 MB out)", () => {
  it("names are 1..40 printable characters", async () => {
    const ok = await post(longRequest(40, { include_schedule: false }));
    expect(ok.status).toBe(200);
    const long = await post(longRequest(41, { include_schedule: false }));
    expectEnvelope(long, 400, "VALIDATION_ERROR");
    expect(long.body.error.details.map((d: { path: string }) => d.path)).toContain("debts.0.name");
    for (const name of ["a\u0000", "a\u001b[2J", "\u202Eevil", "line\nbreak", "a\u0085"]) {
      const res = await post({ monthly_budget: "100", debts: [{ name, balance: "500", apr: "10", minimum_payment: "20" }] });
      expectEnvelope(res, 400, "VALIDATION_ERROR");
    }
  });

  it("the amplification request (50 debts, ~600 months, control-character names) is refused", async () => {
    const body = longRequest(40);
    body.debts = body.debts.map((d, i) => ({ ...d, name: `${"\u0001".repeat(38)}${String(i).padStart(2, "0")}` }));
    expect(jsonBytes(body)).toBeGreaterThan(5_000);
    expectEnvelope(await post(body), 400, "VALIDATION_ERROR");
  });

  it("with printable 40-character names, the schedules it asks for are refused as too large, not built", async () => {
    const res = await post(longRequest(40));
    expectEnvelope(res, 400, "VALIDATION_ERROR");
    expect(res.body.error.details[0].path).toBe("include_schedule");
    expect(jsonBytes(res.body)).toBeLessThan(2_000);
  });

  it("50 debts without schedules answer at most 100 KB, with every plan but no schedule", async () => {
    const res = await post(longRequest(40, { include_schedule: false }));
    expect(res.status).toBe(200);
    expect(res.body.snowball.months).toBe(598);
    for (const plan of [res.body.avalanche, res.body.snowball]) {
      expect(plan).not.toHaveProperty("schedule");
      expect(plan.debts).toHaveLength(50);
    }
    expect(jsonBytes(res.body)).toBeLessThanOrEqual(100_000);
  });

  it("50 debts with schedules answer at most 2 MB", async () => {
    const res = await post(longRequest(8));
    expect(res.status).toBe(200);
    expect(res.body.snowball.schedule).toHaveLength(598);
    expect(jsonBytes(res.body)).toBeLessThanOrEqual(2_000_000);
  });

  it("include_schedule may name the one strategy whose rows a person opened", async () => {
    const res = await post(longRequest(20, { include_schedule: "avalanche" }));
    expect(res.status).toBe(200);
    expect(res.body.avalanche.schedule).toHaveLength(res.body.avalanche.months);
    expect(res.body.snowball).not.toHaveProperty("schedule");
    expect(jsonBytes(res.body)).toBeLessThanOrEqual(2_000_000);
    expectEnvelope(await post(longRequest(20, { include_schedule: "everything" })), 400, "VALIDATION_ERROR");
  });

  it("scheduleBytes is the schedule's JSON size to within a few bytes a row, without building it", () => {
    const { debts, monthlyBudget } = longSchedule();
    const outcome = optimise(debts, monthlyBudget);
    if (!outcome.ok) throw new Error("expected plans");
    for (const plan of [outcome.avalanche, outcome.snowball]) {
      const actual = jsonBytes(formatPlan(plan).schedule);
      const estimate = scheduleBytes(plan);
      expect(Math.abs(estimate - actual)).toBeLessThanOrEqual(plan.months * 4);
    }
    expect(MAX_SCHEDULE_BYTES).toBe(2_000_000);
  });
});
