import { describe, expect, it } from "vitest";
import { body, createApiClient, idempotent } from "./client";
import { ApiError } from "./errors";

function clientAnswering(respond: (request: Request) => Response | Promise<Response>) {
  const seen: Request[] = [];
  const client = createApiClient({
    baseUrl: "http://ui.test",
    fetch: async (request) => {
      seen.push(request);
      return respond(request);
    },
  });
  return { client, seen };
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(value), { status, headers: { "Content-Type": "application/json", ...headers } });

const wallet = {
  wallet_id: "w1",
  user_id: "u1",
  balance: "10.00",
  savings_balance: "0.00",
  currency: "USD",
  created_at: "2026-11-24T10:00:00.000Z",
  updated_at: "2026-11-24T10:00:00.000Z",
};

describe("the API client", () => {
  it("returns the body of a success and calls /v1 paths with the cookie", async () => {
    const { client, seen } = clientAnswering(() => json(200, { wallets: [wallet] }));
    await expect(body(client.GET("/v1/wallet"))).resolves.toEqual({ wallets: [wallet] });
    expect(seen[0]?.url).toBe("http://ui.test/v1/wallet");
    expect(seen[0]?.credentials).toBe("include");
  });

  it("sends the idempotency key and a JSON body on money POSTs", async () => {
    const { client, seen } = clientAnswering(() => json(200, { wallet, transaction: {} }));
    await body(
      client.POST("/v1/wallet/{wallet_id}/credit", {
        params: { path: { wallet_id: "w 1" } },
        body: { amount: "12.50" },
        ...idempotent("key-1"),
      }),
    );
    const request = seen[0] as Request;
    expect(request.url).toBe("http://ui.test/v1/wallet/w%201/credit");
    expect(request.headers.get("Idempotency-Key")).toBe("key-1");
    expect(request.headers.get("Content-Type")).toBe("application/json");
    expect(await request.json()).toEqual({ amount: "12.50" });
  });

  it("throws the API's error envelope as an ApiError", async () => {
    const { client } = clientAnswering(() =>
      json(409, {
        error: { code: "INSUFFICIENT_FUNDS", message: "Not enough money", request_id: "req-1", details: [] },
      }),
    );
    const error = await body(
      client.POST("/v1/wallet/{wallet_id}/debit", { params: { path: { wallet_id: "w1" } }, body: { amount: "1.00" } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: "INSUFFICIENT_FUNDS", message: "Not enough money", requestId: "req-1" });
    expect((error as ApiError).retryable).toBe(false);
  });

  it("keeps validation details and Retry-After", async () => {
    const { client } = clientAnswering(() =>
      json(
        429,
        { error: { code: "RATE_LIMITED", message: "Slow down", request_id: "r", details: [{ path: "email", message: "x" }] } },
        { "Retry-After": "30" },
      ),
    );
    const error = (await body(client.POST("/v1/auth/login", { body: { email: "a@b.co", password: "x" } })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error.retryAfter).toBe(30);
    expect(error.details).toEqual([{ path: "email", message: "x" }]);
  });

  it("turns a proxy's empty 502 into a retryable 'unavailable' error", async () => {
    const { client } = clientAnswering(() => new Response("", { status: 502 }));
    const error = (await body(client.GET("/v1/wallet")).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.retryable).toBe(true);
  });

  it("turns a failed fetch into a retryable NETWORK_ERROR", async () => {
    const { client } = clientAnswering(() => {
      throw new TypeError("fetch failed");
    });
    const error = (await body(client.GET("/v1/wallet")).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, code: "NETWORK_ERROR" });
    expect(error.retryable).toBe(true);
  });

  it("resolves a 204 without a body", async () => {
    const { client } = clientAnswering(() => new Response(null, { status: 204 }));
    const { data, response } = await client.POST("/v1/auth/logout");
    expect(response.status).toBe(204);
    expect(data).toBeUndefined();
  });
});
