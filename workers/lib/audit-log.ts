/**
 * The admin audit log (API.md, Admin): one append-only row per admin action. A statement, not a
 * write, so that it commits in the same D1 `batch()` as the action's own write and the log can never
 * miss an action that happened, nor record one that did not.
 */
import { newId, nowIso } from "./ids";

/** Stable action names: clients filter on them (GET /v1/admin/audit-log?action=…). */
export const AUDIT_ACTIONS = [
  "loan.approve",
  "loan.reject",
  "dead_letter.replay",
  "wallet.adjust",
  "role.grant",
  "role.revoke",
  "clock.advance",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditEntry = {
  adminUserId: string | null;
  action: AuditAction;
  /** What was acted on: `loan:{id}`, `wallet:{id}`, `dead_letter:{id}`, `user:{id}`, `clock`. */
  target: string;
  details: Record<string, unknown>;
  /** Deterministic for an action that may be retried (the retry records nothing twice); random otherwise. */
  entryId?: string;
};

const INSERT = "INSERT INTO admin_audit_log (entry_id, admin_user_id, action, target, details, created_at)";

/** Records the entry (once per entry id). */
export function auditStatement(db: D1Database, entry: AuditEntry): D1PreparedStatement {
  return db.prepare(`${INSERT} VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`).bind(...values(entry));
}

/**
 * Records the entry only if the batch's previous statement changed a row (`changes() = 1`): a
 * guarded state transition (`UPDATE … WHERE status = 'PENDING'`) is logged exactly when it happened.
 */
export function auditStatementIfChanged(db: D1Database, entry: AuditEntry): D1PreparedStatement {
  return db.prepare(`${INSERT} SELECT ?, ?, ?, ?, ?, ? WHERE changes() = 1 ON CONFLICT DO NOTHING`).bind(...values(entry));
}

function values(entry: AuditEntry) {
  return [entry.entryId ?? newId(), entry.adminUserId, entry.action, entry.target, JSON.stringify(entry.details), nowIso()];
}
