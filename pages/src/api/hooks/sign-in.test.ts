import { describe, expect, it } from "vitest";
import { createApiClient } from "../client";
import { ApiError, isUnauthenticated } from "../errors";
import { requestSignIn } from "./auth";

const user = {
  user_id: "u1",
  email: "a@example.com",
  name: null,
  role: "customer",
  two_factor: true,
  created_at: "2026-11-24T10:00:00.000Z",
};

const envelope = (status: number, code: string, message: string) =>
  new Response(JSON.stringify({ error: { code, message, request_id: "req-1", details: [] } }), {
    status,
    headers: { "Content-Type": "application/json" },
  });

/** A login endpoint that wants `otp` "123456" for the account. */
function loginNeedingCode() {
  const bodies: unknown[] = [];
  const client = createApiClient({
    baseUrl: "http://ui.test",
    fetch: async (request) => {
      const body = (await request.json()) as { otp?: string };
      bodies.push(body);
      if (body.otp === undefined) return envelope(401, "OTP_REQUIRED", "This account needs the code of its authenticator app (otp)");
      if (body.otp !== "123456") return envelope(401, "OTP_REQUIRED", "The code is wrong or was already used; send the current one as otp");
      return new Response(JSON.stringify({ user, token: "t" }), { status: 200, headers: { "Content-Type": "application/json" } });
    },
  });
  return { client, bodies };
}

describe("requestSignIn", () => {
  it("answers OTP_REQUIRED to the password step as a second step, not an error", async () => {
    const { client } = loginNeedingCode();
    await expect(requestSignIn({ email: "a@example.com", password: "pw" }, client)).resolves.toEqual({ otpRequired: true });
  });

  it("sends the same credentials again with the code and signs in", async () => {
    const { client, bodies } = loginNeedingCode();
    await expect(requestSignIn({ email: "a@example.com", password: "pw", otp: "123456" }, client)).resolves.toEqual({ user });
    expect(bodies).toEqual([{ email: "a@example.com", password: "pw", otp: "123456" }]);
  });

  it("throws a wrong code as a refusal that does not end a session", async () => {
    const { client } = loginNeedingCode();
    const error = await requestSignIn({ email: "a@example.com", password: "pw", otp: "000000" }, client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("OTP_REQUIRED");
    expect(isUnauthenticated(error)).toBe(false);
  });
});

describe("isUnauthenticated", () => {
  it("is a lapsed session, never a refused sign-in", () => {
    expect(isUnauthenticated(new ApiError(401, "UNAUTHENTICATED", "no session"))).toBe(true);
    expect(isUnauthenticated(new ApiError(401, "INVALID_CREDENTIALS", "wrong password"))).toBe(false);
    expect(isUnauthenticated(new ApiError(401, "OTP_REQUIRED", "code needed"))).toBe(false);
  });
});
