import { useQuery } from "@tanstack/react-query";
import { api, body } from "../client";

export const statementKeys = {
  list: (walletId: string) => ["statements", walletId, "list"] as const,
  one: (walletId: string, period: string) => ["statements", walletId, period] as const,
  verify: (walletId: string, period: string, signature: string) => ["statements", walletId, period, "verify", signature] as const,
  balanceAsOf: (walletId: string, asOf: string) => ["transactions", walletId, "balance-as-of", asOf] as const,
};

export function useStatementList(walletId: string) {
  return useQuery({
    queryKey: statementKeys.list(walletId),
    queryFn: async () =>
      (await body(api.GET("/v1/wallet/{wallet_id}/statements", { params: { path: { wallet_id: walletId } } }))).statements,
  });
}

type StatementAnswer = Exclude<Awaited<ReturnType<typeof getStatement>>, string>;
const getStatement = (walletId: string, period: string) =>
  body(api.GET("/v1/wallet/{wallet_id}/statements/{period}", { params: { path: { wallet_id: walletId, period }, query: {} } }));

export type StatementData = StatementAnswer["statement"];

export function useStatement(walletId: string, period: string) {
  return useQuery({
    queryKey: statementKeys.one(walletId, period),
    // Without ?format=csv the answer is always the JSON document.
    queryFn: async () => ((await getStatement(walletId, period)) as StatementAnswer).statement,
  });
}

/** The issuer's own check of the statement the screen shows (the same check `npm run verify-statement` runs offline). */
export function useStatementVerification(statement: StatementData | undefined) {
  return useQuery({
    queryKey: statementKeys.verify(statement?.wallet_id ?? "", statement?.period ?? "", statement?.signature ?? ""),
    enabled: statement !== undefined,
    queryFn: async () => body(api.POST("/v1/statements/verify", { body: { statement: statement as unknown as Record<string, never> } })),
  });
}

/** The statement's transactions as CSV, as the API writes it. */
export async function fetchStatementCsv(walletId: string, period: string): Promise<string> {
  const { data } = await api.GET("/v1/wallet/{wallet_id}/statements/{period}", {
    params: { path: { wallet_id: walletId, period }, query: { format: "csv" } },
    parseAs: "text",
  });
  return data as unknown as string;
}

export function useBalanceAsOf(walletId: string, asOf: string | null) {
  return useQuery({
    queryKey: statementKeys.balanceAsOf(walletId, asOf ?? ""),
    enabled: asOf !== null,
    queryFn: async () =>
      body(api.GET("/v1/wallet/{wallet_id}/balance", { params: { path: { wallet_id: walletId }, query: { as_of: asOf ?? undefined } } })),
  });
}
