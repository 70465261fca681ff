import { type ReactNode, type Ref, useId } from "react";

/** A heading focused by script: a ring when a keyboard brought focus there, none after a click. */
export const FOCUS_TARGET = "rounded focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-700";

type CardProps = {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  /** Makes the heading a focus target (not a tab stop), for a screen to move focus to after an action. */
  headingRef?: Ref<HTMLHeadingElement>;
};

/** A section of a screen with an optional heading (h2) that labels it for assistive tech. */
export function Card({ title, description, actions, children, className = "", headingRef }: CardProps) {
  const headingId = useId();
  return (
    <section
      aria-labelledby={title ? headingId : undefined}
      className={`rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 ${className}`}
    >
      {(title || actions) && (
        <div className="mb-4 flex flex-wrap items-start justify-between gap-2">
          <div>
            {title && (
              <h2
                id={headingId}
                ref={headingRef}
                tabIndex={headingRef ? -1 : undefined}
                className={`text-base font-semibold text-slate-900 ${headingRef ? FOCUS_TARGET : ""}`}
              >
                {title}
              </h2>
            )}
            {description && <p className="mt-0.5 text-sm text-slate-600">{description}</p>}
          </div>
          {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

type PageHeaderProps = { title: string; description?: ReactNode; actions?: ReactNode; documentTitle?: string };

/** The screen's h1, which also names the browser tab. */
export function PageHeader({ title, description, actions, documentTitle = title }: PageHeaderProps) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-3">
      <title>{`${documentTitle} · Edge Fintech`}</title>
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
      </div>
      {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
    </div>
  );
}

/** A label/value pair for summaries. */
export function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <div>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </dd>
      {hint && <dd className="mt-0.5 text-xs text-slate-600">{hint}</dd>}
    </div>
  );
}
