/**
 * The QueryClient and its app-wide policies: which failures are retried, a toast for every
 * mutation's outcome, and a lapsed session sending the person back to sign-in.
 */
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import toast from "react-hot-toast";
import { ApiError, isUnauthenticated, toApiError } from "./errors";
import { queryKeys } from "./keys";

declare module "@tanstack/react-query" {
  interface Register {
    mutationMeta: {
      /** Toast shown on success; dynamic messages are toasted by the hook's own onSuccess. */
      success?: string;
      /** A neutral toast on success, for a request that was accepted but whose outcome comes later. */
      notice?: string;
      /** Prefix of the failure toast, e.g. "Withdrawal failed". */
      failure?: string;
      /** The screen shows the failure itself (one place for feedback): no toast. */
      inlineFailure?: boolean;
    };
  }
}

function shouldRetryQuery(failures: number, error: Error): boolean {
  return failures < 2 && error instanceof ApiError && error.retryable;
}

function failureMessage(error: unknown, prefix?: string): string {
  const apiError = toApiError(error);
  const message =
    apiError.code === "RATE_LIMITED" && apiError.retryAfter !== null
      ? `${apiError.message} (try again in ${apiError.retryAfter}s)`
      : apiError.message;
  return prefix ? `${prefix}: ${message}` : message;
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        // Any 401 means the session cookie is gone or expired: the auth guard then redirects.
        if (isUnauthenticated(error)) client.setQueryData(queryKeys.me, null);
      },
    }),
    mutationCache: new MutationCache({
      onSuccess: (_data, _variables, _context, mutation) => {
        if (mutation.meta?.success) toast.success(mutation.meta.success);
        if (mutation.meta?.notice) toast(mutation.meta.notice);
      },
      onError: (error, _variables, _context, mutation) => {
        if (isUnauthenticated(error)) {
          client.setQueryData(queryKeys.me, null);
          toast.error("Your session has ended. Please sign in again.", { id: "session" });
          return;
        }
        if (!mutation.meta?.inlineFailure) toast.error(failureMessage(error, mutation.meta?.failure));
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: shouldRetryQuery,
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
  return client;
}
