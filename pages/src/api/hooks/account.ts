/** Account security: the password, the sessions signed in, and two-factor sign-in (API.md, Auth). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, body } from "../client";
import { queryKeys } from "../keys";
import type { User } from "../types";

/** Active sessions, newest first; refetched when the window regains focus like every query. */
export function useSessions() {
  return useQuery({
    queryKey: queryKeys.sessions,
    queryFn: async () => (await body(api.GET("/v1/auth/sessions"))).sessions,
  });
}

function useRefreshSessions() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: queryKeys.sessions });
}

export function useRevokeSession() {
  const refresh = useRefreshSessions();
  return useMutation({
    mutationFn: async (sessionId: string) => {
      await api.DELETE("/v1/auth/sessions/{session_id}", { params: { path: { session_id: sessionId } } });
    },
    onSuccess: refresh,
    meta: { success: "That session was signed out", failure: "Could not sign that session out" },
  });
}

export function useRevokeOtherSessions() {
  const refresh = useRefreshSessions();
  return useMutation({
    mutationFn: async () => {
      await api.DELETE("/v1/auth/sessions");
    },
    onSuccess: refresh,
    meta: { success: "Signed out everywhere else", failure: "Could not sign the other sessions out" },
  });
}

export function useChangePassword() {
  const refresh = useRefreshSessions();
  return useMutation({
    mutationFn: async (input: { current_password: string; new_password: string }) => {
      await api.POST("/v1/auth/password", { body: input });
    },
    // The API has revoked every other session: the list shows only this one again.
    onSuccess: refresh,
    meta: { success: "Password changed", failure: "Could not change the password" },
  });
}

/** The cached user's `two_factor`, so the status reads right without asking /me again. */
function useSetTwoFactor() {
  const client = useQueryClient();
  return (on: boolean) => {
    client.setQueryData<User | null>(queryKeys.me, (user) => (user ? { ...user, two_factor: on } : user));
    void client.invalidateQueries({ queryKey: queryKeys.me });
  };
}

/** A new pending secret; nothing changes for sign-in until `enable` confirms a code from it. */
export function useSetupTwoFactor() {
  return useMutation({
    mutationFn: async () => body(api.POST("/v1/auth/2fa/setup")),
    meta: { failure: "Could not start two-factor setup" },
  });
}

export function useEnableTwoFactor() {
  const setTwoFactor = useSetTwoFactor();
  return useMutation({
    mutationFn: async (otp: string) => {
      await api.POST("/v1/auth/2fa/enable", { body: { otp } });
    },
    onSuccess: () => setTwoFactor(true),
    meta: { success: "Two-factor sign-in is on", failure: "Could not turn on two-factor sign-in" },
  });
}

export function useDisableTwoFactor() {
  const setTwoFactor = useSetTwoFactor();
  return useMutation({
    mutationFn: async (otp: string) => {
      await api.POST("/v1/auth/2fa/disable", { body: { otp } });
    },
    onSuccess: () => setTwoFactor(false),
    meta: { success: "Two-factor sign-in is off", failure: "Could not turn off two-factor sign-in" },
  });
}
