/** Progress toward a goal: `value` is 0..1 (the API's `progress`). */
export function ProgressBar({ value, label, testId }: { value: number; label: string; testId?: string }) {
  const percent = Math.round(Math.min(Math.max(Number.isFinite(value) ? value : 0, 0), 1) * 100);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={`${percent}%`}
      data-testid={testId}
      className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
    >
      <div
        className={`h-full rounded-full transition-[width] ${percent >= 100 ? "bg-emerald-600" : "bg-sky-600"}`}
        style={{ width: `${percent}%` }}
      />
    </div>
  );
}
