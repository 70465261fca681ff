import { describe, expect, expectTypeOf, it } from "vitest";
import type { ApiErrorCode } from "../pages/src/api/errors";
import type { components } from "../pages/src/api/schema";
import { createRouter } from "../workers/lib/app";
import { ERROR_STATUS, type ErrorCode, errorBody } from "../workers/lib/errors";
import { createGoal } from "../workers/savings/savings.routes";
import { credit, live } from "../workers/wallet/wallet.routes";
import { api, createWallet, expectEnvelope, signup } from "./helpers/api";

type Schema = { $ref?: string; enum?: string[]; allOf?: Schema[]; properties?: Record<string, Schema> };
type Response = { description: string; content?: { "application/json"?: { schema: Schema } } };
type Operation = {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, Response>;
};

const METHODS = ["get", "put", "post", "delete", "patch"] as const;
const UNSAFE = new Set(["put", "post", "delete", "patch"]);
// The deposit webhook carries no user token: it is signed (API.md, Funding), and documents its own 401.
const PUBLIC = new Set([
  "GET /health",
  "GET /openapi.json",
  "GET /docs",
  "GET /docs/{asset}",
  "POST /auth/signup",
  "POST /auth/login",
  "POST /funding/deposits",
  "GET /statements/keys",
  "POST /statements/verify",
]);

async function operations() {
  const doc = (await api("/openapi.json")).body as { paths: Record<string, Partial<Record<string, Operation>>> };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item[method];
      return op ? [{ name: `${method.toUpperCase()} ${path}`, path, method, op }] : [];
    }),
  );
}

/** The codes one documented error response can carry: the Error component, its code narrowed by an enum. */
function documentedCodes(response: Response): string[] | undefined {
  const schema = response.content?.["application/json"]?.schema;
  expect(schema?.allOf?.[0]).toEqual({ $ref: "#/components/schemas/Error" });
  return schema?.allOf?.[1]?.properties?.error?.properties?.code?.enum;
}

const codesOf = (op: Operation, status: number) => {
  const response = op.responses[String(status)];
  return response ? documentedCodes(response) : undefined;
};

describe("the OpenAPI document", () => {
  it("documents one error envelope whose code is one of the API's codes", async () => {
    const doc = (await api("/openapi.json")).body;
    expect(doc.components.schemas.ErrorCode.enum).toEqual(Object.keys(ERROR_STATUS));
    expect(doc.components.schemas.Error.properties.error.properties.code).toEqual({ $ref: "#/components/schemas/ErrorCode" });
  });

  it("gives every operation a unique camelCase operationId", async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(30);
    const ids = ops.map(({ op }) => op.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("declares security on every operation: none on the public ones, a token or the session cookie on the rest", async () => {
    for (const { name, op } of await operations()) {
      expect(op.security, name).toEqual(PUBLIC.has(name) ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }]);
      if (!PUBLIC.has(name)) expect(codesOf(op, 401), name).toEqual(["UNAUTHENTICATED"]);
    }
  });

  it("lists under each error status only codes of that status", async () => {
    for (const { name, op } of await operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const codes = documentedCodes(response);
        expect(codes?.length, `${name} ${status}`).toBeGreaterThan(0);
        // The live route's 426 keeps the code it has always carried (its own test is below).
        if (name === "GET /wallet/{wallet_id}/live" && status === "426") continue;
        for (const code of codes ?? []) expect(ERROR_STATUS[code as ErrorCode], `${name} ${status} ${code}`).toBe(Number(status));
      }
    }
  });

  it("documents what the global middleware gives every unsafe request, and the key's codes on idempotent routes", async () => {
    for (const { name, method, op } of await operations()) {
      if (UNSAFE.has(method)) {
        expect(codesOf(op, 400), name).toContain("VALIDATION_ERROR");
        expect(codesOf(op, 403), name).toContain("FORBIDDEN");
        expect(codesOf(op, 413), name).toEqual(["PAYLOAD_TOO_LARGE"]);
        expect(codesOf(op, 415), name).toEqual(["UNSUPPORTED_MEDIA_TYPE"]);
      }
      if (op.parameters?.some((p) => p.in === "header" && p.name === "idempotency-key")) {
        expect(codesOf(op, 409), name).toContain("IDEMPOTENCY_IN_PROGRESS");
        expect(codesOf(op, 422), name).toContain("IDEMPOTENCY_KEY_REUSED");
      }
    }
    const byName = new Map((await operations()).map(({ name, op }) => [name, op]));
    expect(codesOf(byName.get("POST /wallet/{wallet_id}/debit")!, 409)).toEqual(["INSUFFICIENT_FUNDS", "IDEMPOTENCY_IN_PROGRESS"]);
    expect(codesOf(byName.get("POST /wallet/{wallet_id}/credit")!, 409)).toEqual(["IDEMPOTENCY_IN_PROGRESS"]);
    expect(codesOf(byName.get("POST /loan/{loan_id}/approve")!, 403)).toEqual(["FORBIDDEN"]);
    expect(codesOf(byName.get("GET /wallet")!, 400)).toBeUndefined();
    expect(codesOf(byName.get("POST /wallet")!, 429)).toEqual(["RATE_LIMITED"]);
  });

  it("has no ambiguous paths besides API.md's by-wallet ones", async () => {
    const paths = [...new Set((await operations()).map(({ path }) => path))];
    const segments = (path: string) => path.split("/").slice(1);
    const isParam = (segment: string) => segment.startsWith("{");
    const ambiguous: string[] = [];
    for (const [i, a] of paths.entries()) {
      for (const b of paths.slice(i + 1)) {
        const [sa, sb] = [segments(a), segments(b)];
        if (sa.length !== sb.length) continue;
        const overlap = sa.every((s, k) => s === sb[k] || isParam(s) || isParam(sb[k]!));
        const sameShape = sa.every((s, k) => isParam(s) === isParam(sb[k]!));
        if (overlap && !sameShape) ambiguous.push(`${a} ${b}`);
      }
    }
    for (const pair of ambiguous) expect(pair).toMatch(/\/by-wallet\/\{wallet_id\}/);
    expect(ambiguous.length).toBeGreaterThan(0);
  });
});

