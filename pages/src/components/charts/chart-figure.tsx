import { type ReactNode, useId } from "react";

export type ChartTable = { caption: string; columns: string[]; rows: { key: string; cells: (string | number)[] }[] };

/**
 * A chart with its text alternative: a caption with a one-sentence summary for everyone, and the
 * chart's data as a table for screen readers. The drawing itself is hidden from assistive tech.
 */
export function ChartFigure({
  title,
  summary,
  table,
  children,
}: {
  title: string;
  summary: string;
  table: ChartTable;
  children: ReactNode;
}) {
  const captionId = useId();
  return (
    <figure aria-labelledby={captionId} className="m-0">
      <figcaption id={captionId}>
        <span className="block text-base font-semibold text-slate-900">{title}</span>
        <span className="mt-0.5 block text-sm text-slate-600">{summary}</span>
      </figcaption>
      <div className="mt-3 h-64 w-full" aria-hidden="true">
        {children}
      </div>
      {/* The wrapper hides the table: a table ignores width and overflow, so "sr-only" on it would widen the page. */}
      <div className="sr-only">
        <table>
          <caption>{table.caption}</caption>
          <thead>
            <tr>
              {table.columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr key={row.key}>
                {row.cells.map((cell, cellIndex) => {
                  const column = table.columns[cellIndex];
                  return cellIndex === 0 ? (
                    <th key={column} scope="row">
                      {cell}
                    </th>
                  ) : (
                    <td key={column}>{cell}</td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
