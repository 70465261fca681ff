import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors";
import { incomingTransferNotice } from "./transfer-notices";
import { transferFieldProblems, transferFormSchema, transferOutcome, transferSide } from "./transfers";

const form = { to: "person" as const, to_email: "", to_wallet_id: "", amount: "", description: "" };

function issues(input: Parameters<typeof transferFormSchema.safeParse>[0]) {
  const result = transferFormSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("transferFormSchema", () => {
  it("sends to an email, trimmed and lower-cased, with the amount in canonical form and no blank description", () => {
    expect(transferFormSchema.parse({ ...form, to_email: "  Bea@Example.COM ", amount: "12.5", description: "  " })).toEqual({
      recipient: { to_email: "bea@example.com" },
      amount: "12.50",
      description: undefined,
    });
  });

  it("sends to one of one's own wallets by id, ignoring the email field", () => {
    expect(
      transferFormSchema.parse({ ...form, to: "wallet", to_email: "not an email", to_wallet_id: "w-2", amount: "3", description: "Rent" }),
    ).toEqual({ recipient: { to_wallet_id: "w-2" }, amount: "3.00", description: "Rent" });
  });

  it("puts each problem on its own field", () => {
    expect(issues({ ...form, amount: "10" })).toEqual(["to_email: Enter the email of the person you are paying"]);
    expect(issues({ ...form, to_email: "bea@", amount: "10" })).toEqual(["to_email: Enter a valid email address"]);
    expect(issues({ ...form, to: "wallet", amount: "10" })).toEqual(["to_wallet_id: Choose the wallet to move the money to"]);
    expect(issues({ ...form, to_email: "bea@example.com", amount: "0" })).toEqual(["amount: Amount must be greater than zero"]);
    expect(issues({ ...form, to_email: "bea@example.com", amount: "1.005" })).toEqual(["amount: Amount can have at most two decimals"]);
    expect(issues({ ...form, to_email: "bea@example.com", amount: "1000000.01" })).toEqual([
      "amount: Amount must be at most $1,000,000.00",
    ]);
    expect(issues({ ...form, to_email: "bea@example.com", amount: "5", description: "x".repeat(201) })).toEqual([
      "description: Description must be at most 200 characters",
    ]);
  });

  it("reports every problem at once", () => {
    expect(issues({ ...form, to_email: "bea@", amount: "1.005", description: "x".repeat(201) })).toEqual([
      "to_email: Enter a valid email address",
      "amount: Amount can have at most two decimals",
      "description: Description must be at most 200 characters",
    ]);
  });

  it("rejects a recipient kind it does not know", () => {
    expect(transferFormSchema.safeParse({ ...form, to: "bank", amount: "1" }).success).toBe(false);
  });
});

describe("transferFieldProblems", () => {
  const refused = (status: number, code: string, details: { path: string; message: string }[] = []) =>
    new ApiError(status, code, "refused", "req-1", details);

  it("puts a lack of funds beside the amount, with what can be sent", () => {
    expect(transferFieldProblems(refused(409, "INSUFFICIENT_FUNDS"), "person", "40.00")).toEqual([
      { field: "amount", message: "Not enough money in this wallet: you can send up to $40.00" },
    ]);
  });

  it("puts an unknown recipient beside the field that named it", () => {
    expect(transferFieldProblems(refused(422, "RECIPIENT_NOT_FOUND"), "person", "1.00")).toEqual([
      { field: "to_email", message: "Nobody with a wallet here uses this email" },
    ]);
    expect(transferFieldProblems(refused(422, "RECIPIENT_NOT_FOUND"), "wallet", "1.00")).toEqual([
      { field: "to_wallet_id", message: "That wallet no longer exists" },
    ]);
  });

  it("maps validation details to fields, the sending wallet itself to the recipient field", () => {
    const error = refused(400, "VALIDATION_ERROR", [
      { path: "to_wallet_id", message: "same as from_wallet_id" },
      { path: "body.amount", message: "too many decimals" },
      { path: "description", message: "control characters" },
      { path: "from_wallet_id", message: "unknown" },
    ]);
    expect(transferFieldProblems(error, "person", "1.00")).toEqual([
      { field: "to_email", message: "That is the wallet you are sending from" },
      { field: "amount", message: "too many decimals" },
      { field: "description", message: "control characters" },
    ]);
  });

  it("leaves refusals about no one field to the form (and non-API errors alone)", () => {
    expect(transferFieldProblems(refused(429, "RATE_LIMITED"), "person", "1.00")).toEqual([]);
    expect(transferFieldProblems(refused(404, "NOT_FOUND"), "wallet", "1.00")).toEqual([]);
    expect(transferFieldProblems(new Error("boom"), "person", "1.00")).toEqual([]);
  });
});

const transfer = {
  from_wallet_id: "w-ada",
  to_wallet_id: "w-bea",
  amount: "12.00",
  sender_name: "Ada L.",
  recipient_name: "Bea K.",
};

describe("transferSide", () => {
  it("reads a transfer from the sender's and from the recipient's wallet", () => {
    expect(transferSide(transfer, "w-ada")).toEqual({ direction: "sent", otherParty: "Bea K." });
    expect(transferSide(transfer, "w-bea")).toEqual({ direction: "received", otherParty: "Ada L." });
  });
});

describe("incomingTransferNotice", () => {
  it("announces money from a person by their name and the amount", () => {
    expect(incomingTransferNotice(transfer, "w-bea", new Set(["w-bea"]))).toEqual({ tone: "success", message: "Ada L. sent you $12.00" });
  });

  it("says when the money came from another of one's own wallets", () => {
    const own = { ...transfer, sender_name: "Main", recipient_name: "Savings" };
    expect(incomingTransferNotice(own, "w-bea", new Set(["w-ada", "w-bea"]))).toEqual({
      tone: "success",
      message: "$12.00 moved in from your wallet Main",
    });
  });

  it("tells the sender when their own transfer came back (the reversal is a credit to the sending wallet)", () => {
    expect(incomingTransferNotice(transfer, "w-ada", new Set(["w-ada"]))).toEqual({
      tone: "error",
      message: "Your transfer of $12.00 to Bea K. could not be delivered; the money is back",
    });
  });

  it("says nothing about a transfer that is not this wallet's", () => {
    expect(incomingTransferNotice(transfer, "w-other", new Set())).toBeNull();
  });
});

describe("transferOutcome", () => {
  it("has a sentence for each status", () => {
    expect(transferOutcome({ status: "PENDING", recipient_name: "Bea K." })).toBe("Taken from your wallet; on its way to Bea K.…");
    expect(transferOutcome({ status: "COMPLETED", recipient_name: "Bea K." })).toBe("Delivered: Bea K. has received it.");
    expect(transferOutcome({ status: "REVERSED", recipient_name: "Bea K." })).toBe(
      "It could not be delivered, so the money is back in your wallet.",
    );
  });
});