describe("the live route", () => {
  it("documents its 426 and answers a plain GET with it, in the envelope it documents", async () => {
    const op = (await operations()).find(({ name }) => name === "GET /wallet/{wallet_id}/live")!.op;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["101", "426"]));
    expect(codesOf(op, 426)).toEqual(["VALIDATION_ERROR"]);
    expect(codesOf(op, 403)).toEqual(["FORBIDDEN"]);
    expect(codesOf(op, 429)).toEqual(["RATE_LIMITED"]);

    const user = await signup();
    const walletId = await createWallet(user);
    expectEnvelope(await api(`/wallet/${walletId}/live`, { token: user.token }), 426, "VALIDATION_ERROR");
  });
});

describe("the route builders keep the handlers' typing", () => {
  it("gives the UI the Worker's error codes through the generated schema", () => {
    // A stale schema.d.ts (npm run gen:api not run after a change to the codes) fails the type-check here.
    expectTypeOf<components["schemas"]["ErrorCode"]>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<ApiErrorCode>().toEqualTypeOf<ErrorCode | "NETWORK_ERROR">();
  });

  it("types the validated JSON body, the params and the key header", () => {
    // Checked by `npm run typecheck`; the handlers are never called.
    createRouter()
      .openapi(credit, (c) => {
        expectTypeOf(c.req.valid("json").amount).toEqualTypeOf<number>();
        expectTypeOf(c.req.valid("json").description).toEqualTypeOf<string | undefined>();
        expectTypeOf(c.req.valid("param").wallet_id).toEqualTypeOf<string>();
        expectTypeOf(c.req.valid("header")["idempotency-key"]).toEqualTypeOf<string | undefined>();
        return c.json({} as never, 200);
      })
      .openapi(createGoal, (c) => {
        expectTypeOf(c.req.valid("json").goal_name).toEqualTypeOf<string>();
        return c.json({} as never, 201);
      })
      // The handler's answer to a plain GET needs no cast now that the route declares its 426.
      .openapi(live, (c) => c.json(errorBody("VALIDATION_ERROR", "Expected a WebSocket upgrade", c.get("requestId")), 426));
  });
});
