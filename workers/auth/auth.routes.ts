import { z } from "@hono/zod-openapi";
import { jsonResponse } from "../lib/app";
import { publicRoute, userRoute } from "../lib/routes";
import { textSchema } from "../lib/text";

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

export const signup = publicRoute({
  method: "post",
  path: "/auth/signup",
  operationId: "signUp",
  tags: ["Auth"],
  summary: "Create an account",
  description:
    "A weak password (common, guessable, containing the email's name, or with control characters) is a 400 with the reason in `details`.",
  body: z.strictObject({ email: Email, password: NewPassword, name: textSchema({ max: 100 }).optional() }),
  responses: { 201: jsonResponse(SignedIn, "Account created; signed in") },
  // RATE_LIMITED: the per-IP limit of workers/app.ts, ahead of the route.
  errors: ["EMAIL_TAKEN", "RATE_LIMITED"],
});

export const login = publicRoute({
  method: "post",
  path: "/auth/login",
  operationId: "logIn",
  tags: ["Auth"],
  summary: "Sign in",
  description:
    "Per IP address at most 50 attempts in 15 minutes; per email, after 5 failed attempts each further attempt must wait " +
    "2, 4, 8 … seconds (at most 15 minutes) after the previous one: 429 with Retry-After. An attempt refused for its IP " +
    "never counts against the email. An account with two-factor sign-in needs `otp`: without a valid one the answer is " +
    "401 OTP_REQUIRED (given only once the password is right; a wrong code counts as a failed attempt).",
  body: z.strictObject({ email: Email, password: z.string().min(1).max(128), otp: Otp.optional() }),
  responses: { 200: jsonResponse(SignedIn, "Signed in") },
  errors: ["INVALID_CREDENTIALS", "OTP_REQUIRED", "RATE_LIMITED"],
});

export const logout = userRoute({
  method: "post",
  path: "/auth/logout",
  operationId: "logOut",
  tags: ["Auth"],
  summary: "Sign out: revokes this session",
  description: "The session's token is refused from now on (401 on every route within 5 s) and its live sockets are closed.",
  responses: { 204: { description: "Signed out" } },
});

export const me = userRoute({
  method: "get",
  path: "/auth/me",
  operationId: "getCurrentUser",
  tags: ["Auth"],
  summary: "The signed-in user",
  responses: { 200: jsonResponse(z.object({ user: UserSchema }), "The user") },
  errors: ["NOT_FOUND"],
});

export const changePassword = userRoute({
  method: "post",
  path: "/auth/password",
  operationId: "changePassword",
  tags: ["Auth"],
  summary: "Change the password",
  description:
    "Every other session is revoked (this one stays signed in). A wrong `current_password` is a 400 VALIDATION_ERROR " +
    'with `details[0].path = "current_password"` (not a 401, which would read as "this session ended").',
  body: z.strictObject({ current_password: z.string().min(1).max(128), new_password: NewPassword }),
  responses: { 204: { description: "Password changed; other sessions revoked" } },
});

export const listSessions = userRoute({
  method: "get",
  path: "/auth/sessions",
  operationId: "listSessions",
  tags: ["Auth"],
  summary: "The user's active sessions",
  description: "Sessions that are neither revoked nor expired, newest first.",
  responses: { 200: jsonResponse(z.object({ sessions: z.array(SessionSchema) }), "Active sessions") },
});

export const revokeSession = userRoute({
  method: "delete",
  path: "/auth/sessions/{session_id}",
  operationId: "revokeSession",
  tags: ["Auth"],
  summary: "Revoke one session",
  description: "Any of the user's own sessions, the current one included; another user's session is a 404.",
  request: { params: SessionParam },
  responses: { 204: { description: "Revoked" } },
  errors: ["NOT_FOUND"],
});

export const revokeOtherSessions = userRoute({
  method: "delete",
  path: "/auth/sessions",
  operationId: "revokeOtherSessions",
  tags: ["Auth"],
  summary: "Sign out everywhere else",
  description: "Revokes every session of the user except the current one, and closes their live sockets.",
  responses: { 204: { description: "Revoked" } },
});

export const setupTwoFactor = userRoute({
  method: "post",
  path: "/auth/2fa/setup",
  operationId: "setUpTwoFactor",
  tags: ["Auth"],
  summary: "Start two-factor setup",
  description:
    "A new TOTP secret (RFC 6238, SHA-1, 30 s, 6 digits), pending until `enable` confirms a code from it; a new setup " +
    "replaces a pending one. 409 INVALID_STATE when two-factor sign-in is already on.",
  responses: {
    200: jsonResponse(
      z.object({
        secret: z.string().openapi({ description: "Base32 secret, for manual entry" }),
        otpauth_url: z.string().openapi({ description: "`otpauth://totp/…` URI, for a QR code" }),
      }),
      "The pending secret",
    ),
  },
  errors: ["INVALID_STATE"],
});

export const enableTwoFactor = userRoute({
  method: "post",
  path: "/auth/2fa/enable",
  operationId: "enableTwoFactor",
  tags: ["Auth"],
  summary: "Turn two-factor sign-in on",
  description: "Confirms a code of the pending secret. A wrong code (or no pending setup) is a 400.",
  body: z.strictObject({ otp: Otp }),
  responses: { 204: { description: "Two-factor sign-in is on" } },
  errors: ["INVALID_STATE"],
});

export const disableTwoFactor = userRoute({
  method: "post",
  path: "/auth/2fa/disable",
  operationId: "disableTwoFactor",
  tags: ["Auth"],
  summary: "Turn two-factor sign-in off",
  description: "Needs a current code. A wrong code is a 400; 409 INVALID_STATE when two-factor sign-in is off.",
  body: z.strictObject({ otp: Otp }),
  responses: { 204: { description: "Two-factor sign-in is off" } },
  errors: ["INVALID_STATE"],
});
