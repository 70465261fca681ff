/**
 * Request bodies are JSON, read once here. JSON.parse loses how a number was written (`1e3` and
 * `1000` are the same double, `12.500` is `12.5`), and API.md refuses exponents and more than two
 * decimals "as written", so numbers are checked against their source text (JSON.parse source text
 * access: the reviver's third argument). Every number of this API's requests is an amount, a rate
 * with two decimals or an integer, so one rule covers them all.
 */
import type { Context } from "hono";
import type { AppEnv } from "./app";
import { AppError, type ErrorDetail } from "./errors";

const PLAIN_NUMBER = /^-?(0|[1-9]\d*)(\.\d{1,2})?$/;

type ReviverContext = { source?: string };

/** Parses a JSON request body; throws the API's 400 for invalid JSON or a number written out of bounds. */
export function parseJsonBody(text: string): unknown {
  const problems: ErrorDetail[] = [];
  let value: unknown;
  try {
    value = JSON.parse(text, function reviver(key: string, parsed: unknown, context?: ReviverContext) {
      if (typeof parsed === "number" && context?.source !== undefined && !PLAIN_NUMBER.test(context.source)) {
        problems.push({
          path: key || "(root)",
          message: `${context.source} is not a plain decimal number: no exponent, at most two decimal places`,
        });
      }
      return parsed;
    } as (key: string, value: unknown) => unknown);
  } catch (error) {
    throw new AppError("VALIDATION_ERROR", "The body is not valid JSON", [{ path: "(body)", message: (error as Error).message }]);
  }
  if (problems.length > 0) throw new AppError("VALIDATION_ERROR", "The request is invalid", problems);
  return value;
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Middleware: an unsafe request's body must be `application/json` (415 otherwise, with or without a
 * body: an empty `text/plain` POST is what a cross-site form sends). A JSON body is parsed here and
 * handed to the route's validator through Hono's body cache, so it is parsed once.
 */
export async function jsonBodies(c: Context<AppEnv>, next: () => Promise<void>) {
  if (BODY_METHODS.has(c.req.method)) {
    const header = c.req.header("content-type");
    const type = header?.split(";")[0]?.trim().toLowerCase();
    const hasBody = (c.req.header("content-length") ?? "0") !== "0" || c.req.header("transfer-encoding") !== undefined;
    if ((header !== undefined || hasBody) && type !== "application/json") {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Request bodies must be application/json");
    }
    if (type === "application/json") {
      const text = await c.req.text();
      if (text.trim() !== "") c.req.bodyCache.json = Promise.resolve(parseJsonBody(text));
    }
  }
  await next();
}
