/**
 * The saga events of API.md ("Events"): one envelope, validated on receipt, with a typed payload
 * per event type. Amounts travel as money strings, like everywhere else in the API.
 */
import { z } from "@hono/zod-openapi";
import { moneyString } from "./money";

const Id = z.string().min(1).max(100);

export const PAYLOADS = {
  PAYMENT_REQUESTED: z.object({ payment_id: Id, wallet_id: Id, amount: moneyString }),
  PAYMENT_SUCCESSFUL: z.object({ payment_id: Id, wallet_id: Id, transaction_id: Id.nullable() }),
  PAYMENT_FAILED: z.object({ payment_id: Id, wallet_id: Id, failure_reason: z.string() }),
  LOAN_APPROVED: z.object({ loan_id: Id, wallet_id: Id, amount: moneyString }),
  LOAN_DISBURSED: z.object({ loan_id: Id, wallet_id: Id, transaction_id: Id.nullable() }),
  LOAN_REPAYMENT_REQUESTED: z.object({ repayment_id: Id, loan_id: Id, wallet_id: Id, amount: moneyString }),
  LOAN_REPAYMENT_SUCCESSFUL: z.object({ repayment_id: Id, loan_id: Id, wallet_id: Id, transaction_id: Id.nullable() }),
  LOAN_REPAYMENT_FAILED: z.object({ repayment_id: Id, loan_id: Id, wallet_id: Id, failure_reason: z.string() }),
} as const;

export type EventType = keyof typeof PAYLOADS;
export type EventPayload<T extends EventType> = z.infer<(typeof PAYLOADS)[T]>;

const envelope = <T extends EventType>(type: T) =>
  z.object({
    event_id: Id,
    type: z.literal(type),
    occurred_at: z.string(),
    correlation_id: Id,
    request_id: z.string().max(100),
    payload: PAYLOADS[type],
  });

export const EventSchema = z.discriminatedUnion("type", [
  envelope("PAYMENT_REQUESTED"),
  envelope("PAYMENT_SUCCESSFUL"),
  envelope("PAYMENT_FAILED"),
  envelope("LOAN_APPROVED"),
  envelope("LOAN_DISBURSED"),
  envelope("LOAN_REPAYMENT_REQUESTED"),
  envelope("LOAN_REPAYMENT_SUCCESSFUL"),
  envelope("LOAN_REPAYMENT_FAILED"),
]);

export type AppEvent = z.infer<typeof EventSchema>;
export type EventOf<T extends EventType> = Extract<AppEvent, { type: T }>;

export type QueueName = "loan-events" | "payment-events";

/** Which queue (the SNS topic of the original) carries each event type. */
export const queueFor = (type: EventType): QueueName => (type.startsWith("PAYMENT_") ? "payment-events" : "loan-events");

export function makeEvent<T extends EventType>(
  type: T,
  payload: EventPayload<T>,
  context: { correlationId: string; requestId?: string; eventId?: string },
): EventOf<T> {
  return {
    event_id: context.eventId ?? crypto.randomUUID(),
    type,
    occurred_at: new Date().toISOString(),
    correlation_id: context.correlationId,
    request_id: context.requestId ?? "",
    payload,
  } as EventOf<T>;
}

export const queueBinding = (env: Env, queue: QueueName): Queue => (queue === "loan-events" ? env.LOAN_EVENTS : env.PAYMENT_EVENTS);
