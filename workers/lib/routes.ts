/**
 * Route builders: what every route of a kind has is declared here once (security, the auth
 * middleware, the key header and the error responses it can give), so a route file states only what
 * is its own. The global middleware of workers/app.ts shapes the lists: the body limit (413), the
 * cross-site guard (403 for cookie requests with an unsafe method or a WebSocket upgrade) and the
 * JSON body parser (415, and 400 for malformed JSON) run ahead of every route.
 */
import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app";
import { requireAdmin, requireUser } from "./auth";
import { ERROR_STATUS, type ErrorCode } from "./errors";
import { idempotent, idempotentEffect } from "./idempotency";
import { limitPerUser, type RateLimitBinding } from "./rate-limit";

const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** Every code of API.md: the UI reads its error type from this component of the generated schema. */
export const ErrorCodeSchema = z.enum(ERROR_CODES).openapi("ErrorCode");

const ErrorDetailSchema = z.object({ path: z.string(), message: z.string() }).openapi("ErrorDetail");

/** API.md's error envelope, any code. */
const ErrorSchema = z
  .object({
    error: z.object({ code: ErrorCodeSchema, message: z.string(), request_id: z.string(), details: z.array(ErrorDetailSchema) }),
  })
  .openapi("Error");

/** The envelope with `code` narrowed to the codes one response can carry (`allOf` the Error component). */
const errorEnvelope = (codes: readonly ErrorCode[]) =>
  ErrorSchema.and(z.object({ error: z.object({ code: z.enum(codes as [ErrorCode, ...ErrorCode[]]) }) }));

type ErrorResponse = { description: string; content: { "application/json": { schema: ReturnType<typeof errorEnvelope> } } };

const STATUS_TEXT: Record<number, string> = {
  400: "Invalid request",
  401: "Missing, invalid or expired credentials",
  403: "Refused",
  404: "Unknown or foreign resource",
  409: "Conflict",
  413: "Body over 64 KiB",
  415: "Body is not application/json",
  422: "Unprocessable",
  426: "Not a WebSocket upgrade request",
  429: "Too many requests (Retry-After set)",
};

/** One error response: the envelope with exactly these codes. */
export function errorResponse(status: number, codes: readonly ErrorCode[]): ErrorResponse {
  return {
    description: `${STATUS_TEXT[status] ?? "Error"}: ${codes.join(", ")}`,
    content: { "application/json": { schema: errorEnvelope(codes) } },
  };
}

type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

/** The error responses for a set of codes, one per status, each listing only its own codes. */
function errorResponses(codes: Iterable<ErrorCode>): Partial<Record<ErrorStatus, ErrorResponse>> {
  const byStatus = new Map<ErrorStatus, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Partial<Record<ErrorStatus, ErrorResponse>> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    // Keep API.md's order of codes within a status, whatever order a route named them in.
    responses[status] = errorResponse(
      status,
      ERROR_CODES.filter((code) => list.includes(code)),
    );
  }
  return responses;
}

/** The optional Idempotency-Key header of every money-moving POST (API.md, Idempotency). */
const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: "Makes the request safe to retry; scoped to the user, kept 48 hours." }),
});

const USER_SECURITY: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];

type Access = "public" | "user" | "admin";

const UNSAFE_METHODS = new Set(["post", "put", "patch", "delete"]);

type RouteRequest = NonNullable<RouteConfig["request"]>;

export type RouteSpec = Omit<RouteConfig, "security" | "middleware" | "request" | "operationId"> & {
  /** Stable and camelCase: SDK generators name their methods after it. */
  operationId: string;
  /** Headers of the route's own (none on an idempotent route: it has the key's). */
  request?: Omit<RouteRequest, "body">;
  /** A JSON request body (required unless `bodyOptional`). */
  body?: z.ZodType;
  bodyOptional?: true;
  /** Rate limited per user with this binding (after authentication, before idempotency). */
  rateLimit?: RateLimitBinding;
  /**
   * Idempotency-Key handling (lib/idempotency.ts): `stored` keeps the first response in the
   * IdempotencyStore; `effect` rebuilds it from the keyed ledger effect's stored outcome.
   */
  idempotency?: "stored" | "effect";
  /** The codes the handler itself can give, beyond those the kind of route brings. */
  errors?: readonly ErrorCode[];
};

type Nothing = Record<never, never>;
type BodyOf<S extends RouteSpec> = S["body"] extends z.ZodType
  ? { body: { required: boolean; content: { "application/json": { schema: S["body"] } } } }
  : Nothing;
type HeadersOf<S extends RouteSpec> = S["idempotency"] extends string ? { headers: typeof IdempotencyHeader } : Nothing;

type BuiltRoute<S extends RouteSpec> = Omit<
  S,
  "request" | "body" | "bodyOptional" | "rateLimit" | "idempotency" | "errors" | "responses"
> & {
  security: Record<string, string[]>[];
  middleware: MiddlewareHandler<AppEnv>[];
  request: (S["request"] extends object ? S["request"] : Nothing) & BodyOf<S> & HeadersOf<S>;
  responses: S["responses"] & Partial<Record<ErrorStatus, ErrorResponse>>;
};

function defineRoute<const S extends RouteSpec>(access: Access, spec: S) {
  const { body, bodyOptional, rateLimit, idempotency, errors = [], request, responses, ...rest } = spec;
  const codes = new Set<ErrorCode>(errors);
  const middleware: MiddlewareHandler<AppEnv>[] = [];
  if (access !== "public") {
    middleware.push(requireUser);
    codes.add("UNAUTHENTICATED");
  }
  if (access === "admin") {
    middleware.push(requireAdmin);
    codes.add("FORBIDDEN");
  }
  if (rateLimit) {
    middleware.push(limitPerUser(rateLimit));
    codes.add("RATE_LIMITED");
  }
  if (UNSAFE_METHODS.has(spec.method)) {
    // The global guard and body parser answer these on any unsafe request, body schema or not.
    for (const code of ["VALIDATION_ERROR", "FORBIDDEN", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"] as const) codes.add(code);
  }
  if (body || request?.query) codes.add("VALIDATION_ERROR");
  const fullRequest: RouteRequest = { ...request };
  if (body) fullRequest.body = { required: bodyOptional !== true, content: { "application/json": { schema: body } } };
  if (idempotency) {
    if (request?.headers) throw new Error(`${spec.operationId}: an idempotent route declares only the Idempotency-Key header`);
    middleware.push(idempotency === "effect" ? idempotentEffect : idempotent);
    fullRequest.headers = IdempotencyHeader;
    for (const code of ["VALIDATION_ERROR", "IDEMPOTENCY_IN_PROGRESS", "IDEMPOTENCY_KEY_REUSED"] as const) codes.add(code);
  }
  const route = createRoute({
    ...rest,
    security: access === "public" ? [] : USER_SECURITY,
    middleware,
    request: fullRequest,
    responses: { ...responses, ...errorResponses(codes) },
  });
  return route as unknown as BuiltRoute<S>;
}

/** A route anyone may call: `security: []`, no auth middleware. */
export const publicRoute = <const S extends RouteSpec>(spec: S) => defineRoute("public", spec);
/** A route for a signed-in user: bearer token or session cookie (401 UNAUTHENTICATED). */
export const userRoute = <const S extends RouteSpec>(spec: S) => defineRoute("user", spec);
/** A user route that also needs the admin role (403 FORBIDDEN). */
export const adminRoute = <const S extends RouteSpec>(spec: S) => defineRoute("admin", spec);
