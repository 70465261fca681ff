export type ScheduleTableRow = { month: number; payment: string; interest: string; principal: string; balance: string };

/** A loan's month-by-month schedule (an estimate while applying, the API's once the loan exists). */
export function ScheduleTable({ caption, rows }: { caption: string; rows: ScheduleTableRow[] }) {
  return (
    <table className="w-full text-right text-sm tabular-nums">
      <caption className="sr-only">{caption}</caption>
      <thead className="sticky top-0 bg-slate-50 text-xs text-slate-600">
        <tr>
          <th scope="col" className="px-3 py-2 text-left font-medium">
            Month
          </th>
          <th scope="col" className="px-3 py-2 font-medium">
            Payment
          </th>
          <th scope="col" className="px-3 py-2 font-medium">
            Interest
          </th>
          <th scope="col" className="hidden px-3 py-2 font-medium sm:table-cell">
            Principal
          </th>
          <th scope="col" className="px-3 py-2 font-medium">
            Balance after
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((row) => (
          <tr key={row.month}>
            <th scope="row" className="px-3 py-1.5 text-left font-normal">
              {row.month}
            </th>
            <td className="px-3 py-1.5">{row.payment}</td>
            <td className="px-3 py-1.5">{row.interest}</td>
            <td className="hidden px-3 py-1.5 sm:table-cell">{row.principal}</td>
            <td className="px-3 py-1.5">{row.balance}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
