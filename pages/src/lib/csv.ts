/** CSV export (RFC 4180 quoting, CRLF rows) for the wallet's transaction history. */

/**
 * Quotes a cell when needed. Free text that a spreadsheet would run as a formula (=, +, -, @, tab,
 * CR at the start) is prefixed with an apostrophe; numeric columns are passed with `raw`.
 */
export function csvCell(value: string | number | null | undefined, raw = false): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (!raw && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export type CsvColumn<T> = { header: string; value: (row: T) => string | number | null | undefined; raw?: boolean };

export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row), c.raw)).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

export type CsvTransaction = {
  transaction_id: string;
  created_at: string;
  type: string;
  direction: string;
  amount: string;
  balance_after: string;
  description: string | null;
  reference_id: string | null;
};

export const TRANSACTION_COLUMNS: CsvColumn<CsvTransaction>[] = [
  { header: "created_at", value: (t) => t.created_at },
  { header: "transaction_id", value: (t) => t.transaction_id },
  { header: "type", value: (t) => t.type },
  { header: "direction", value: (t) => t.direction },
  // Signed, so a spreadsheet sum of the column is the net movement.
  { header: "amount", value: (t) => (t.direction === "DEBIT" ? `-${t.amount}` : t.amount), raw: true },
  { header: "balance_after", value: (t) => t.balance_after, raw: true },
  { header: "description", value: (t) => t.description },
  { header: "reference_id", value: (t) => t.reference_id },
];

export function transactionsToCsv(transactions: readonly CsvTransaction[]): string {
  return toCsv(transactions, TRANSACTION_COLUMNS);
}
