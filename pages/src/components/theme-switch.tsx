import { useId } from "react";
import { setThemeChoice, THEME_CHOICES, type ThemeChoice, useTheme } from "../lib/theme";

const LABELS: Record<ThemeChoice, string> = { system: "System theme", light: "Light", dark: "Dark" };

/** Light, dark, or whatever the system says (the default). */
export function ThemeSwitch({ className = "" }: { className?: string }) {
  const { choice } = useTheme();
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="sr-only">
        Theme
      </label>
      <select
        id={id}
        value={choice}
        onChange={(event) => setThemeChoice(event.target.value as ThemeChoice)}
        className="rounded-lg border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900"
        data-testid="theme-switch"
      >
        {THEME_CHOICES.map((option) => (
          <option key={option} value={option}>
            {LABELS[option]}
          </option>
        ))}
      </select>
    </div>
  );
}
