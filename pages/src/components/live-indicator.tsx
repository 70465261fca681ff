import type { LiveStatus } from "../api/socket";

const LOOK: Record<LiveStatus, { dot: string; text: string; title: string }> = {
  live: { dot: "bg-emerald-500", text: "Live", title: "Balances and statuses update as they happen" },
  connecting: { dot: "bg-amber-500 motion-safe:animate-pulse", text: "Connecting", title: "Connecting to live updates" },
  offline: { dot: "bg-slate-400", text: "Offline", title: "Live updates paused; reconnecting" },
};

export function LiveIndicator({ status }: { status: LiveStatus }) {
  const look = LOOK[status];
  return (
    <span
      className="inline-flex items-center gap-1.5 rounded-full border border-slate-200 bg-white px-2 py-0.5 text-xs font-medium text-slate-700"
      title={look.title}
      data-testid="live-indicator"
      data-status={status}
    >
      <span className={`size-2 rounded-full ${look.dot}`} aria-hidden="true" />
      <span>
        {look.text}
        <span className="sr-only"> updates</span>
      </span>
    </span>
  );
}
