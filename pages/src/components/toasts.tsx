/**
 * Where toasts appear and how many: at the bottom (never over the header's Menu, name or Sign out),
 * at most three at once, each with a close button; an error toast does not outlive the screen it
 * was about.
 */
import { useEffect, useRef, useSyncExternalStore } from "react";
import toast, { ToastBar, Toaster, useToasterStore } from "react-hot-toast";
import { useLocation } from "react-router";

export const MAX_TOASTS = 3;
const PHONE = "(max-width: 767px)";

function usePhone(): boolean {
  return useSyncExternalStore(
    (listener) => {
      const query = matchMedia(PHONE);
      query.addEventListener("change", listener);
      return () => query.removeEventListener("change", listener);
    },
    () => matchMedia(PHONE).matches,
  );
}

/** Keeps the newest MAX_TOASTS visible, and dismisses error toasts when the route changes. */
function ToastPolicy() {
  const { toasts } = useToasterStore();
  const { pathname } = useLocation();
  const lastPath = useRef(pathname);

  useEffect(() => {
    const visible = toasts.filter((t) => t.visible);
    for (const extra of visible.slice(MAX_TOASTS)) toast.dismiss(extra.id);
  }, [toasts]);

  useEffect(() => {
    if (lastPath.current === pathname) return;
    lastPath.current = pathname;
    for (const t of toasts) if (t.type === "error" && t.visible) toast.dismiss(t.id);
  }, [pathname, toasts]);

  return null;
}

export function Toasts() {
  const phone = usePhone();
  return (
    <>
      <ToastPolicy />
      <Toaster
        position={phone ? "bottom-center" : "bottom-right"}
        containerStyle={phone ? { bottom: 12, left: 12, right: 12 } : undefined}
        toastOptions={{
          duration: 5000,
          className: "text-sm wrap-anywhere",
          style: { background: "var(--color-white)", color: "var(--color-slate-900)", border: "1px solid var(--color-slate-200)" },
          success: { duration: 4000 },
          error: { duration: 7000 },
        }}
      >
        {(t) => (
          <ToastBar toast={t}>
            {({ icon, message }) => (
              <div className="flex items-center" data-toast-type={t.type}>
                {icon}
                {message}
                {t.type !== "loading" && (
                  <button
                    type="button"
                    onClick={() => toast.dismiss(t.id)}
                    className="ml-1 grid size-7 shrink-0 place-items-center rounded-md text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-emerald-700"
                    aria-label="Dismiss"
                  >
                    <svg viewBox="0 0 20 20" className="size-4" aria-hidden="true" fill="currentColor">
                      <path d="M5.3 4.3 10 9l4.7-4.7 1 1L11 10l4.7 4.7-1 1L10 11l-4.7 4.7-1-1L9 10 4.3 5.3z" />
                    </svg>
                  </button>
                )}
              </div>
            )}
          </ToastBar>
        )}
      </Toaster>
    </>
  );
}
