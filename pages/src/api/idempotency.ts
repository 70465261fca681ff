/**
 * Idempotency keys for money-moving requests (API.md, Idempotency): one key per intent. A retry of
 * the same submission (same variables, after a network error, a 5xx or IDEMPOTENCY_IN_PROGRESS)
 * reuses the key, so the API answers with the first outcome instead of moving money twice; a
 * success or a definite refusal ends the intent, and the next submission gets a fresh key.
 */
import { type UseMutationOptions, useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "./errors";

type Intent = { key: string; fingerprint: string };

export class IdempotencyKeys {
  private intent: Intent | null = null;

  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {}

  keyFor(fingerprint: string): string {
    if (this.intent?.fingerprint !== fingerprint) this.intent = { key: this.newKey(), fingerprint };
    return this.intent.key;
  }

  /** After an attempt: keep the key only while the outcome is unknown or still being produced. */
  settle(key: string, error?: unknown): void {
    if (this.intent?.key !== key) return;
    if (error instanceof ApiError && error.retryable) return;
    this.intent = null;
  }
}

type MoneyMutationOptions<TVariables, TData> = Omit<UseMutationOptions<TData, Error, TVariables>, "mutationFn"> & {
  /** Performs the request with the intent's key; `variables` must include path ids (they are part of the intent). */
  request: (variables: TVariables, idempotencyKey: string) => Promise<TData>;
};

/** useMutation for a money-moving POST: attaches and manages the Idempotency-Key. */
export function useMoneyMutation<TVariables, TData>({ request, ...options }: MoneyMutationOptions<TVariables, TData>) {
  const [intents] = useState(() => new IdempotencyKeys());
  return useMutation<TData, Error, TVariables>({
    // Automatic retries only where the request surely did not finish: same variables, same key.
    retry: (failures, error) =>
      failures < 2 && error instanceof ApiError && (error.status === 0 || error.code === "IDEMPOTENCY_IN_PROGRESS"),
    retryDelay: (failures) => 500 * 2 ** failures,
    ...options,
    mutationFn: async (variables) => {
      const key = intents.keyFor(JSON.stringify(variables));
      try {
        const result = await request(variables, key);
        intents.settle(key);
        return result;
      } catch (error) {
        intents.settle(key, error);
        throw error;
      }
    },
  });
}
