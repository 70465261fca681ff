/**
 * What can be done with a payment after it is made (API.md, Payments: manual capture, refunds):
 * capture or cancel an authorization, refund a successful payment in part or whole. The forms'
 * rules mirror the API's caps, and its refusals are put beside the field they are about.
 */
import { z } from "zod";
import { type Cents, formatCents, parseCents } from "../../../workers/domain/money";
import { ApiError } from "../api/errors";
import type { Payment } from "../api/types";
import { formatMoney } from "./money";
import { checkAmount, optionalText } from "./validation";

type Amounts = Pick<Payment, "status" | "amount" | "authorized_amount" | "captured_amount" | "refunded_amount">;

/** What an authorization reserves (the payment's amount when the API leaves it out). */
export const authorizedCents = (payment: Amounts): Cents => parseCents(payment.authorized_amount ?? payment.amount);

/** What may still be refunded: captured less refunded, never below zero. */
export const refundableCents = (payment: Amounts): Cents =>
  Math.max(parseCents(payment.captured_amount) - parseCents(payment.refunded_amount), 0);

export type PaymentActions = { capture: boolean; cancel: boolean; refund: boolean };

export function paymentActions(payment: Amounts): PaymentActions {
  const authorized = payment.status === "AUTHORIZED";
  return { capture: authorized, cancel: authorized, refund: payment.status === "SUCCESSFUL" && refundableCents(payment) > 0 };
}

/** An optional amount: blank means "all of it" (the API's default), otherwise 0.01 up to `max`. */
function optionalAmount(max: Cents, label: string, tooMuch: string) {
  return z.string().transform((text, ctx) => {
    if (text.trim() === "") return undefined;
    const checked = checkAmount(text, { label });
    if (!checked.ok) {
      ctx.addIssue({ code: "custom", message: checked.message });
      return z.NEVER;
    }
    if (checked.cents > max) {
      ctx.addIssue({ code: "custom", message: tooMuch });
      return z.NEVER;
    }
    return checked.value;
  });
}

/** Capturing an authorization: all of it (blank) or less; never more than was authorized. */
export function captureSchema(authorized: Cents) {
  return z.object({
    amount: optionalAmount(authorized, "Amount", `You can capture at most ${formatMoney(authorized)}, what was authorized`),
  });
}

/** Refunding a payment: what is left (blank) or part of it, with an optional reason. */
export function refundSchema(refundable: Cents) {
  return z.object({
    amount: optionalAmount(refundable, "Amount", `You can refund at most ${formatMoney(refundable)}, what is left of the payment`),
    reason: optionalText(200, "Reason"),
  });
}

/** The amount a blank field stands for, for the confirmation. */
export const amountOrAll = (amount: string | undefined, all: Cents): string => amount ?? formatCents(all);

/** A refusal of a capture, cancel or refund: on the amount field when it is about the amount, else for the form. */
export function paymentActionProblem(error: unknown): { field: "amount" | "reason" | null; message: string } {
  if (!(error instanceof ApiError)) return { field: null, message: "Something went wrong." };
  switch (error.code) {
    case "CAPTURE_EXCEEDS_AUTHORIZED":
      return { field: "amount", message: "That is more than was authorized" };
    case "REFUND_EXCEEDS_CAPTURED":
      return { field: "amount", message: "That is more than is left to refund" };
    case "INVALID_STATE":
      return { field: null, message: "This payment has changed meanwhile (captured, canceled or expired); its status is shown above." };
    case "VALIDATION_ERROR": {
      const detail = error.details.find((d) => /^(body\.)?(amount|reason)$/.test(d.path));
      if (detail) return { field: detail.path.endsWith("reason") ? "reason" : "amount", message: detail.message };
      return { field: null, message: error.message };
    }
    default:
      return { field: null, message: error.message };
  }
}

/** The line under a balance while holds reserve part of it, or null when nothing is held. */
export function holdsLine(wallet: { held_balance: string; available_balance: string; currency?: string }): string | null {
  if (parseCents(wallet.held_balance) === 0) return null;
  const currency = { currency: wallet.currency };
  return `${formatMoney(wallet.held_balance, currency)} on hold · ${formatMoney(wallet.available_balance, currency)} available`;
}
