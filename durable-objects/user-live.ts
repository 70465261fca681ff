import { DurableObject } from "cloudflare:workers";
import { LiveSockets } from "./live-sockets";

/** A user's live sockets at most (every tab, every device). */
export const SOCKETS_PER_USER = 20;

/**
 * The user-level live feed (`GET /v1/live`), one object per user (`idFromName(user_id)`): business
 * events and notifications of every wallet of the user, pushed to each open socket. Sockets hibernate;
 * the Worker authenticates the upgrade (and checks Origin) and passes the session id and token expiry.
 */
export class UserLive extends DurableObject<Env> {
  private readonly live: LiveSockets;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.live = new LiveSockets(ctx);
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    return this.live.accept(request, SOCKETS_PER_USER, JSON.stringify({ type: "hello" }));
  }

  /** Sends these messages (JSON strings) to every open socket of the user, in order. */
  push(messages: string[]): void {
    this.live.broadcast(() => messages);
  }

  /** Closes the sockets opened by these sessions (called when they are revoked). */
  closeSessionSockets(sessionIds: string[]): number {
    return this.live.closeSessions(sessionIds);
  }

  override async alarm(): Promise<void> {
    await this.live.onAlarm();
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (message === "ping") ws.send(JSON.stringify({ type: "pong" }));
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    this.live.onClose(ws, code, reason);
  }
}
