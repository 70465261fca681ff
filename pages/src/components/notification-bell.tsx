import { useEffect, useId, useRef, useState } from "react";
import { useMarkNotificationsRead, useNotifications } from "../api/hooks/integrations";

/** The header's bell: the unread count, and the latest notifications in a panel (pushed by the user's live feed). */
export function NotificationBell() {
  const { data } = useNotifications();
  const markRead = useMarkNotificationsRead();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const unread = data?.unread_count ?? 0;

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === "Escape" : !ref.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  return (
    <div className="relative" ref={ref}>
      <button
        type="button"
        className="relative grid size-9 place-items-center rounded-lg text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-emerald-700"
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : "Notifications"}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <svg viewBox="0 0 20 20" className="size-5" fill="currentColor" aria-hidden="true">
          <path d="M10 2a5 5 0 0 0-5 5v3.3L3.5 13v1h13v-1L15 10.3V7a5 5 0 0 0-5-5Zm-2 13.5a2 2 0 0 0 4 0H8Z" />
        </svg>
        {unread > 0 && (
          <span
            data-testid="unread-count"
            className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-red-600 px-1 text-center text-xs font-semibold text-white"
          >
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <section
          id={panelId}
          aria-label="Notifications"
          className="absolute right-0 z-40 mt-2 w-80 rounded-xl border border-slate-200 bg-white p-2 text-sm shadow-lg"
        >
          <div className="flex items-center justify-between px-2 py-1">
            <h2 className="font-semibold text-slate-900">Notifications</h2>
            {unread > 0 && (
              <button type="button" className="text-emerald-800 underline" onClick={() => markRead.mutate()}>
                Mark all read
              </button>
            )}
          </div>
          {(data?.notifications.length ?? 0) === 0 ? (
            <p className="px-2 py-3 text-slate-600">Nothing yet.</p>
          ) : (
            <ul className="max-h-96 overflow-y-auto">
              {data?.notifications.map((n) => (
                <li key={n.notification_id} className={`rounded-lg px-2 py-2 ${n.read ? "" : "bg-emerald-50"}`}>
                  <p className="font-medium text-slate-900">{n.title}</p>
                  <p className="text-slate-700">{n.body}</p>
                  <p className="text-xs text-slate-500">{new Date(n.created_at).toLocaleString()}</p>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
