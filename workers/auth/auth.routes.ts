import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse, security } from "../lib/app";
import { requireUser } from "../lib/auth";

const Email = z
  .string()
  .trim()
  .max(254)
  .email()
  .transform((e) => e.toLowerCase())
  .openapi({ type: "string", example: "ada@example.com" });
const NewPassword = z
  .string()
  .min(8)
  .max(128)
  .openapi({ description: "8..128 characters, no control characters; checked for strength (a guessable password is a 400)" });
const Otp = z
  .string()
  .regex(/^\d{6}$/, "must be 6 digits")
  .openapi({ description: "The current 6-digit code of the authenticator app (TOTP, 30 s)", example: "123456" });

export const UserSchema = z
  .object({
    user_id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(["customer", "admin"]),
    two_factor: z.boolean().openapi({ description: "Whether sign-in needs a TOTP code" }),
    created_at: z.string(),
  })
  .openapi("User");

const SignedIn = z.object({
  user: UserSchema,
  token: z.string().openapi({ description: "HS256 bearer token of a new session; also set as the HttpOnly `session` cookie" }),
});

export const SessionSchema = z
  .object({
    session_id: z.string(),
    created_at: z.string(),
    last_seen_at: z.string().openapi({ description: "Updated at most about once a minute" }),
    user_agent: z.string().nullable(),
    current: z.boolean().openapi({ description: "The session of the token that made this request" }),
  })
  .openapi("Session");

const SessionParam = z.object({
  session_id: z.string().openapi({ param: { name: "session_id", in: "path" }, example: "4b1c6a52-3f0e-4c1b-9a1e-0c5d2c7e8f10" }),
});

export const signup = createRoute({
  method: "post",
  path: "/auth/signup",
  tags: ["Auth"],
  summary: "Create an account",
  description:
    "A weak password (common, guessable, containing the email's name, or with control characters) is a 400 with the reason in `details`.",
  request: {
    body: jsonBody(z.strictObject({ email: Email, password: NewPassword, name: z.string().trim().min(1).max(100).optional() })),
  },
  responses: {
    201: jsonResponse(SignedIn, "Account created; signed in"),
    ...errorResponses("VALIDATION_ERROR", "EMAIL_TAKEN", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"),
  },
});

export const login = createRoute({
  method: "post",
  path: "/auth/login",
  tags: ["Auth"],
  summary: "Sign in",
  description:
    "Per IP address at most 50 attempts in 15 minutes; per email, after 5 failed attempts each further attempt must wait " +
    "2, 4, 8 … seconds (at most 15 minutes) after the previous one: 429 with Retry-After. An attempt refused for its IP " +
    "never counts against the email. An account with two-factor sign-in needs `otp`: without a valid one the answer is " +
    "401 OTP_REQUIRED (given only once the password is right; a wrong code counts as a failed attempt).",
  request: { body: jsonBody(z.strictObject({ email: Email, password: z.string().min(1).max(128), otp: Otp.optional() })) },
  responses: {
    200: jsonResponse(SignedIn, "Signed in"),
    ...errorResponses("VALIDATION_ERROR", "INVALID_CREDENTIALS", "OTP_REQUIRED", "RATE_LIMITED"),
  },
});

export const logout = createRoute({
  method: "post",
  path: "/auth/logout",
  tags: ["Auth"],
  summary: "Sign out: revokes this session",
  description: "The session's token is refused from now on (401 on every route within 5 s) and its live sockets are closed.",
  security,
  middleware: [requireUser] as const,
  responses: { 204: { description: "Signed out" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN") },
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

export const changePassword = createRoute({
  method: "post",
  path: "/auth/password",
  tags: ["Auth"],
  summary: "Change the password",
  description:
    "Every other session is revoked (this one stays signed in). A wrong `current_password` is a 400 VALIDATION_ERROR " +
    'with `details[0].path = "current_password"` (not a 401, which would read as "this session ended").',
  security,
  middleware: [requireUser] as const,
  request: { body: jsonBody(z.strictObject({ current_password: z.string().min(1).max(128), new_password: NewPassword })) },
  responses: {
    204: { description: "Password changed; other sessions revoked" },
    ...errorResponses("VALIDATION_ERROR", "UNAUTHENTICATED", "FORBIDDEN", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"),
  },
});

export const listSessions = createRoute({
  method: "get",
  path: "/auth/sessions",
  tags: ["Auth"],
  summary: "The user's active sessions",
  description: "Sessions that are neither revoked nor expired, newest first.",
  security,
  middleware: [requireUser] as const,
  responses: {
    200: jsonResponse(z.object({ sessions: z.array(SessionSchema) }), "Active sessions"),
    ...errorResponses("UNAUTHENTICATED"),
  },
});

export const revokeSession = createRoute({
  method: "delete",
  path: "/auth/sessions/{session_id}",
  tags: ["Auth"],
  summary: "Revoke one session",
  description: "Any of the user's own sessions, the current one included; another user's session is a 404.",
  security,
  middleware: [requireUser] as const,
  request: { params: SessionParam },
  responses: { 204: { description: "Revoked" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND") },
});

export const revokeOtherSessions = createRoute({
  method: "delete",
  path: "/auth/sessions",
  tags: ["Auth"],
  summary: "Sign out everywhere else",
  description: "Revokes every session of the user except the current one, and closes their live sockets.",
  security,
  middleware: [requireUser] as const,
  responses: { 204: { description: "Revoked" }, ...errorResponses("UNAUTHENTICATED", "FORBIDDEN") },
});

export const setupTwoFactor = createRoute({
  method: "post",
  path: "/auth/2fa/setup",
  tags: ["Auth"],
  summary: "Start two-factor setup",
  description:
    "A new TOTP secret (RFC 6238, SHA-1, 30 s, 6 digits), pending until `enable` confirms a code from it; a new setup " +
    "replaces a pending one. 409 INVALID_STATE when two-factor sign-in is already on.",
  security,
  middleware: [requireUser] as const,
  responses: {
    200: jsonResponse(
      z.object({
        secret: z.string().openapi({ description: "Base32 secret, for manual entry" }),
        otpauth_url: z.string().openapi({ description: "`otpauth://totp/…` URI, for a QR code" }),
      }),
      "The pending secret",
    ),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "INVALID_STATE"),
  },
});

export const enableTwoFactor = createRoute({
  method: "post",
  path: "/auth/2fa/enable",
  tags: ["Auth"],
  summary: "Turn two-factor sign-in on",
  description: "Confirms a code of the pending secret. A wrong code (or no pending setup) is a 400.",
  security,
  middleware: [requireUser] as const,
  request: { body: jsonBody(z.strictObject({ otp: Otp })) },
  responses: {
    204: { description: "Two-factor sign-in is on" },
    ...errorResponses("VALIDATION_ERROR", "UNAUTHENTICATED", "FORBIDDEN", "INVALID_STATE", "UNSUPPORTED_MEDIA_TYPE"),
  },
});

export const disableTwoFactor = createRoute({
  method: "post",
  path: "/auth/2fa/disable",
  tags: ["Auth"],
  summary: "Turn two-factor sign-in off",
  description: "Needs a current code. A wrong code is a 400; 409 INVALID_STATE when two-factor sign-in is off.",
  security,
  middleware: [requireUser] as const,
  request: { body: jsonBody(z.strictObject({ otp: Otp })) },
  responses: {
    204: { description: "Two-factor sign-in is off" },
    ...errorResponses("VALIDATION_ERROR", "UNAUTHENTICATED", "FORBIDDEN", "INVALID_STATE", "UNSUPPORTED_MEDIA_TYPE"),
  },
});
