/** The dashboard's charts; loaded on demand so recharts stays out of the initial bundle. */
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { TRANSACTION_TYPE_LABELS, TRANSACTION_TYPES, type Transaction } from "../../api/types";
import { balanceSeries, flowByType, flowTotals, moneyTicks, timeAxis } from "../../lib/chart-data";
import { formatDateTime, formatShortDate, formatTime, formatTimeWithSeconds } from "../../lib/format";
import { formatChartMoney, formatChartTick, formatMoney } from "../../lib/money";
import { ChartFigure } from "./chart-figure";
import { AXIS_TICK, LEGEND_STYLE, TOOLTIP_STYLE, useChartColors } from "./chart-theme";

const legendText = (value: string) => <span style={{ color: "var(--color-slate-700)" }}>{value}</span>;

export function BalanceChart({ transactions }: { transactions: Transaction[] }) {
  const colors = useChartColors();
  const points = balanceSeries(transactions);
  const first = points[0];
  const last = points.at(-1);
  // A real time axis: each point sits at its moment, so a burst of minutes is narrow and a quiet week wide.
  const data = points.map((p) => ({ t: Date.parse(p.at), at: p.at, balance: p.balance }));
  const x = timeAxis(data[0]?.t ?? 0, data.at(-1)?.t ?? 0);
  const label = { second: formatTimeWithSeconds, minute: formatTime, day: formatShortDate }[x.unit];
  const tickLabel = (t: number) => label(new Date(t).toISOString());
  const y = moneyTicks(Math.min(...data.map((d) => d.balance)), Math.max(...data.map((d) => d.balance)));
  const summary =
    first && last
      ? `From ${formatMoney(first.balance)} on ${formatShortDate(first.at)} to ${formatMoney(last.balance)} on ${formatShortDate(last.at)}, over the last ${points.length} transactions.`
      : "No transactions yet.";
  return (
    <ChartFigure
      title="Balance over time"
      summary={summary}
      table={{
        caption: "Balance after each transaction",
        columns: ["Time", "Balance"],
        rows: points.map((p, i) => ({ key: `${p.at}-${i}`, cells: [formatDateTime(p.at), formatMoney(p.balance)] })),
      }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={x.domain}
            ticks={x.ticks}
            tickFormatter={tickLabel}
            tick={AXIS_TICK}
            minTickGap={16}
          />
          <YAxis tick={AXIS_TICK} tickFormatter={formatChartTick} width={64} domain={y.domain} ticks={y.ticks} />
          <Tooltip
            {...TOOLTIP_STYLE}
            formatter={(value) => [formatChartMoney(value), "Balance"]}
            labelFormatter={(_, payload) => {
              const at = payload?.[0]?.payload?.at;
              return typeof at === "string" ? formatDateTime(at) : "";
            }}
          />
          <Line
            type="stepAfter"
            dataKey="balance"
            name="Balance"
            stroke={colors.positive}
            strokeWidth={2}
            dot={data.length < 30 ? { r: 2 } : false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}

export function FlowChart({ transactions }: { transactions: Transaction[] }) {
  const colors = useChartColors();
  const bars = flowByType(transactions, TRANSACTION_TYPES);

  const data = bars.map((bar) => ({
    label: TRANSACTION_TYPE_LABELS[bar.type as keyof typeof TRANSACTION_TYPE_LABELS] ?? bar.type,
    moneyIn: bar.moneyIn,
    moneyOut: bar.moneyOut,
  }));
  const totals = flowTotals(transactions);
  const flowAxis = moneyTicks(0, Math.max(0, ...data.flatMap((d) => [d.moneyIn, d.moneyOut])));
  const loans =
    totals.borrowed > 0 || totals.repaid > 0
      ? ` Loans are counted apart: ${formatMoney(totals.borrowed)} borrowed, ${formatMoney(totals.repaid)} repaid.`
      : "";
  const internal = totals.internal > 0 ? " Moves to and from your savings goals are left out: that money stays yours." : "";
  return (
    <ChartFigure
      title="Money in and out by type"
      summary={`${formatMoney(totals.income)} income and ${formatMoney(totals.spending)} spending across the last ${transactions.length} transactions.${loans}${internal}`}
      table={{
        caption: "Money in and out by transaction type",
        columns: ["Type", "Money in", "Money out"],
        rows: bars.map((bar, index) => ({
          key: bar.type,
          cells: [data[index]?.label ?? bar.type, formatMoney(bar.moneyIn), formatMoney(bar.moneyOut)],
        })),
      }}
    >
      <ResponsiveContainer width="100%" height="100%">
        {/* Horizontal bars: the type names stay readable on a phone instead of colliding under the axis. */}
        <BarChart data={data} layout="vertical" margin={{ top: 0, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tick={AXIS_TICK} tickFormatter={formatChartTick} domain={flowAxis.domain} ticks={flowAxis.ticks} />
          <YAxis type="category" dataKey="label" tick={AXIS_TICK} interval={0} width={108} />
          <Tooltip {...TOOLTIP_STYLE} formatter={(value, name) => [formatChartMoney(value), name]} />
          <Legend wrapperStyle={LEGEND_STYLE} formatter={legendText} />
          <Bar dataKey="moneyIn" name="Money in" fill={colors.positive} isAnimationActive={false} />
          <Bar dataKey="moneyOut" name="Money out" fill={colors.negative} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
