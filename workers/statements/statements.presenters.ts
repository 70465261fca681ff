import type { Statement } from "../domain/statement";

const CSV_COLUMNS = [
  "transaction_id",
  "created_at",
  "type",
  "direction",
  "amount",
  "balance_after",
  "description",
  "counterparty_account",
  "counterparty_name",
  "reference_id",
  "hash",
] as const;

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
const field = (value: string | null) => {
  const text = value ?? "";
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The statement's transactions as RFC 4180 CSV: one header line, one line per transaction, CRLF. */
export function statementCsv(statement: Statement): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const t of statement.transactions) {
    lines.push(
      [
        t.transaction_id,
        t.created_at,
        t.type,
        t.direction,
        t.amount,
        t.balance_after,
        t.description,
        t.counterparty.account,
        t.counterparty.name,
        t.reference_id,
        t.hash,
      ]
        .map(field)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

export const csvFilename = (statement: Statement) => `statement-${statement.wallet_id}-${statement.period}.csv`;
