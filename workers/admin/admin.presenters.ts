import type { AuditLogEntryRow, DeadLetterRow } from "./admin.queries";

export const presentDeadLetter = (row: DeadLetterRow) => ({
  dead_letter_id: row.deadLetterId,
  queue: row.queue,
  event: JSON.parse(row.event) as Record<string, unknown>,
  error: row.error,
  attempts: row.attempts,
  created_at: row.createdAt,
  replayed_at: row.replayedAt,
});

export const presentAuditEntry = (row: AuditLogEntryRow) => ({
  entry_id: row.entryId,
  admin_user_id: row.adminUserId,
  admin_email: row.adminEmail,
  action: row.action,
  target: row.target,
  details: JSON.parse(row.details) as Record<string, unknown>,
  created_at: row.createdAt,
});
