/**
 * The saga events of API.md ("Events"): one envelope, validated on receipt, with a typed payload
 * per event type. Amounts travel as money strings, like everywhere else in the API.
 */
import { z } from "@hono/zod-openapi";
import { moneyString } from "./money";

const Id = z.string().min(1).max(100);
const CLIENT_REQUEST_ID_MAX = 64;

/**
 * A client's `X-Request-Id`, as it may be recorded beside the server's request id: printable
 * id characters only, at most 64 of them; null when nothing usable is left.
 */
export function clientRequestId(header: string | null | undefined): string | null {
  if (!header) return null;
  const cleaned = header.replace(/[^\w\-=.:]/g, "").slice(0, CLIENT_REQUEST_ID_MAX);
  return cleaned.length > 0 ? cleaned : null;
}

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
    /** The client's `X-Request-Id`, sanitised and truncated (see `clientRequestId`); never the event's id. */
    client_request_id: z.string().max(CLIENT_REQUEST_ID_MAX).optional(),
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
  context: { correlationId: string; requestId?: string; eventId?: string; clientRequestId?: string | null },
): EventOf<T> {
  const client = clientRequestId(context.clientRequestId);
  return {
    event_id: context.eventId ?? crypto.randomUUID(),
    type,
    occurred_at: new Date().toISOString(),
    correlation_id: context.correlationId,
    request_id: context.requestId ?? "",
    ...(client ? { client_request_id: client } : {}),
    payload,
  } as EventOf<T>;
}

export const queueBinding = (env: Env, queue: QueueName): Queue => (queue === "loan-events" ? env.LOAN_EVENTS : env.PAYMENT_EVENTS);

export type SagaKind = "payment" | "repayment" | "loan";
export type SagaRef = { kind: SagaKind; id: string };

/**
 * The saga an event belongs to, read from its payload's business id even when the envelope is
 * invalid (a request id too long, a field missing): what lets an invalid event still finish its saga.
 */
export function sagaRefOf(body: unknown): SagaRef | null {
  if (!body || typeof body !== "object") return null;
  const payload = (body as { payload?: unknown }).payload;
  if (!payload || typeof payload !== "object") return null;
  const fields = payload as Record<string, unknown>;
  const id = (value: unknown) => (typeof value === "string" && Id.safeParse(value).success ? value : null);
  const repayment = id(fields.repayment_id);
  if (repayment) return { kind: "repayment", id: repayment };
  const payment = id(fields.payment_id);
  if (payment) return { kind: "payment", id: payment };
  const loan = id(fields.loan_id);
  if (loan) return { kind: "loan", id: loan };
  return null;
}
