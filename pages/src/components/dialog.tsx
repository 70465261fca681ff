import { type ReactNode, useEffect, useId, useRef } from "react";

type DialogProps = {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Buttons; the first focusable control gets focus when the dialog opens unless one has autoFocus. */
  footer: ReactNode;
};

/**
 * A modal on the native <dialog>: focus stays inside and Escape closes it (both native), the title
 * labels it, and focus returns to whatever opened it.
 */
export function Dialog({ open, title, onClose, children, footer }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl bg-white p-0 text-slate-900 shadow-xl backdrop:bg-[rgb(0_0_0/0.5)]"
    >
      {open && (
        <div className="p-5">
          <h2 id={titleId} className="text-lg font-semibold wrap-anywhere">
            {title}
          </h2>
          <div id={bodyId} className="mt-2 text-sm text-slate-700 wrap-anywhere">
            {children}
          </div>
          <div className="mt-5 flex flex-wrap justify-end gap-2">{footer}</div>
        </div>
      )}
    </dialog>
  );
}
