import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, expectEnvelope, signup, signupAdmin, type TestUser } from "../helpers/api";

type Operation = { method: string; path: string };

async function operations(): Promise<Operation[]> {
  const doc = (await api("/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => ["get", "post", "put", "patch", "delete"].includes(method))
      .map((method) => ({ method: method.toUpperCase(), path })),
  );
}

const concrete = (path: string) => path.replace(/\{[^}]+\}/g, (param) => (param === "{period}" ? "2026-01" : crypto.randomUUID()));

async function send(op: Operation, token: string | undefined, variant: { type?: string; body?: string }) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (variant.type) headers["content-type"] = variant.type;
  const res = await SELF.fetch(`http://localhost/v1${concrete(op.path)}`, { method: op.method, headers, body: variant.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // HTML (docs) or empty
  }
  return { status: res.status, body: body as { error?: { code?: string } }, headers: res.headers };
}

const VARIANTS = {
  "no body": {},
  "text/plain body": { type: "text/plain", body: "hello" },
  "empty text/plain": { type: "text/plain" },
  "{}": { type: "application/json", body: "{}" },
  "empty JSON body": { type: "application/json" },
  "invalid JSON": { type: "application/json", body: "{" },
} as const;

describe("every route of the OpenAPI document answers bad input with a 4xx envelope, never a 500", () => {
  let customer: TestUser;
  let admin: TestUser;
  let ops: Operation[];
  beforeAll(async () => {
    customer = await signup();
    admin = await signupAdmin();
    ops = await operations();
  });

  it("covers the document", () => {
    expect(ops.length).toBeGreaterThan(20);
    expect(ops).toEqual(
      expect.arrayContaining([
        { method: "POST", path: "/auth/signup" },
        { method: "POST", path: "/debt-optimiser" },
      ]),
    );
  });

  for (const [name, variant] of Object.entries(VARIANTS)) {
    it(`with ${name}`, async () => {
      const failures: string[] = [];
      for (const op of ops) {
        const unsafe = op.method !== "GET";
        if (!unsafe && name !== "no body") continue;
        for (const token of [undefined, customer.token, admin.token]) {
          const res = await send(op, token, variant);
          const where = `${op.method} ${op.path} (${token === undefined ? "anonymous" : token === admin.token ? "admin" : "customer"})`;
          if (res.status >= 500) failures.push(`${where}: ${res.status}`);
          else if (res.status >= 400 && typeof res.body?.error?.code !== "string")
            failures.push(`${where}: ${res.status} without an envelope`);
          else if (unsafe && name.includes("text/plain") && res.status !== 415) failures.push(`${where}: ${res.status}, expected 415`);
          else if (unsafe && name === "invalid JSON" && res.status !== 400) failures.push(`${where}: ${res.status}, expected 400`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});

describe("media types (API.md: 415)", () => {
  it("an empty POST with a non-JSON content type is a 415, not a 500", async () => {
    for (const path of ["/auth/signup", "/auth/login"]) {
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
        expectEnvelope(await api(path, { method: "POST", headers: { "content-type": type } }), 415, "UNSUPPORTED_MEDIA_TYPE");
      }
    }
  });

  it("a JSON-body route with an empty or absent JSON body is a 400", async () => {
    expectEnvelope(await api("/auth/signup", { method: "POST", headers: { "content-type": "application/json" } }), 400, "VALIDATION_ERROR");
    expectEnvelope(await api("/auth/login", { method: "POST" }), 400, "VALIDATION_ERROR");
  });

  it("a body without a content type is a 415", async () => {
    const res = await SELF.fetch("http://localhost/v1/auth/login", { method: "POST", body: new Uint8Array([123, 125]) });
    expect(res.status).toBe(415);
  });
});

describe("Cache-Control (API.md: authenticated responses carry no-store)", () => {
  it("is no-store on every /v1 answer except the public documents", async () => {
    const user = await signup();
    const wallet = await api("/wallet", { token: user.token, body: {} });
    expect(wallet.headers.get("cache-control")).toBe("no-store");
    expect((await api("/wallet", { token: user.token })).headers.get("cache-control")).toBe("no-store");
    expect((await api("/auth/me", { token: user.token })).headers.get("cache-control")).toBe("no-store");
    expect((await api("/wallet")).headers.get("cache-control")).toBe("no-store");
    expect((await api("/auth/signup", { body: { email: "x", password: "y" } })).headers.get("cache-control")).toBe("no-store");
    expect((await api("/nope", { token: user.token })).headers.get("cache-control")).toBe("no-store");
    expect((await api("/health")).headers.get("cache-control")).toBeNull();
    expect((await api("/openapi.json")).headers.get("cache-control")).toBeNull();
  });
});
