import { describe, expect, it } from "vitest";
import { csvCell, transactionsToCsv } from "./csv";

describe("csvCell", () => {
  it("quotes commas, quotes and newlines", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("line1\nline2")).toBe('"line1\nline2"');
    expect(csvCell(null)).toBe("");
  });

  it("defuses spreadsheet formulas in free text but not in numeric columns", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("-12.50", true)).toBe("-12.50");
  });
});

describe("transactionsToCsv", () => {
  it("writes a header and signed amounts", () => {
    const csv = transactionsToCsv([
      {
        transaction_id: "t1",
        created_at: "2026-11-24T10:00:00.000Z",
        type: "DEPOSIT",
        direction: "CREDIT",
        amount: "100.00",
        balance_after: "100.00",
        description: "Salary, November",
        reference_id: null,
      },
      {
        transaction_id: "t2",
        created_at: "2026-11-24T11:00:00.000Z",
        type: "PAYMENT_OUT",
        direction: "DEBIT",
        amount: "12.50",
        balance_after: "87.50",
        description: null,
        reference_id: "p1",
      },
    ]);
    expect(csv).toBe(
      "created_at,transaction_id,type,direction,amount,balance_after,description,reference_id\r\n" +
        '2026-11-24T10:00:00.000Z,t1,DEPOSIT,CREDIT,100.00,100.00,"Salary, November",\r\n' +
        "2026-11-24T11:00:00.000Z,t2,PAYMENT_OUT,DEBIT,-12.50,87.50,,p1\r\n",
    );
  });
});
