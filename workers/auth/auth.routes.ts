import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse, security } from "../lib/app";
import { requireUser } from "../lib/auth";
import { textSchema } from "../lib/text";

const Email = z
  .string()
  .trim()
  .max(254)
  .email()
  .transform((e) => e.toLowerCase())
  .openapi({ type: "string", example: "ada@example.com" });
const Password = z.string().min(8).max(128).openapi({ example: "correct horse battery" });

export const UserSchema = z
  .object({
    user_id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(["customer", "admin"]),
    created_at: z.string(),
  })
  .openapi("User");

const Session = z.object({
  user: UserSchema,
  token: z.string().openapi({ description: "HS256 bearer token; also set as the HttpOnly `session` cookie" }),
});

export const signup = createRoute({
  method: "post",
  path: "/auth/signup",
  tags: ["Auth"],
  summary: "Create an account",
  request: {
    body: jsonBody(z.strictObject({ email: Email, password: Password, name: textSchema({ max: 100 }).optional() })),
  },
  responses: {
    201: jsonResponse(Session, "Account created; signed in"),
    ...errorResponses("VALIDATION_ERROR", "EMAIL_TAKEN", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "RATE_LIMITED"),
  },
});

export const login = createRoute({
  method: "post",
  path: "/auth/login",
  tags: ["Auth"],
  summary: "Sign in",
  description: "At most 5 attempts per email and 50 per IP address in 15 minutes; then 429 with Retry-After.",
  request: { body: jsonBody(z.strictObject({ email: Email, password: z.string().min(1).max(128) })) },
  responses: {
    200: jsonResponse(Session, "Signed in"),
    ...errorResponses("VALIDATION_ERROR", "INVALID_CREDENTIALS", "RATE_LIMITED"),
  },
});

export const logout = createRoute({
  method: "post",
  path: "/auth/logout",
  tags: ["Auth"],
  summary: "Sign out (clears the session cookie)",
  description: "Tokens are stateless and expire after TOKEN_TTL_SECONDS; API clients drop theirs.",
  security,
  middleware: [requireUser] as const,
  responses: { 204: { description: "Signed out" }, ...errorResponses("UNAUTHENTICATED") },
});

export const me = createRoute({
  method: "get",
  path: "/auth/me",
  tags: ["Auth"],
  summary: "The signed-in user",
  security,
  middleware: [requireUser] as const,
  responses: { 200: jsonResponse(z.object({ user: UserSchema }), "The user"), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});
