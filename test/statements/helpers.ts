import type { Statement } from "../../workers/domain/statement";
import { api, type TestUser } from "../helpers/api";
import { ledger, systemMove } from "../helpers/wallet";

/** The private half of the retired key whose public half vitest.config.ts publishes (created 2026-01-01). */
export const RETIRED_KEY_SECRET =
  '{"private_key":"MC4CAQAwBQYDK2VwBCIEIPbybJy2FvbHtygmoYiqCzO/WHnJsdVRRACXG3eMbVPl","created_at":"2026-01-01T00:00:00.000Z"}';
/** A key this API never published. */
export const UNKNOWN_KEY_SECRET =
  '{"private_key":"MC4CAQAwBQYDK2VwBCIEIE8BiaH59W9e4FxJgovOuzf7x206fSwSY4FRxPDOt+km","created_at":"2026-03-01T00:00:00.000Z"}';

export type Move = { at: string; direction: "CREDIT" | "DEBIT"; cents: number; description?: string };

/** Posts movements at chosen times (oldest first), as a saga would: the ledger dates each entry `at`. */
export async function postMoves(walletId: string, moves: readonly Move[]) {
  const stub = ledger(walletId);
  for (const move of moves) {
    const request = systemMove({
      amount: move.cents,
      now: move.at,
      type: move.direction === "CREDIT" ? "DEPOSIT" : "WITHDRAWAL",
      description: move.description ?? null,
    });
    const outcome = move.direction === "CREDIT" ? await stub.credit(request) : await stub.debit(request);
    if (!outcome.ok) throw new Error(`move refused: ${JSON.stringify(outcome)}`);
  }
}

export async function statementOf(user: TestUser, walletId: string, period: string): Promise<Statement> {
  const res = await api(`/wallet/${walletId}/statements/${period}`, { token: user.token });
  if (res.status !== 200) throw new Error(`statement ${period}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.statement as Statement;
}

export async function verifyByRoute(statement: unknown): Promise<{ valid: boolean; reason: string | null }> {
  const res = await api("/statements/verify", { body: { statement } });
  if (res.status !== 200) throw new Error(`verify: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A small RFC 4180 parser (quoted fields, doubled quotes, CRLF): rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  if (field !== "" || row.length > 0) throw new Error("CSV must end with CRLF");
  return rows;
}
