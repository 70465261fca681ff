import type { SessionRow, UserRow } from "./auth.queries";

export const presentUser = (row: UserRow) => ({
  user_id: row.userId,
  email: row.email,
  name: row.name,
  role: row.role,
  two_factor: row.totpSecret !== null,
  created_at: row.createdAt,
});

export const presentSession = (s: SessionRow, currentSessionId: string) => ({
  session_id: s.sessionId,
  created_at: s.createdAt,
  last_seen_at: s.lastSeenAt,
  user_agent: s.userAgent,
  current: s.sessionId === currentSessionId,
});
