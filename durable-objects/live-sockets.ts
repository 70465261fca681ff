/**
 * The live sockets of one wallet ledger (WebSocket hibernation API). Each socket is tagged with the
 * session that opened it and carries its token's expiry, so it can be closed when the session is
 * revoked or the token expires (the ledger's alarm calls `onAlarm`). The Worker authenticates the
 * upgrade, checks ownership and Origin, and passes the session id and expiry in the headers below.
 */
export const LIVE_SESSION_HEADER = "x-live-session-id";
export const LIVE_EXPIRES_HEADER = "x-live-token-expires";
export const DEFAULT_SOCKETS_PER_WALLET = 20;

/** Close code for a socket whose session ended or token expired: the client must sign in again. */
export const SESSION_ENDED_CODE = 4001;

type Attachment = { sid: string; exp: number };

const sessionTag = (sessionId: string) => `sid:${sessionId}`;

// Codes an endpoint may not send in a close frame (RFC 6455 §7.4.1); echoing one throws.
const RESERVED_CLOSE_CODES = new Set([1004, 1005, 1006, 1015]);

export class LiveSockets {
  constructor(private readonly ctx: DurableObjectState) {}

  /**
   * Accepts one socket unless the wallet already has `limit` open ones: then 429, so a page that
   * leaks sockets (or a script) cannot exhaust the object; the client retries after closing others.
   */
  async accept(request: Request, limit: number, greeting: string): Promise<Response> {
    const sid = request.headers.get(LIVE_SESSION_HEADER);
    const exp = Number(request.headers.get(LIVE_EXPIRES_HEADER));
    if (!sid || !Number.isSafeInteger(exp)) return new Response("missing session", { status: 400 });
    const now = Date.now();
    if (exp <= now) return new Response("token expired", { status: 401 });
    this.closeExpired(now);
    if (this.ctx.getWebSockets().length >= limit) return new Response("too many live sockets", { status: 429 });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [sessionTag(sid)]);
    server.serializeAttachment({ sid, exp } satisfies Attachment);
    server.send(greeting);
    await this.armExpiry();
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Closes the sockets of these sessions; returns how many were open. */
  closeSessions(sessionIds: readonly string[]): number {
    let closed = 0;
    for (const sid of sessionIds) {
      for (const ws of this.ctx.getWebSockets(sessionTag(sid))) {
        closed++;
        safeClose(ws, SESSION_ENDED_CODE, "session revoked");
      }
    }
    return closed;
  }

  /** Sends the messages to every open socket, in order; builds them only if a socket is open (most moves have none). */
  broadcast(messages: () => readonly string[]): void {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return;
    const built = messages();
    for (const socket of sockets) {
      try {
        for (const message of built) socket.send(message);
      } catch {
        // A socket closing under us is not the ledger's problem.
      }
    }
  }

  /** Alarm work: close what has expired and make sure the next expiry has an alarm. */
  async onAlarm(): Promise<void> {
    this.closeExpired(Date.now());
    await this.armExpiry();
  }

  /** The peer closed: answer the close handshake with a code that may be sent, never throwing. */
  onClose(ws: WebSocket, code: number, reason: string): void {
    safeClose(ws, RESERVED_CLOSE_CODES.has(code) || code < 1000 || code > 4999 ? 1000 : code, reason.slice(0, 120));
  }

  private closeExpired(now: number): void {
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = ws.deserializeAttachment() as Attachment | null;
      if (attachment && attachment.exp <= now) safeClose(ws, SESSION_ENDED_CODE, "token expired");
    }
  }

  private nextExpiry(): number | null {
    let next: number | null = null;
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = ws.deserializeAttachment() as Attachment | null;
      if (attachment && (next === null || attachment.exp < next)) next = attachment.exp;
    }
    return next;
  }

  /** Moves the object's one alarm earlier when a socket expires before it; never later (the outbox may need it). */
  private async armExpiry(): Promise<void> {
    const next = this.nextExpiry();
    if (next === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current <= Date.now() || current > next) await this.ctx.storage.setAlarm(next);
  }
}

function safeClose(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed (or closing): nothing left to do.
  }
}
