export type ScheduleTableRow = {
  month: number;
  payment: string;
  interest: string;
  principal: string;
  balance: string;
  /** A live schedule's row (an existing loan): its due date, status and what was paid to it. */
  dueDate?: string | null;
  status?: string;
  paid?: string;
};

const ROW_STATUS: Record<string, string> = { UPCOMING: "Upcoming", DUE: "Due", PAID: "Paid", LATE: "Late" };
const ROW_TONE: Record<string, string> = {
  UPCOMING: "text-slate-600",
  DUE: "font-medium text-amber-900",
  PAID: "text-emerald-800",
  LATE: "font-semibold text-red-800",
};

/** A loan's month-by-month schedule (an estimate while applying, the API's live one once the loan exists). */
export function ScheduleTable({ caption, rows }: { caption: string; rows: ScheduleTableRow[] }) {
  const live = rows.some((row) => row.status !== undefined);
  return (
    <table className="w-full text-right text-sm tabular-nums">
      <caption className="sr-only">{caption}</caption>
      <thead className="sticky top-0 bg-slate-50 text-xs text-slate-600">
        <tr>
          <th scope="col" className="px-3 py-2 text-left font-medium">
            Month
          </th>
          {live && (
            <th scope="col" className="px-3 py-2 text-left font-medium">
              Due
            </th>
          )}
          <th scope="col" className="px-3 py-2 font-medium">
            Payment
          </th>
          <th scope="col" className="px-3 py-2 font-medium">
            Interest
          </th>
          <th scope="col" className="hidden px-3 py-2 font-medium sm:table-cell">
            Principal
          </th>
          <th scope="col" className={`px-3 py-2 font-medium${live ? " hidden sm:table-cell" : ""}`}>
            Balance after
          </th>
          {live && (
            <>
              <th scope="col" className="px-3 py-2 font-medium">
                Paid
              </th>
              <th scope="col" className="px-3 py-2 text-left font-medium">
                Status
              </th>
            </>
          )}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((row) => (
          <tr key={row.month} data-testid={live ? "schedule-row" : undefined} data-status={row.status}>
            <th scope="row" className="px-3 py-1.5 text-left font-normal">
              {row.month}
            </th>
            {live && <td className="px-3 py-1.5 text-left whitespace-nowrap">{row.dueDate ?? "—"}</td>}
            <td className="px-3 py-1.5">{row.payment}</td>
            <td className="px-3 py-1.5">{row.interest}</td>
            <td className="hidden px-3 py-1.5 sm:table-cell">{row.principal}</td>
            <td className={`px-3 py-1.5${live ? " hidden sm:table-cell" : ""}`}>{row.balance}</td>
            {live && (
              <>
                <td className="px-3 py-1.5">{row.paid}</td>
                <td className={`px-3 py-1.5 text-left ${ROW_TONE[row.status ?? ""] ?? ""}`}>
                  {ROW_STATUS[row.status ?? ""] ?? row.status}
                </td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
