import { OpenAPIHono, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { adminRouter } from "./admin";
import { authRouter } from "./auth";
import { debtOptimiserRouter } from "./debt-optimiser";
import { docsRouter, openApiDocument } from "./docs";
import { fundingRouter } from "./funding";
import { integrationsRouter } from "./integrations";
import { type AppEnv, jsonResponse, validationHook } from "./lib/app";
import { allowedOrigins, crossSiteGuard } from "./lib/auth";
import { AppError, errorBody } from "./lib/errors";
import { clientRequestId } from "./lib/events";
import { jsonBodies } from "./lib/json-body";
import { limitPerIp } from "./lib/rate-limit";
import { ErrorCodeSchema, publicRoute } from "./lib/routes";
import { loansRouter } from "./loans";
import { paymentsRouter } from "./payments";
import { savingsRouter } from "./savings";
import { statementsRouter } from "./statements";
import { transfersRouter } from "./transfers";
import { walletRouter } from "./wallet";

export const MAX_BODY_BYTES = 64 * 1024;

const health = publicRoute({
  method: "get",
  path: "/health",
  operationId: "getHealth",
  tags: ["Health"],
  summary: "Liveness and version",
  responses: { 200: jsonResponse(z.object({ status: z.literal("ok"), version: z.string() }), "The API is up") },
});

export const v1 = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(health, (c) => c.json({ status: "ok" as const, version: c.env.APP_VERSION }, 200))
  .route("/", authRouter)
  .route("/", walletRouter)
  .route("/", loansRouter)
  .route("/", paymentsRouter)
  .route("/", savingsRouter)
  .route("/", transfersRouter)
  .route("/", statementsRouter)
  .route("/", debtOptimiserRouter)
  .route("/", adminRouter)
  .route("/", fundingRouter)
  .route("/", integrationsRouter)
  .route("/", docsRouter);

v1.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
v1.openAPIRegistry.registerComponent("securitySchemes", "cookieAuth", { type: "apiKey", in: "cookie", name: "session" });
v1.openAPIRegistry.register("ErrorCode", ErrorCodeSchema);

export const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Edge Fintech API",
    version: "1.0.0",
    // The project is not published under an open-source licence (package.json: private).
    license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    description:
      "Wallets, micro-loans, payments, savings goals and a debt optimiser. Money is a decimal string with two decimals; " +
      "every error is `{error: {code, message, request_id, details}}`. Money-moving POSTs accept an `Idempotency-Key` header.",
  },
  servers: [{ url: "/v1" }],
};
v1.openapi(openApiDocument, (c) => c.json(v1.getOpenAPI31Document(OPENAPI_INFO), 200));

export const app = new OpenAPIHono<AppEnv>();

// The request id is always the server's (limitLength 0: a client's X-Request-Id is never adopted);
// the client's header is only recorded beside it, sanitised and truncated, in the request log.
app.use(requestId({ headerName: "X-Request-Id", limitLength: 0 }));
app.use(async (c, next) => {
  const started = performance.now();
  await next();
  console.log(
    JSON.stringify({
      level: c.res.status >= 500 ? "error" : "info",
      msg: "request",
      request_id: c.get("requestId"),
      client_request_id: clientRequestId(c.req.header("x-request-id")),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    }),
  );
});
app.use(secureHeaders());
app.use(
  "/v1/*",
  cors({
    origin: (origin, c) => (allowedOrigins(c.env).includes(origin) ? origin : null),
    credentials: true,
    allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: ["Content-Type", "Authorization", "Idempotency-Key"],
    exposeHeaders: ["X-Request-Id", "Retry-After", "Idempotent-Replayed"],
    maxAge: 600,
  }),
);
app.use(
  "/v1/*",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError("PAYLOAD_TOO_LARGE", `The body must not exceed ${MAX_BODY_BYTES} bytes`);
    },
  }),
);
// Cross-site cookie requests are refused before anything reads their body (API.md "Browser requests").
app.use("/v1/*", crossSiteGuard);
// JSON only: cross-site form posts cannot send it either.
app.use("/v1/*", jsonBodies);

// Signup and login per client IP (login's failed attempts are also limited, exactly, by LoginLimiter).
app.post("/v1/auth/signup", limitPerIp("AUTH_RATE_LIMIT"));
app.post("/v1/auth/login", limitPerIp("AUTH_RATE_LIMIT"));

// Nothing the API answers may be kept by a browser or a shared cache, except its public documents.
const CACHEABLE = new Set(["/v1/health", "/v1/openapi.json"]);
app.use("/v1/*", async (c, next) => {
  await next();
  if (!CACHEABLE.has(c.req.path) && !c.res.headers.has("cache-control")) c.res.headers.set("Cache-Control", "no-store");
});

app.route("/v1", v1);

app.notFound((c) => c.json(errorBody("NOT_FOUND", "No such route", c.get("requestId")), 404));

app.onError((error, c) => {
  const id = c.get("requestId") ?? "unknown";
  if (error instanceof AppError) {
    return c.json(errorBody(error.code, error.message, id, error.details), error.status, error.headers);
  }
  if (error instanceof HTTPException && error.status === 400) {
    // Hono's JSON validator: a body that is not valid JSON.
    return c.json(errorBody("VALIDATION_ERROR", "The body is not valid JSON", id, [{ path: "(body)", message: error.message }]), 400);
  }
  console.error(
    JSON.stringify({ level: "error", msg: "unhandled error", request_id: id, error: String(error), stack: (error as Error).stack }),
  );
  return c.json(errorBody("INTERNAL", "Something went wrong on our side", id), 500);
});

export type App = typeof v1;
