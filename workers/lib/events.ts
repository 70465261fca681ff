/**
 * The saga events of API.md ("Events"): one envelope, validated on receipt, with a typed payload
 * per event type. Amounts travel as money strings, like everywhere else in the API.
 */
// Plain zod, not the OpenAPI flavour: the saga sweeper (a Durable Object) builds events through
// this module, and nothing in durable-objects/ reaches OpenAPI code (test/architecture.test.ts).
import { z } from "zod";
import { isMoneyString } from "../domain/money";
import type { QueueName } from "./queues";

const Id = z.string().min(1).max(100);
const moneyString = z.string().refine(isMoneyString, "not a money string");
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

/**
 * The event registry: every event type, the schema its payload is validated against on receipt, and
 * the queue that carries it. A new event type is one row here; its subscribers live in its services.
 */
/** Everything a transfer's saga needs, carried by each of its events: any of them can create the record. */
const TransferFacts = z.object({
  transfer_id: Id,
  from_wallet_id: Id,
  to_wallet_id: Id,
  from_user_id: Id,
  to_user_id: Id,
  amount: moneyString,
  description: z.string().max(200).nullable(),
  sender_name: z.string().min(1).max(200),
  recipient_name: z.string().min(1).max(200),
  created_at: z.string(),
});

export const EVENTS = {
  PAYMENT_REQUESTED: {
    queue: "payment-events",
    // `merchant` is optional so that a request published before it existed still runs.
    payload: z.object({
      payment_id: Id,
      wallet_id: Id,
      amount: moneyString,
      merchant: z.string().min(1).max(200).optional(),
      // Absent: automatic (a request published before manual capture existed).
      capture: z.enum(["automatic", "manual"]).optional(),
      authorization_expires_at: z.string().optional(),
    }),
  },
  // Manual capture (saga 6): the hold is placed, then posted (captured) or released (canceled, expired) once.
  PAYMENT_AUTHORIZED: { queue: "payment-events", payload: z.object({ payment_id: Id, wallet_id: Id }) },
  PAYMENT_CAPTURED: {
    queue: "payment-events",
    payload: z.object({ payment_id: Id, wallet_id: Id, captured_amount: moneyString, transaction_id: Id.nullable() }),
  },
  PAYMENT_CANCELED: {
    queue: "payment-events",
    payload: z.object({ payment_id: Id, wallet_id: Id, reason: z.enum(["CANCELED", "EXPIRED"]) }),
  },
  PAYMENT_REFUNDED: {
    queue: "payment-events",
    payload: z.object({
      payment_id: Id,
      wallet_id: Id,
      user_id: Id,
      refund_id: Id,
      amount: moneyString,
      refunded_amount: moneyString,
      reason: z.string().max(200).nullable(),
      created_at: z.string(),
    }),
  },
  PAYMENT_SUCCESSFUL: {
    queue: "payment-events",
    payload: z.object({ payment_id: Id, wallet_id: Id, transaction_id: Id.nullable() }),
  },
  PAYMENT_FAILED: { queue: "payment-events", payload: z.object({ payment_id: Id, wallet_id: Id, failure_reason: z.string() }) },
  LOAN_APPROVED: { queue: "loan-events", payload: z.object({ loan_id: Id, wallet_id: Id, amount: moneyString }) },
  LOAN_DISBURSED: { queue: "loan-events", payload: z.object({ loan_id: Id, wallet_id: Id, transaction_id: Id.nullable() }) },
  LOAN_REPAYMENT_REQUESTED: {
    queue: "loan-events",
    payload: z.object({ repayment_id: Id, loan_id: Id, wallet_id: Id, amount: moneyString }),
  },
  LOAN_REPAYMENT_SUCCESSFUL: {
    queue: "loan-events",
    payload: z.object({ repayment_id: Id, loan_id: Id, wallet_id: Id, transaction_id: Id.nullable() }),
  },
  LOAN_REPAYMENT_FAILED: {
    queue: "loan-events",
    payload: z.object({ repayment_id: Id, loan_id: Id, wallet_id: Id, failure_reason: z.string() }),
  },
  // Saga 7: a servicing step that owes the customer a business event (an installment fell due, a late
  // fee was charged) writes this in the step's own batch, so a crash after the commit loses no event.
  LOAN_SERVICED: {
    queue: "loan-events",
    payload: z.object({
      loan_id: Id,
      wallet_id: Id,
      step: z.enum(["INSTALLMENT_DUE", "LATE_FEE"]),
      installment: z.number().int().min(1),
    }),
  },
  // Transfers ride the payment-events queue: money between wallets is a payment between people.
  TRANSFER_REQUESTED: { queue: "payment-events", payload: TransferFacts },
  TRANSFER_COMPLETED: { queue: "payment-events", payload: TransferFacts.extend({ completed_at: z.string() }) },
  TRANSFER_REVERSED: { queue: "payment-events", payload: TransferFacts.extend({ completed_at: z.string() }) },
} satisfies Record<string, { queue: QueueName; payload: z.ZodObject }>;

