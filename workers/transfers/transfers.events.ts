import { recordBusinessEvents } from "../lib/business-events";
import { createDb } from "../lib/db";
import type { EventOf, ServiceEvents } from "../lib/events";
import { nowIso } from "../lib/ids";
import { presentTransfer } from "./transfers.presenters";
import { recordOutcome, recordPending, type TransferRow } from "./transfers.queries";

/** The request reached the queue: make sure the record exists (the request may have crashed before writing it). */
async function onRequested(env: Env, event: EventOf<"TRANSFER_REQUESTED">): Promise<void> {
  await recordPending(createDb(env.DB), event.payload, nowIso());
}

/** TRANSFER_COMPLETED / TRANSFER_REVERSED → the transfer's terminal status, once. */
async function onOutcome(env: Env, event: EventOf<"TRANSFER_COMPLETED" | "TRANSFER_REVERSED">): Promise<void> {
  const { completed_at, ...facts } = event.payload;
  const status = event.type === "TRANSFER_COMPLETED" ? "COMPLETED" : "REVERSED";
  await recordTransferEvents(env, await recordOutcome(createDb(env.DB), facts, status, completed_at, nowIso()));
}

/** The business events of a transfer's committed outcome: sent and received, or reversed (keyed, so once). */
async function recordTransferEvents(env: Env, row: TransferRow | undefined): Promise<void> {
  if (!row || row.status === "PENDING") return;
  const data = presentTransfer(row);
  const businessId = row.transferId;
  await recordBusinessEvents(
    env,
    row.status === "COMPLETED"
      ? [
          { type: "transfer.sent", userId: row.fromUserId, businessId, data },
          { type: "transfer.received", userId: row.toUserId, businessId, data },
        ]
      : [{ type: "transfer.reversed", userId: row.fromUserId, businessId, data }],
  );
}

export const transferEvents: ServiceEvents = {
  subscribers: {
    // Keyed, so no inbox round trips: the record is an insert that keeps what exists, the outcome a
    // PENDING-guarded move, and its business events are keyed by the transfer id; a repeat changes nothing.
    TRANSFER_REQUESTED: [{ name: "transfers.record", handle: onRequested, keyed: true }],
    TRANSFER_COMPLETED: [{ name: "transfers.outcome", handle: onOutcome, keyed: true }],
    TRANSFER_REVERSED: [{ name: "transfers.outcome", handle: onOutcome, keyed: true }],
  },
  // The request's dead letter is settled by the wallet service (credit or reverse); an outcome's is
  // replayed by an admin, and until then reconciliation lists the transfer as stuck.
  deadLetters: {},
};
