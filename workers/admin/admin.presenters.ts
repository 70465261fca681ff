import type { DeadLetterRow } from "./admin.queries";

export const presentDeadLetter = (row: DeadLetterRow) => ({
  dead_letter_id: row.deadLetterId,
  queue: row.queue,
  event: JSON.parse(row.event) as Record<string, unknown>,
  error: row.error,
  attempts: row.attempts,
  created_at: row.createdAt,
  replayed_at: row.replayedAt,
});
