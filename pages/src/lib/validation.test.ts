import { describe, expect, it } from "vitest";
import {
  checkAmount,
  debtOptimiserSchema,
  loanApplicationSchema,
  newWalletSchema,
  parseApr,
  paymentSchema,
  renameWalletSchema,
  repaymentSchema,
  savingsGoalSchema,
  signInSchema,
  signUpSchema,
  walletMovementSchema,
} from "./validation";

function messages(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return (result.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("checkAmount", () => {
  it("normalises to the API's two-decimal string", () => {
    expect(checkAmount("12.5")).toEqual({ ok: true, cents: 1250, value: "12.50" });
    expect(checkAmount("1000000")).toEqual({ ok: true, cents: 100_000_000, value: "1000000.00" });
  });

  it.each([
    ["", "Amount is required"],
    ["0", "Amount must be greater than zero"],
    ["-1", "Amount must be a positive number like 12.50"],
    ["1.234", "Amount can have at most two decimals"],
    ["1000000.01", "Amount must be at most $1,000,000.00"],
  ])("%j → %s", (text, message) => {
    expect(checkAmount(text)).toEqual({ ok: false, message });
  });

  it("applies a field's own bounds", () => {
    expect(checkAmount("49.99", { min: 5000, label: "Loan amount" })).toEqual({
      ok: false,
      message: "Loan amount must be at least $50.00",
    });
  });
});

describe("auth forms", () => {
  it("accepts a valid sign-up and drops a blank name", () => {
    const parsed = signUpSchema.parse({ email: " Ada@Example.com ", password: "12345678", name: "  " });
    expect(parsed).toEqual({ email: "ada@example.com", password: "12345678", name: undefined });
  });

  it("enforces password length 8..128", () => {
    expect(signUpSchema.safeParse({ email: "a@b.co", password: "1234567", name: "" }).success).toBe(false);
    expect(signUpSchema.safeParse({ email: "a@b.co", password: "x".repeat(128), name: "" }).success).toBe(true);
    expect(signUpSchema.safeParse({ email: "a@b.co", password: "x".repeat(129), name: "" }).success).toBe(false);
  });

  it("rejects a malformed email", () => {
    expect(messages(signInSchema.safeParse({ email: "nope", password: "x" }))).toEqual(["email: Enter a valid email address"]);
  });
});

describe("wallet and payment forms", () => {
  it("builds the request body", () => {
    expect(walletMovementSchema.parse({ amount: "10", description: "" })).toEqual({ amount: "10.00", description: undefined });
    expect(paymentSchema.parse({ merchant: " Coffee ", amount: "3.5", description: "latte" })).toEqual({
      merchant: "Coffee",
      amount: "3.50",
      description: "latte",
    });
  });

  it("requires a merchant", () => {
    expect(messages(paymentSchema.safeParse({ merchant: " ", amount: "1", description: "" }))).toEqual(["merchant: Merchant is required"]);
  });
});

describe("loanApplicationSchema", () => {
  it("accepts the limits 50.00..50000.00 and 1..60 months", () => {
    expect(loanApplicationSchema.parse({ amount: "50", loan_term_months: "1", purpose: "" })).toEqual({
      amount: "50.00",
      loan_term_months: 1,
      purpose: undefined,
    });
    expect(loanApplicationSchema.safeParse({ amount: "50000.00", loan_term_months: "60", purpose: "" }).success).toBe(true);
  });

  it.each([
    [{ amount: "49.99", loan_term_months: "12", purpose: "" }, "amount: Loan amount must be at least $50.00"],
    [{ amount: "50000.01", loan_term_months: "12", purpose: "" }, "amount: Loan amount must be at most $50,000.00"],
    [{ amount: "100", loan_term_months: "0", purpose: "" }, "loan_term_months: Term must be a whole number of months from 1 to 60"],
    [{ amount: "100", loan_term_months: "61", purpose: "" }, "loan_term_months: Term must be a whole number of months from 1 to 60"],
    [{ amount: "100", loan_term_months: "1.5", purpose: "" }, "loan_term_months: Term must be a whole number of months from 1 to 60"],
  ])("refuses %j", (input, message) => {
    expect(messages(loanApplicationSchema.safeParse(input))).toEqual([message]);
  });
});

describe("repaymentSchema", () => {
  it("caps the amount at what is still owed", () => {
    const schema = repaymentSchema(12_345);
    expect(schema.parse({ amount: "123.45" })).toEqual({ amount: "123.45" });
    expect(messages(schema.safeParse({ amount: "123.46" }))).toEqual(["amount: Repayment must be at most $123.45"]);
  });
});

describe("savingsGoalSchema", () => {
  const schema = savingsGoalSchema("2026-11-24");

  it("makes the target date optional", () => {
    expect(schema.parse({ goal_name: "Bike", target_amount: "500", target_date: "" })).toEqual({
      goal_name: "Bike",
      target_amount: "500.00",
      target_date: undefined,
    });
  });

  it("requires a real future date", () => {
    expect(schema.safeParse({ goal_name: "Bike", target_amount: "500", target_date: "2026-11-25" }).success).toBe(true);
    expect(messages(schema.safeParse({ goal_name: "Bike", target_amount: "500", target_date: "2026-11-24" }))).toEqual([
      "target_date: Target date must be in the future",
    ]);
    expect(messages(schema.safeParse({ goal_name: "Bike", target_amount: "500", target_date: "2027-02-30" }))).toEqual([
      "target_date: Enter a date as YYYY-MM-DD",
    ]);
  });
});

describe("parseApr", () => {
  it.each([
    ["0", 0],
    ["19.99", 1999],
    ["100", 10000],
    ["7.5", 750],
  ])("%j → %i bp", (text, bp) => {
    expect(parseApr(text)).toBe(bp);
  });

  it.each(["100.01", "-1", "1.234", "", "abc"])("refuses %j", (text) => {
    expect(parseApr(text)).toBeNull();
  });

  it("accepts what people type around the API's canonical form: spaces and leading zeros", () => {
    expect(parseApr(" 19.99 ")).toBe(1999);
    expect(parseApr("07.5")).toBe(750);
    expect(parseApr("000")).toBe(0);
    expect(parseApr("0100")).toBeNull();
  });
});

describe("debtOptimiserSchema", () => {
  const debt = { name: "Card", balance: "1000", apr: "19.99", minimum_payment: "25" };

  it("builds the manual request", () => {
    expect(debtOptimiserSchema.parse({ source: "manual", monthly_budget: "300", debts: [debt] })).toEqual({
      source: "manual",
      monthly_budget: "300.00",
      debts: [{ name: "Card", balance: "1000.00", apr: "19.99", minimum_payment: "25.00" }],
    });
  });

  it("ignores typed rows when the approved loans are used", () => {
    const bad = { name: "", balance: "x", apr: "500", minimum_payment: "" };
    expect(debtOptimiserSchema.parse({ source: "loans", monthly_budget: "300", debts: [bad] })).toEqual({
      source: "loans",
      monthly_budget: "300.00",
    });
  });

  it("reports each bad field at its path", () => {
    const result = debtOptimiserSchema.safeParse({
      source: "manual",
      monthly_budget: "0",
      debts: [debt, { name: "Card", balance: "1.001", apr: "101", minimum_payment: "" }],
    });
    expect(messages(result)).toEqual([
      "monthly_budget: Monthly budget must be greater than zero",
      "debts.1.name: Names must be unique",
      "debts.1.balance: Balance can have at most two decimals",
      "debts.1.minimum_payment: Minimum payment is required",
      "debts.1.apr: APR must be 0 to 100 with at most two decimals",
    ]);
  });

  it("allows a zero minimum payment and names that differ only in case", () => {
    const parsed = debtOptimiserSchema.parse({
      source: "manual",
      monthly_budget: "100",
      debts: [
        { ...debt, minimum_payment: "0" },
        { ...debt, name: "card", apr: "7.5", minimum_payment: "0.00" },
      ],
    });
    expect(parsed.source === "manual" && parsed.debts.map((d) => [d.name, d.apr, d.minimum_payment])).toEqual([
      ["Card", "19.99", "0.00"],
      ["card", "7.50", "0.00"],
    ]);
  });

  it("needs at least one and at most 50 debts", () => {
    expect(messages(debtOptimiserSchema.safeParse({ source: "manual", monthly_budget: "1", debts: [] }))).toEqual([
      "debts: Add at least one debt",
    ]);
    const many = Array.from({ length: 51 }, (_, i) => ({ ...debt, name: `Debt ${i}` }));
    expect(messages(debtOptimiserSchema.safeParse({ source: "manual", monthly_budget: "1", debts: many }))).toEqual([
      "debts: At most 50 debts",
    ]);
  });
});

describe("wallet names", () => {
  it("trims and accepts 1..50 characters", () => {
    expect(renameWalletSchema.parse({ name: "  Holidays " })).toEqual({ name: "Holidays" });
    expect(renameWalletSchema.safeParse({ name: "x".repeat(50) }).success).toBe(true);
    expect(messages(renameWalletSchema.safeParse({ name: "x".repeat(51) }))).toEqual(["name: Name must be at most 50 characters"]);
    expect(messages(renameWalletSchema.safeParse({ name: "   " }))).toEqual(["name: Name is required"]);
  });

  it("refuses control characters and bidirectional overrides, as the API does", () => {
    expect(messages(renameWalletSchema.safeParse({ name: "Bills\u0007" }))).toEqual(["name: Name cannot contain control characters"]);
    expect(messages(renameWalletSchema.safeParse({ name: "evil\u202Egpj" }))).toEqual(["name: Name cannot contain control characters"]);
  });

  it("a new wallet may go unnamed (the API calls it Main)", () => {
    expect(newWalletSchema.parse({ name: "  " })).toEqual({ name: undefined });
    expect(newWalletSchema.parse({ name: " Rent " })).toEqual({ name: "Rent" });
    expect(messages(newWalletSchema.safeParse({ name: "x".repeat(51) }))).toEqual(["name: Name must be at most 50 characters"]);
  });
});
