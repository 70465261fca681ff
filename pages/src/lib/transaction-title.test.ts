import { describe, expect, it } from "vitest";
import { transactionTitle } from "./transaction-title";

const loans = new Map([["loan-1", "for “New laptop”"]]);

describe("transactionTitle", () => {
  it("names the merchant of a payment", () => {
    expect(transactionTitle({ type: "PAYMENT_OUT", counterparty: { account: "merchants", name: "Corner Cafe" } })).toBe(
      "Payment to Corner Cafe",
    );
  });

  it("names which loan a disbursement or repayment belongs to, by the loan account", () => {
    expect(transactionTitle({ type: "LOAN_IN", counterparty: { account: "loan:loan-1", name: "Loan" } }, loans)).toBe(
      "Loan disbursed for “New laptop”",
    );
    expect(transactionTitle({ type: "LOAN_REPAYMENT", counterparty: { account: "loan:loan-1", name: "Loan" } }, loans)).toBe(
      "Loan repayment for “New laptop”",
    );
    expect(transactionTitle({ type: "LOAN_IN", counterparty: { account: "loan:unknown", name: "Loan" } }, loans)).toBe("Loan disbursed");
  });

  it("names goals and the other side of a transfer", () => {
    expect(transactionTitle({ type: "SAVINGS_ADD", counterparty: { account: "goal:g1", name: "Holiday" } })).toBe(
      "Moved to savings · Holiday",
    );
    expect(transactionTitle({ type: "TRANSFER_IN", counterparty: { account: "wallet:w2", name: "Ada L." } })).toBe(
      "Transfer received · Ada L.",
    );
  });

  it("does not repeat the kind of movement for deposits, withdrawals and adjustments", () => {
    expect(transactionTitle({ type: "DEPOSIT", counterparty: { account: "funding", name: "Deposit" } })).toBe("Deposit");
    expect(transactionTitle({ type: "WITHDRAWAL", counterparty: { account: "payouts", name: "Withdrawal" } })).toBe("Withdrawal");
    expect(transactionTitle({ type: "ADJUSTMENT", counterparty: { account: "adjustments", name: "Adjustment" } })).toBe("Adjustment");
  });
});
