import { useTheme } from "../../lib/theme";

/** Series colours per theme (SVG attributes cannot read CSS variables); axis text and grid come from index.css. */
export function useChartColors() {
  const { dark } = useTheme();
  return dark
    ? { positive: "#34d399", negative: "#f87171", second: "#60a5fa", third: "#fbbf24" }
    : { positive: "#047857", negative: "#b91c1c", second: "#1d4ed8", third: "#b45309" };
}

export const AXIS_TICK = { fontSize: 12 };
export const TOOLTIP_STYLE = {
  contentStyle: { background: "var(--color-white)", borderColor: "var(--color-slate-300)", color: "var(--color-slate-900)" },
  itemStyle: { color: "var(--color-slate-900)" },
  labelStyle: { color: "var(--color-slate-700)" },
};
export const LEGEND_STYLE = { fontSize: 12, color: "var(--color-slate-700)" };
