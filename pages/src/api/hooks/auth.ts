import { hashKey, type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ApiClient, api, body } from "../client";
import { ApiError, isUnauthenticated } from "../errors";
import { queryKeys } from "../keys";
import type { User } from "../types";

/**
 * Whether a session may exist: the API sets the readable `signed_in=1` cookie together with the
 * HttpOnly session cookie and clears both on sign-out. Without it there is nothing to ask.
 */
export function mayHaveSession(cookies: string = document.cookie): boolean {
  return cookies.split(";").some((cookie) => cookie.trim() === "signed_in=1");
}

/** Who is signed in: the user, or null when there is no valid session (no hint, or 401). */
export function useMe() {
  return useQuery<User | null>({
    queryKey: queryKeys.me,
    queryFn: async () => {
      if (!mayHaveSession()) return null;
      try {
        return (await body(api.GET("/v1/auth/me"))).user;
      } catch (error) {
        if (isUnauthenticated(error)) return null;
        throw error;
      }
    },
    staleTime: 5 * 60_000,
  });
}

export type Credentials = { email: string; password: string };

/** A sign-in either starts a session or, for an account with two-factor sign-in, asks for the code. */
export type SignInResult = { user: User } | { otpRequired: true };

/**
 * Login; `401 OTP_REQUIRED` to a request without `otp` is the first of two steps, not a failure
 * (no error toast). With `otp`, the same answer means a wrong code and is thrown like any refusal.
 */
export async function requestSignIn(credentials: Credentials & { otp?: string }, client: ApiClient = api): Promise<SignInResult> {
  try {
    return { user: (await body(client.POST("/v1/auth/login", { body: credentials }))).user };
  } catch (error) {
    if (credentials.otp === undefined && error instanceof ApiError && error.code === "OTP_REQUIRED") return { otpRequired: true };
    throw error;
  }
}

/**
 * A new session (or none): nothing cached for the previous one may show. The session query itself
 * is updated in place, not removed: the guards observe it, and an observer of a removed query
 * never hears of the new value (the sign-in screen would stay up after a successful sign-in).
 */
export function startSession(client: QueryClient, user: User | null): void {
  const me = hashKey(queryKeys.me);
  client.removeQueries({ predicate: (query) => query.queryHash !== me });
  client.setQueryData(queryKeys.me, user);
}

/** Sign in or sign up: the API sets the session cookie; the token in the body is not kept. */
export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (credentials: Credentials & { otp?: string }) => requestSignIn(credentials),
    onSuccess: (result) => {
      if ("user" in result) startSession(client, result.user);
    },
    meta: { inlineFailure: true },
  });
}

export function useSignUp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: Credentials & { name?: string }) => (await body(api.POST("/v1/auth/signup", { body: input }))).user,
    onSuccess: (user) => startSession(client, user),
    meta: { success: "Welcome! Your account is ready.", inlineFailure: true },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await api.POST("/v1/auth/logout");
    },
    onSuccess: () => startSession(client, null),
    meta: { success: "Signed out", failure: "Sign-out failed" },
  });
}
