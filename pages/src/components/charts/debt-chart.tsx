/** Total debt over time per strategy; loaded on demand with the optimiser's results. */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Cents } from "../../../../workers/domain/money";
import type { DebtOptimiserResult } from "../../api/types";
import { debtBalanceSeries, formatMonths, moneyTicks, monthTicks } from "../../lib/chart-data";
import { formatChartMoney, formatChartTick, formatMoney } from "../../lib/money";
import { ChartFigure } from "./chart-figure";
import { AXIS_TICK, LEGEND_STYLE, TOOLTIP_STYLE, useChartColors } from "./chart-theme";

type SeriesKey = "avalanche" | "snowball" | "minimumOnly";

export function DebtChart({ result, startingBalance }: { result: DebtOptimiserResult; startingBalance: Cents }) {
  const colors = useChartColors();
  const rows = debtBalanceSeries(
    { avalanche: result.avalanche, snowball: result.snowball, minimumOnly: result.minimum_only },
    startingBalance,
  );
  // Identical plans draw one line over the other: say so in the legend instead of hiding one.
  const same = rows.every((row) => row.avalanche === row.snowball);
  const highest = Math.max(startingBalance, ...rows.flatMap((row) => [row.avalanche ?? 0, row.snowball ?? 0, row.minimumOnly ?? 0]));
  // Within 1% of the scale everywhere, the two lines are drawn on top of each other.
  const overlap = !same && rows.every((row) => Math.abs((row.avalanche ?? 0) - (row.snowball ?? 0)) <= highest / 100);
  const all: { key: SeriesKey; name: string; color: string; dash: string | undefined }[] = [
    { key: "avalanche", name: same ? "Avalanche and snowball (the same plan)" : "Avalanche", color: colors.positive, dash: undefined },
    { key: "snowball", name: overlap ? "Snowball (almost the same line as avalanche)" : "Snowball", color: colors.second, dash: "6 3" },
    { key: "minimumOnly", name: "Minimum payments only", color: colors.third, dash: "2 3" },
  ];
  const series = all.filter((s) => (s.key !== "minimumOnly" || result.minimum_only !== null) && (s.key !== "snowball" || !same));
  const months = rows.at(-1)?.month ?? 0;
  const y = moneyTicks(0, highest);
  const summary =
    `Starting from ${formatMoney(startingBalance)}: avalanche clears the debts in ${formatMonths(result.avalanche.months)}, ` +
    `snowball in ${formatMonths(result.snowball.months)}${same ? " (the two plans are identical)" : ""}` +
    (result.minimum_only
      ? `, minimum payments only in ${formatMonths(result.minimum_only.months)}.`
      : "; minimum payments alone never clear them.");
  return (
    <ChartFigure
      title="Total balance over time"
      summary={summary}
      table={{
        caption: "Total balance by month for each strategy",
        columns: ["Month", ...series.map((s) => (same && s.key === "avalanche" ? "Avalanche = snowball" : s.name))],
        rows: rows.map((row) => ({
          key: String(row.month),
          cells: [row.month, ...series.map((s) => (row[s.key] === null ? "—" : formatMoney(row[s.key] ?? 0)))],
        })),
      }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="month"
            type="number"
            domain={[0, months]}
            ticks={monthTicks(months)}
            tick={AXIS_TICK}
            label={{ value: "Month", position: "insideBottomRight", offset: -4, fontSize: 12 }}
          />
          <YAxis tick={AXIS_TICK} tickFormatter={formatChartTick} width={64} domain={y.domain} ticks={y.ticks} />
          <Tooltip
            {...TOOLTIP_STYLE}
            formatter={(value, name) => [formatChartMoney(value), name]}
            labelFormatter={(month) => `Month ${month}`}
          />
          <Legend
            wrapperStyle={LEGEND_STYLE}
            formatter={(value: string) => <span style={{ color: "var(--color-slate-700)" }}>{value}</span>}
          />
          {series.map((s) => (
            <Line
              key={s.key}
              type="linear"
              dataKey={s.key}
              name={s.name}
              stroke={s.color}
              strokeDasharray={s.dash}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
