import type { Hook, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError } from "./errors";

export type AuthUser = {
  user_id: string;
  email: string;
  /** Read from D1 (through the session lookup), never from the token. */
  role: "customer" | "admin";
  two_factor: boolean;
  session_id: string;
  /** The token's `exp`, in epoch seconds: live sockets close then. */
  token_expires_at: number;
  /** Set when the request is authenticated by an API key (`sk_…`) instead of a session. */
  api_key_id?: string;
};

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    user: AuthUser;
    /** Set by the idempotency middleware when the request carries an Idempotency-Key. */
    idempotencyKey: string | undefined;
    /** True when an `idempotentEffect` route must only replay the first request's stored outcome. */
    idempotencyReplay: boolean;
  };
};

/** Turns zod validation failures into API.md's 400 envelope with `{path, message}` details. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) {
    throw new AppError(
      "VALIDATION_ERROR",
      "The request is invalid",
      result.error.issues.map((issue) => ({ path: issue.path.join(".") || "(root)", message: issue.message })),
    );
  }
};

/** A handler of one route contract, typed by it (request, responses) over the app's bindings and variables. */
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

/** Pagination query of API.md: limit 1..100 (default 50) and an opaque cursor. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ example: 50 }),
  cursor: z.string().min(1).max(200).optional().openapi({ description: "`next_cursor` of the previous page" }),
});

export const IdParam = <K extends string>(name: K) =>
  z.object({
    [name]: z.string().openapi({ param: { name, in: "path" }, example: "4b1c6a52-3f0e-4c1b-9a1e-0c5d2c7e8f10" }),
  } as Record<K, z.ZodString>);
