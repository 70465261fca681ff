import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors";
import {
  amountOrAll,
  authorizedCents,
  captureSchema,
  holdsLine,
  paymentActionProblem,
  paymentActions,
  refundableCents,
  refundSchema,
} from "./payment-actions";

const payment = {
  status: "SUCCESSFUL" as const,
  amount: "50.00",
  authorized_amount: "50.00" as string | null,
  captured_amount: "40.00",
  refunded_amount: "15.00",
};

function issues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return result.success ? [] : (result.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("amounts of a payment", () => {
  it("refundable is captured less refunded, never negative", () => {
    expect(refundableCents(payment)).toBe(2500);
    expect(refundableCents({ ...payment, refunded_amount: "40.00" })).toBe(0);
    expect(refundableCents({ ...payment, refunded_amount: "41.00" })).toBe(0);
  });

  it("the authorized amount falls back to the payment's amount", () => {
    expect(authorizedCents(payment)).toBe(5000);
    expect(authorizedCents({ ...payment, authorized_amount: null, amount: "12.34" })).toBe(1234);
  });
});

describe("paymentActions", () => {
  it("an authorization can be captured or canceled, not refunded", () => {
    expect(paymentActions({ ...payment, status: "AUTHORIZED", captured_amount: "0.00", refunded_amount: "0.00" })).toEqual({
      capture: true,
      cancel: true,
      refund: false,
    });
  });

  it("a successful payment can be refunded while something is left", () => {
    expect(paymentActions(payment)).toEqual({ capture: false, cancel: false, refund: true });
    expect(paymentActions({ ...payment, refunded_amount: "40.00" })).toEqual({ capture: false, cancel: false, refund: false });
  });

  it("nothing is possible on a pending, failed or canceled payment", () => {
    for (const status of ["PENDING", "FAILED", "CANCELED"] as const) {
      expect(paymentActions({ ...payment, status })).toEqual({ capture: false, cancel: false, refund: false });
    }
  });
});

describe("captureSchema", () => {
  const schema = captureSchema(5000);

  it("blank captures everything (the API's default); a smaller amount is canonical", () => {
    expect(schema.parse({ amount: "" })).toEqual({ amount: undefined });
    expect(schema.parse({ amount: " 30.5 " })).toEqual({ amount: "30.50" });
    expect(schema.parse({ amount: "50" })).toEqual({ amount: "50.00" });
  });

  it("refuses more than was authorized and malformed amounts", () => {
    expect(issues(schema.safeParse({ amount: "50.01" }))).toEqual(["amount: You can capture at most $50.00, what was authorized"]);
    expect(issues(schema.safeParse({ amount: "0" }))).toEqual(["amount: Amount must be greater than zero"]);
    expect(issues(schema.safeParse({ amount: "1.234" }))).toEqual(["amount: Amount can have at most two decimals"]);
  });
});

describe("refundSchema", () => {
  const schema = refundSchema(2500);

  it("blank refunds what is left; a reason is optional", () => {
    expect(schema.parse({ amount: "", reason: "  " })).toEqual({ amount: undefined, reason: undefined });
    expect(schema.parse({ amount: "10", reason: "Damaged box" })).toEqual({ amount: "10.00", reason: "Damaged box" });
  });

  it("refuses more than is left to refund and an over-long reason", () => {
    expect(issues(schema.safeParse({ amount: "25.01", reason: "" }))).toEqual([
      "amount: You can refund at most $25.00, what is left of the payment",
    ]);
    expect(issues(schema.safeParse({ amount: "1", reason: "x".repeat(201) }))).toEqual(["reason: Reason must be at most 200 characters"]);
  });

  it("the confirmation names the amount a blank field stands for", () => {
    expect(amountOrAll(undefined, 2500)).toBe("25.00");
    expect(amountOrAll("10.00", 2500)).toBe("10.00");
  });
});

describe("paymentActionProblem", () => {
  const refused = (status: number, code: string, details: { path: string; message: string }[] = []) =>
    new ApiError(status, code, "The API's message", null, details);

  it("puts the caps beside the amount", () => {
    expect(paymentActionProblem(refused(422, "CAPTURE_EXCEEDS_AUTHORIZED"))).toEqual({
      field: "amount",
      message: "That is more than was authorized",
    });
    expect(paymentActionProblem(refused(422, "REFUND_EXCEEDS_CAPTURED"))).toEqual({
      field: "amount",
      message: "That is more than is left to refund",
    });
  });

  it("explains a payment that moved on meanwhile, for the whole form", () => {
    expect(paymentActionProblem(refused(409, "INVALID_STATE")).field).toBeNull();
  });

  it("maps validation details to the amount or the reason", () => {
    expect(paymentActionProblem(refused(400, "VALIDATION_ERROR", [{ path: "reason", message: "control characters" }]))).toEqual({
      field: "reason",
      message: "control characters",
    });
    expect(paymentActionProblem(refused(400, "VALIDATION_ERROR", [{ path: "body.amount", message: "bad" }]))).toEqual({
      field: "amount",
      message: "bad",
    });
    expect(paymentActionProblem(refused(429, "RATE_LIMITED"))).toEqual({ field: null, message: "The API's message" });
  });
});

describe("holdsLine", () => {
  it("says what is on hold and what is available, and nothing without holds", () => {
    expect(holdsLine({ held_balance: "50.00", available_balance: "150.00" })).toBe("$50.00 on hold · $150.00 available");
    expect(holdsLine({ held_balance: "0.00", available_balance: "150.00" })).toBeNull();
  });
});
