/**
 * A same-origin WebSocket that stays open: keepalive pings, reconnects with capped, jittered
 * exponential backoff, and tries at once when the browser comes back online or the tab visible.
 * The wallet feed (live.ts) and the user feed (user-live.ts) are both one of these.
 */
export type LiveStatus = "connecting" | "live" | "offline";

const MAX_BACKOFF_MS = 30_000;
/** The server answers "ping" with a pong; it keeps proxies from closing an idle connection. */
const KEEPALIVE_MS = 25_000;

export function backoffDelay(attempt: number, random = Math.random()): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** `ws:` or `wss:` on the page's own host, so the session cookie goes with it. */
export function socketUrl(path: string, location: Pick<Location, "protocol" | "host">): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`;
}

export type SocketHandlers = {
  /** Every text frame, as received. */
  onMessage: (data: unknown) => void;
  /** Each open; `reconnected` once an earlier connection was lost, so what it missed can be refetched. */
  onOpen?: (reconnected: boolean) => void;
  onStatus?: (status: LiveStatus) => void;
};

/** Opens the socket and keeps it open until the returned function is called. */
export function keepSocketOpen(url: string, handlers: SocketHandlers): () => void {
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let keepalive: ReturnType<typeof setInterval> | undefined;
  let attempt = 0;
  let everConnected = false;
  let stopped = false;

  const connect = () => {
    clearTimeout(timer);
    handlers.onStatus?.("connecting");
    const current = new WebSocket(url);
    socket = current;
    current.onopen = () => {
      attempt = 0;
      handlers.onStatus?.("live");
      clearInterval(keepalive);
      keepalive = setInterval(() => current.send("ping"), KEEPALIVE_MS);
      handlers.onOpen?.(everConnected);
      everConnected = true;
    };
    current.onmessage = (event) => handlers.onMessage(event.data);
    current.onerror = () => current.close();
    current.onclose = () => {
      clearInterval(keepalive);
      if (socket === current) socket = null;
      if (stopped) return;
      handlers.onStatus?.("offline");
      timer = setTimeout(connect, backoffDelay(attempt++));
    };
  };

  /** Back online or back on the tab: try now rather than waiting out the backoff. */
  const wake = () => {
    if (stopped || socket || document.visibilityState === "hidden") return;
    attempt = 0;
    connect();
  };

  connect();
  window.addEventListener("online", wake);
  document.addEventListener("visibilitychange", wake);
  return () => {
    stopped = true;
    clearTimeout(timer);
    clearInterval(keepalive);
    window.removeEventListener("online", wake);
    document.removeEventListener("visibilitychange", wake);
    socket?.close(1000, "navigated away");
    handlers.onStatus?.("offline");
  };
}