export type EventType = keyof typeof EVENTS;
export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];
export type EventPayload<T extends EventType> = z.infer<(typeof EVENTS)[T]["payload"]>;

const Envelope = z.object({
  event_id: Id,
  occurred_at: z.string(),
  correlation_id: Id,
  request_id: z.string().max(100),
  /** The client's `X-Request-Id`, sanitised and truncated (see `clientRequestId`); never the event's id. */
  client_request_id: z.string().max(CLIENT_REQUEST_ID_MAX).optional(),
});

/** One event of type T; for a union of types, a union discriminated by `type` (so `payload` narrows with it). */
export type EventOf<T extends EventType> = {
  [K in T]: z.infer<typeof Envelope> & { type: K; payload: EventPayload<K> };
}[T];
export type AppEvent = EventOf<EventType>;

const envelopeOf = (type: EventType) => Envelope.extend({ type: z.literal(type), payload: EVENTS[type].payload });
const EventSchema = z.discriminatedUnion(
  "type",
  EVENT_TYPES.map(envelopeOf) as [ReturnType<typeof envelopeOf>, ...ReturnType<typeof envelopeOf>[]],
);

/** Validates a received message against the envelope and its type's payload schema. */
export function parseEvent(body: unknown): { success: true; data: AppEvent } | { success: false; error: string } {
  const parsed = EventSchema.safeParse(body);
  if (!parsed.success) return { success: false, error: parsed.error.issues[0]?.message ?? "unknown" };
  // The schema was built from the registry row of `type`, so the payload is that type's.
  return { success: true, data: parsed.data as AppEvent };
}

export const isEventType = (type: string): type is EventType => Object.hasOwn(EVENTS, type);

/** Which queue carries an event type; a type the registry does not know has none. */
export function queueFor(type: string): QueueName {
  if (!isEventType(type)) throw new Error(`unknown event type ${type}`);
  return EVENTS[type].queue;
}

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
  };
}

/** A handler of one event type, named: the name keys its per-event-id dedupe. */
export type Subscriber<T extends EventType> = {
  name: string;
  handle: (env: Env, event: EventOf<T>) => Promise<void>;
  /**
   * Every effect of the handler is keyed by a business id (a ledger transfer id, a guarded status
   * transition, a keyed business event), so running it again for the same event changes nothing:
   * the consumer skips the D1 inbox's read and write for it, two round trips on the saga's path.
   */
  keyed?: true;
};

/**
 * What a service does with events, exported beside the service: its subscribers by event type, and,
 * for an event that exhausted its retries, the dead-letter handler that finishes its saga. A
 * dead-letter handler resolves to the outcome events that settle the saga; the consumer applies them
 * to their subscribers in the same delivery, the way a live outcome is applied.
 */
export type ServiceEvents = {
  subscribers: { [T in EventType]?: Subscriber<T>[] };
  deadLetters: { [T in EventType]?: (env: Env, event: EventOf<T>) => Promise<AppEvent[]> };
};

export type SagaKind = "payment" | "repayment" | "loan" | "transfer";
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
  const transfer = id(fields.transfer_id);
  if (transfer) return { kind: "transfer", id: transfer };
  const repayment = id(fields.repayment_id);
  if (repayment) return { kind: "repayment", id: repayment };
  const payment = id(fields.payment_id);
  if (payment) return { kind: "payment", id: payment };
  const loan = id(fields.loan_id);
  if (loan) return { kind: "loan", id: loan };
  return null;
}
