/** Total debt over time per strategy; loaded on demand with the optimiser's results. */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { DebtOptimiserResult } from "../../api/types";
import { debtBalanceSeries, formatMonths } from "../../lib/chart-data";
import { type Cents, centsToChartValue, formatChartMoney, formatChartTick, formatMoney } from "../../lib/money";
import { ChartFigure } from "./chart-figure";

const AXIS = { fontSize: 12, fill: "#475569" };
const SERIES = [
  { key: "avalanche", name: "Avalanche", color: "#047857", dash: undefined },
  { key: "snowball", name: "Snowball", color: "#1d4ed8", dash: "6 3" },
  { key: "minimumOnly", name: "Minimum payments only", color: "#b45309", dash: "2 3" },
] as const;

export function DebtChart({ result, startingBalance }: { result: DebtOptimiserResult; startingBalance: Cents }) {
  const rows = debtBalanceSeries(
    { avalanche: result.avalanche, snowball: result.snowball, minimumOnly: result.minimum_only },
    startingBalance,
  );
  const data = rows.map((row) => ({
    month: row.month,
    avalanche: row.avalanche === null ? null : centsToChartValue(row.avalanche),
    snowball: row.snowball === null ? null : centsToChartValue(row.snowball),
    minimumOnly: row.minimumOnly === null ? null : centsToChartValue(row.minimumOnly),
  }));
  const series = SERIES.filter((s) => s.key !== "minimumOnly" || result.minimum_only !== null);
  const summary =
    `Starting from ${formatMoney(startingBalance)}: avalanche clears the debts in ${formatMonths(result.avalanche.months)}, ` +
    `snowball in ${formatMonths(result.snowball.months)}` +
    (result.minimum_only
      ? `, minimum payments only in ${formatMonths(result.minimum_only.months)}.`
      : "; minimum payments alone never clear them.");
  return (
    <ChartFigure
      title="Total balance over time"
      summary={summary}
      table={{
        caption: "Total balance by month for each strategy",
        columns: ["Month", ...series.map((s) => s.name)],
        rows: rows.map((row) => ({
          key: String(row.month),
          cells: [row.month, ...series.map((s) => (row[s.key] === null ? "—" : formatMoney(row[s.key] ?? 0)))],
        })),
      }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="month" tick={AXIS} label={{ value: "Month", position: "insideBottomRight", offset: -4, fontSize: 12 }} />
          <YAxis tick={AXIS} tickFormatter={formatChartTick} width={64} />
          <Tooltip formatter={(value, name) => [formatChartMoney(value), name]} labelFormatter={(month) => `Month ${month}`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
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
