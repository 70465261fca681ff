import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, body } from "../client";
import { isUnauthenticated } from "../errors";
import { queryKeys } from "../keys";
import type { User } from "../types";

/** Who is signed in: the user, or null when there is no valid session (401). */
export function useMe() {
  return useQuery<User | null>({
    queryKey: queryKeys.me,
    queryFn: async () => {
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

/** Sign in or sign up: the API sets the session cookie; the token in the body is not kept. */
export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (credentials: Credentials) => (await body(api.POST("/v1/auth/login", { body: credentials }))).user,
    onSuccess: (user) => {
      // Nothing cached for a previous session may show for this one.
      client.removeQueries();
      client.setQueryData(queryKeys.me, user);
    },
    meta: { failure: "Sign-in failed" },
  });
}

export function useSignUp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: Credentials & { name?: string }) => (await body(api.POST("/v1/auth/signup", { body: input }))).user,
    onSuccess: (user) => {
      client.removeQueries();
      client.setQueryData(queryKeys.me, user);
    },
    meta: { success: "Welcome! Your account is ready.", failure: "Sign-up failed" },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await api.POST("/v1/auth/logout");
    },
    onSuccess: () => {
      client.removeQueries();
      client.setQueryData(queryKeys.me, null);
    },
    meta: { success: "Signed out", failure: "Sign-out failed" },
  });
}
