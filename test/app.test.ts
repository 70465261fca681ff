import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import committedOpenApi from "../pages/src/api/openapi.json";
import { api, expectEnvelope, signup } from "./helpers/api";

describe("the app shell", () => {
  it("answers /v1/health with the version", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", version: expect.any(String) });
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("serves an OpenAPI 3.1 document and a docs page", async () => {
    const doc = await api("/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(["/wallet", "/wallet/{wallet_id}/credit", "/auth/login"]));
    const docs = await SELF.fetch("http://localhost/v1/docs");
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("openapi.json");
  });

  it("matches the OpenAPI document the UI's typed client is generated from (npm run gen:api)", async () => {
    const served = (await api("/openapi.json")).body;
    expect(served).toEqual(committedOpenApi);
  });

  it("answers unknown routes with a 404 envelope", async () => {
    expectEnvelope(await api("/nope"), 404, "NOT_FOUND");
    expectEnvelope(await api("/../etc/passwd"), 404, "NOT_FOUND");
  });

  it("refuses bodies over 64 KiB with 413", async () => {
    const user = await signup();
    const res = await api("/wallet", {
      token: user.token,
      rawBody: JSON.stringify({ pad: "x".repeat(70_000) }),
      headers: { "content-type": "application/json" },
    });
    expectEnvelope(res, 413, "PAYLOAD_TOO_LARGE");
  });

  it("refuses non-JSON bodies with 415 and malformed JSON with 400", async () => {
    expectEnvelope(
      await api("/auth/login", { rawBody: "email=a", headers: { "content-type": "application/x-www-form-urlencoded" } }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    expectEnvelope(await api("/auth/login", { rawBody: "{", headers: { "content-type": "application/json" } }), 400, "VALIDATION_ERROR");
  });

  it("lists each validation problem with its path", async () => {
    const res = await api("/auth/signup", { body: { email: "x", password: "y", extra: 1 } });
    expectEnvelope(res, 400, "VALIDATION_ERROR");
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["email", "password"]));
  });

  it("allows CORS only for configured origins", async () => {
    const ok = await SELF.fetch("http://localhost/v1/health", { headers: { origin: "http://localhost:5173" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    const evil = await SELF.fetch("http://localhost/v1/health", { headers: { origin: "https://evil.example" } });
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
  });
});
