/** The dashboard's charts; loaded on demand so recharts stays out of the initial bundle. */
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { TRANSACTION_TYPE_LABELS, TRANSACTION_TYPES, type Transaction } from "../../api/types";
import { balanceSeries, flowByType } from "../../lib/chart-data";
import { formatDateTime, formatShortDate, formatTime } from "../../lib/format";
import { centsToChartValue, formatChartMoney, formatChartTick, formatMoney } from "../../lib/money";
import { ChartFigure } from "./chart-figure";

const AXIS = { fontSize: 12, fill: "#475569" };

export function BalanceChart({ transactions }: { transactions: Transaction[] }) {
  const points = balanceSeries(transactions);
  const first = points[0];
  const last = points.at(-1);
  // Within a single day every tick would read the same date: show the time of day instead.
  const oneDay = first !== undefined && last !== undefined && formatShortDate(first.at) === formatShortDate(last.at);
  const data = points.map((p) => ({
    at: p.at,
    label: oneDay ? formatTime(p.at) : formatShortDate(p.at),
    balance: centsToChartValue(p.balance),
  }));
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
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="label" tick={AXIS} minTickGap={24} />
          <YAxis tick={AXIS} tickFormatter={formatChartTick} width={64} />
          <Tooltip
            formatter={(value) => [formatChartMoney(value), "Balance"]}
            labelFormatter={(_, payload) => {
              const at = payload?.[0]?.payload?.at;
              return typeof at === "string" ? formatDateTime(at) : "";
            }}
          />
          <Line type="stepAfter" dataKey="balance" name="Balance" stroke="#047857" strokeWidth={2} dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}

export function FlowChart({ transactions }: { transactions: Transaction[] }) {
  const bars = flowByType(transactions, TRANSACTION_TYPES);
  const data = bars.map((bar) => ({
    label: TRANSACTION_TYPE_LABELS[bar.type as keyof typeof TRANSACTION_TYPE_LABELS] ?? bar.type,
    moneyIn: centsToChartValue(bar.moneyIn),
    moneyOut: centsToChartValue(bar.moneyOut),
  }));
  const totalIn = bars.reduce((sum, bar) => sum + bar.moneyIn, 0);
  const totalOut = bars.reduce((sum, bar) => sum + bar.moneyOut, 0);
  return (
    <ChartFigure
      title="Money in and out by type"
      summary={`${formatMoney(totalIn)} in and ${formatMoney(totalOut)} out across the last ${transactions.length} transactions.`}
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
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" horizontal={false} />
          <XAxis type="number" tick={AXIS} tickFormatter={formatChartTick} />
          <YAxis type="category" dataKey="label" tick={AXIS} interval={0} width={108} />
          <Tooltip formatter={(value, name) => [formatChartMoney(value), name]} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="moneyIn" name="Money in" fill="#047857" isAnimationActive={false} />
          <Bar dataKey="moneyOut" name="Money out" fill="#b91c1c" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
