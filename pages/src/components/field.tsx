import { type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, useId } from "react";

const CONTROL =
  "block w-full rounded-lg border bg-white px-3 py-2 text-base text-slate-900 placeholder:text-slate-500 focus:outline-2 focus:outline-offset-0 focus:outline-emerald-700 disabled:bg-slate-100 sm:text-sm";

type FieldFrameProps = {
  id: string;
  label: string;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
};

function FieldFrame({ id, label, error, hint, children, className = "" }: FieldFrameProps) {
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, error?: string, hint?: ReactNode): string | undefined {
  if (error) return `${id}-error`;
  return hint ? `${id}-hint` : undefined;
}

type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  error?: string;
  hint?: ReactNode;
  /** A short unit shown before the value, e.g. "$". */
  prefix?: string;
  suffix?: string;
  ref?: Ref<HTMLInputElement>;
  wrapperClassName?: string;
};

/** A labelled input that takes react-hook-form's register() props directly. */
export function TextField({ label, error, hint, prefix, suffix, id, wrapperClassName, className = "", ...input }: TextFieldProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const border = error ? "border-red-600" : "border-slate-300";
  return (
    <FieldFrame id={inputId} label={label} error={error} hint={hint} className={wrapperClassName}>
      <div className="relative">
        {prefix && (
          <span className="pointer-events-none absolute inset-y-0 left-3 flex items-center text-slate-600" aria-hidden="true">
            {prefix}
          </span>
        )}
        <input
          id={inputId}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(inputId, error, hint)}
          className={`${CONTROL} ${border} ${prefix ? "pl-7" : ""} ${suffix ? "pr-16" : ""} ${className}`}
          {...input}
        />
        {suffix && (
          <span className="pointer-events-none absolute inset-y-0 right-3 flex items-center text-sm text-slate-600" aria-hidden="true">
            {suffix}
          </span>
        )}
      </div>
    </FieldFrame>
  );
}

/** An amount in dollars: decimal keyboard on phones, "$" prefix, no autofill. */
export function MoneyField(props: Omit<TextFieldProps, "prefix" | "inputMode" | "type">) {
  return <TextField prefix="$" inputMode="decimal" type="text" autoComplete="off" {...props} />;
}

type SelectFieldProps = SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  error?: string;
  hint?: ReactNode;
  ref?: Ref<HTMLSelectElement>;
  wrapperClassName?: string;
};

export function SelectField({ label, error, hint, id, children, wrapperClassName, className = "", ...select }: SelectFieldProps) {
  const generated = useId();
  const selectId = id ?? generated;
  return (
    <FieldFrame id={selectId} label={label} error={error} hint={hint} className={wrapperClassName}>
      <select
        id={selectId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(selectId, error, hint)}
        className={`${CONTROL} ${error ? "border-red-600" : "border-slate-300"} ${className}`}
        {...select}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

/** Form-level problems (e.g. the API refused the whole request), announced to screen readers. */
export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </p>
  );
}
