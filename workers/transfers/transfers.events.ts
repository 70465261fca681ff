import { createDb } from "../lib/db";
import type { EventOf, ServiceEvents } from "../lib/events";
import { nowIso } from "../lib/ids";
import { recordOutcome, recordPending } from "./transfers.queries";

/** The request reached the queue: make sure the record exists (the request may have crashed before writing it). */
async function onRequested(env: Env, event: EventOf<"TRANSFER_REQUESTED">): Promise<void> {
  await recordPending(createDb(env.DB), event.payload, nowIso());
}

/** TRANSFER_COMPLETED / TRANSFER_REVERSED → the transfer's terminal status, once. */
async function onOutcome(env: Env, event: EventOf<"TRANSFER_COMPLETED" | "TRANSFER_REVERSED">): Promise<void> {
  const { completed_at, ...facts } = event.payload;
  const status = event.type === "TRANSFER_COMPLETED" ? "COMPLETED" : "REVERSED";
  await recordOutcome(createDb(env.DB), facts, status, completed_at, nowIso());
}

export const transferEvents: ServiceEvents = {
  subscribers: {
    TRANSFER_REQUESTED: [{ name: "transfers.record", handle: onRequested }],
    TRANSFER_COMPLETED: [{ name: "transfers.outcome", handle: onOutcome }],
    TRANSFER_REVERSED: [{ name: "transfers.outcome", handle: onOutcome }],
  },
  // The request's dead letter is settled by the wallet service (credit or reverse); an outcome's is
  // replayed by an admin, and until then reconciliation lists the transfer as stuck.
  deadLetters: {},
};
