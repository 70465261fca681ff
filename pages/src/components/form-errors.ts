import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { ApiError } from "../api/errors";

/**
 * Puts a 400 VALIDATION_ERROR's `details` on the matching form fields, so the API's message
 * appears under the field it is about. Returns true if any field took a message.
 */
export function applyApiFieldErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
): boolean {
  if (!(error instanceof ApiError) || error.code !== "VALIDATION_ERROR") return false;
  let applied = false;
  for (const detail of error.details) {
    const path = detail.path.replace(/^body\./, "") as Path<T>;
    if (fields.includes(path)) {
      setError(path, { type: "server", message: detail.message });
      applied = true;
    }
  }
  return applied;
}
