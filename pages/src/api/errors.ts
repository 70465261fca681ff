/** The API's error envelope (API.md, Errors) as one typed error the whole UI throws and reads. */
import type { components } from "./schema";

export type ApiErrorCode =
  /** Every code the API documents (generated from the Worker's error list: npm run gen:api). */
  | components["schemas"]["ErrorCode"]
  /** Client-side: the request never got an answer (offline, DNS, the API is down). */
  | "NETWORK_ERROR";

export type ApiErrorDetail = { path: string; message: string };

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | (string & {}),
    message: string,
    readonly requestId: string | null = null,
    readonly details: ApiErrorDetail[] = [],
    /** Seconds, from `Retry-After` on 429. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }

  /** Reads the envelope; a body that is not one (a proxy's 502 page) still gives a useful error. */
  static async fromResponse(response: Response): Promise<ApiError> {
    const retryAfterHeader = response.headers.get("Retry-After");
    const retryAfter = retryAfterHeader && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : null;
    let body: unknown = null;
    try {
      body = await response.clone().json();
    } catch {
      // Not JSON: fall through to the generic message below.
    }
    const envelope = isEnvelope(body) ? body.error : null;
    if (envelope) {
      const details = Array.isArray(envelope.details) ? envelope.details.filter(isDetail) : [];
      return new ApiError(response.status, envelope.code, envelope.message, envelope.request_id ?? null, details, retryAfter);
    }
    const unavailable = response.status === 502 || response.status === 503 || response.status === 504;
    return new ApiError(
      response.status,
      unavailable ? "NETWORK_ERROR" : "INTERNAL",
      unavailable ? "The service is unavailable right now. Try again in a moment." : `Unexpected response (${response.status}).`,
      response.headers.get("X-Request-Id"),
      [],
      retryAfter,
    );
  }

  static network(cause: unknown): ApiError {
    const error = new ApiError(0, "NETWORK_ERROR", "Could not reach the server. Check your connection and try again.");
    (error as { cause?: unknown }).cause = cause;
    return error;
  }

  /** True when repeating the same request (with the same idempotency key) may succeed. */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.code === "IDEMPOTENCY_IN_PROGRESS";
  }
}

type Envelope = { error: { code: string; message: string; request_id?: string; details?: unknown } };

function isEnvelope(body: unknown): body is Envelope {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const error = (body as { error: unknown }).error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}

function isDetail(value: unknown): value is ApiErrorDetail {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { path?: unknown }).path === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Any thrown value as an ApiError, for display. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) return new ApiError(0, "INTERNAL", error.message);
  return new ApiError(0, "INTERNAL", "Something went wrong.");
}

/** A 401 that means "no valid session"; a refused sign-in (wrong password or code) is not one. */
export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.code !== "INVALID_CREDENTIALS" && error.code !== "OTP_REQUIRED";
}
