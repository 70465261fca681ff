import { describe, expect, it } from "vitest";
import { formatDateTime } from "../../lib/format";
import { createApiClient } from "../client";
import { ApiError } from "../errors";
import { advanceClock, clockAdvanceMessage } from "./admin";

const NOW = "2027-01-03T09:30:00.000Z";

/** The advance route answering `status` with `body`; the request bodies it saw. */
function clockAnswering(status: number, answer: unknown) {
  const sent: unknown[] = [];
  const client = createApiClient({
    baseUrl: "http://ui.test",
    fetch: async (request) => {
      sent.push(await request.json());
      return new Response(JSON.stringify(answer), { status, headers: { "Content-Type": "application/json" } });
    },
  });
  return { client, sent };
}

describe("moving the test clock", () => {
  it("a 200 is settled: the panel says everything due has been processed", async () => {
    const { client, sent } = clockAnswering(200, { now: NOW, settled: true });
    const result = await advanceClock(30, client);
    expect(result).toEqual({ now: NOW, settled: true });
    expect(sent).toEqual([{ days: 30 }]);
    const message = clockAdvanceMessage(result);
    expect(message.tone).toBe("success");
    expect(message.text).toBe(`Clock moved to ${formatDateTime(NOW)}; everything due has been processed.`);
    expect(message.text).not.toContain("still finishing");
  });

  it("a 202 is not settled: the panel says the clock moved and some autopay debits are still finishing", async () => {
    const { client } = clockAnswering(202, { now: NOW, settled: false });
    const result = await advanceClock(7, client);
    expect(result).toEqual({ now: NOW, settled: false });
    const message = clockAdvanceMessage(result);
    expect(message.tone).toBe("pending");
    expect(message.text.startsWith(`Clock moved to ${formatDateTime(NOW)}; some autopay debits are still finishing`)).toBe(true);
    expect(message.text).not.toContain("everything due has been processed");
  });

  it("a refusal is thrown as the API's error (no clock in this environment)", async () => {
    const { client } = clockAnswering(404, { error: { code: "NOT_FOUND", message: "Route not found", request_id: "r1", details: [] } });
    const error = await advanceClock(1, client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
  });
});
