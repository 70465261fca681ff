/** The closed list of error codes of API.md, each with its HTTP status. */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  OTP_REQUIRED: 401,
  FORBIDDEN: 403,
  DEPOSITS_DISABLED: 403,
  NOT_FOUND: 404,
  INSUFFICIENT_FUNDS: 409,
  INVALID_STATE: 409,
  EMAIL_TAKEN: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  GOAL_NOT_REACHED: 422,
  REPAYMENT_EXCEEDS_BALANCE: 422,
  BUDGET_TOO_LOW: 422,
  NEVER_PAID_OFF: 422,
  WALLET_LIMIT: 422,
  DEPOSIT_LIMIT_EXCEEDED: 422,
  RECIPIENT_NOT_FOUND: 422,
  REFUND_EXCEEDS_CAPTURED: 422,
  CAPTURE_EXCEEDS_AUTHORIZED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];
export type ErrorDetail = { path: string; message: string };

/** A domain error that the one error handler turns into API.md's envelope. */
export class AppError extends Error {
  readonly status: ErrorStatus;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what = "Resource") => new AppError("NOT_FOUND", `${what} not found`);
export const invalidState = (message: string) => new AppError("INVALID_STATE", message);
export const forbidden = () => new AppError("FORBIDDEN", "This action requires the admin role");

export function errorBody(code: ErrorCode, message: string, requestId: string, details: ErrorDetail[] = []) {
  return { error: { code, message, request_id: requestId, details } };
}
