/**
 * Money between people (API.md, Transfers): the "Send money" form's rules, where the API's refusals
 * belong on the form, and how a transfer reads from one wallet's side.
 */
import { z } from "zod";
import { ApiError } from "../api/errors";
import type { Transfer } from "../api/types";
import { formatMoney } from "./money";
import { checkAmount, email, optionalText } from "./validation";

export type RecipientKind = "person" | "wallet";

export type TransferForm = { to: RecipientKind; to_email: string; to_wallet_id: string; amount: string; description: string };
export type TransferField = keyof TransferForm;

const description = optionalText(200, "Description");

/**
 * The form's fields in, the request's recipient, amount and description out. Every field is checked
 * in one pass (not field by field), so a person sees all the problems at once.
 */
export const transferFormSchema = z
  .object({ to: z.enum(["person", "wallet"]), to_email: z.string(), to_wallet_id: z.string(), amount: z.string(), description: z.string() })
  .transform((form, ctx) => {
    let recipient: { to_email: string } | { to_wallet_id: string } | null = null;
    if (form.to === "person") {
      const address = email.safeParse(form.to_email);
      if (address.success) recipient = { to_email: address.data };
      else {
        const message = form.to_email.trim() === "" ? "Enter the email of the person you are paying" : "Enter a valid email address";
        ctx.addIssue({ code: "custom", path: ["to_email"], message });
      }
    } else if (form.to_wallet_id === "") {
      ctx.addIssue({ code: "custom", path: ["to_wallet_id"], message: "Choose the wallet to move the money to" });
    } else recipient = { to_wallet_id: form.to_wallet_id };
    const amount = checkAmount(form.amount);
    if (!amount.ok) ctx.addIssue({ code: "custom", path: ["amount"], message: amount.message });
    const text = description.safeParse(form.description);
    if (!text.success)
      for (const issue of text.error.issues) ctx.addIssue({ code: "custom", path: ["description"], message: issue.message });
    if (!recipient || !amount.ok || !text.success) return z.NEVER;
    return { recipient, amount: amount.value, description: text.data };
  });

export type TransferRequest = z.output<typeof transferFormSchema>;

export type FieldProblem = { field: TransferField; message: string };

/**
 * Where a refused transfer's reason goes: beside the field it is about (the amount for a lack of
 * funds, the recipient when nobody is found, each validation detail on its field). Returns an empty
 * list for refusals that are about no one field; the form shows those above its button.
 */
export function transferFieldProblems(error: unknown, to: RecipientKind, available: string): FieldProblem[] {
  if (!(error instanceof ApiError)) return [];
  const recipientField: TransferField = to === "person" ? "to_email" : "to_wallet_id";
  switch (error.code) {
    case "INSUFFICIENT_FUNDS":
      return [{ field: "amount", message: `Not enough money in this wallet: you can send up to ${formatMoney(available)}` }];
    case "RECIPIENT_NOT_FOUND":
      return [
        {
          field: recipientField,
          message: to === "person" ? "Nobody with a wallet here uses this email" : "That wallet no longer exists",
        },
      ];
    case "VALIDATION_ERROR": {
      const problems: FieldProblem[] = [];
      for (const detail of error.details) {
        const path = detail.path.replace(/^body\./, "");
        // The API names the recipient "to_wallet_id" also when an email led to the sending wallet itself.
        if (path === "to_wallet_id" || path === "to_email") {
          const message = /same as from_wallet_id/.test(detail.message) ? "That is the wallet you are sending from" : detail.message;
          problems.push({ field: recipientField, message });
        } else if (path === "amount" || path === "description") problems.push({ field: path, message: detail.message });
      }
      return problems;
    }
    default:
      return [];
  }
}

export type TransferSide = {
  direction: "sent" | "received";
  /** The other side: the recipient of a sent transfer, the sender of a received one. */
  otherParty: string;
};

/** A transfer as one wallet sees it. A transfer between two of one's own wallets is "sent" from its source. */
export function transferSide(
  transfer: Pick<Transfer, "from_wallet_id" | "sender_name" | "recipient_name">,
  walletId: string,
): TransferSide {
  return transfer.from_wallet_id === walletId
    ? { direction: "sent", otherParty: transfer.recipient_name }
    : { direction: "received", otherParty: transfer.sender_name };
}

/** What the sender reads while a transfer is on its way and once it has arrived or come back. */
export function transferOutcome(transfer: Pick<Transfer, "status" | "recipient_name">): string {
  switch (transfer.status) {
    case "PENDING":
      return `Taken from your wallet; on its way to ${transfer.recipient_name}…`;
    case "COMPLETED":
      return `Delivered: ${transfer.recipient_name} has received it.`;
    case "REVERSED":
      return "It could not be delivered, so the money is back in your wallet.";
  }
}
