/**
 * The one typed API client. Paths, parameters and bodies are typed from `schema.d.ts`, which
 * `npm run gen:api` generates from the Worker's OpenAPI document. Auth is the HttpOnly session
 * cookie (same origin), so nothing here ever sees a token.
 */
import createClient, { type ClientOptions, type Middleware } from "openapi-fetch";
import { ApiError } from "./errors";
import type { paths as GeneratedPaths } from "./schema";

/**
 * The Worker's document lists paths relative to its server URL ("/wallet" under `servers: /v1`);
 * the browser calls them on the same origin as "/v1/wallet". Paths already starting with /v1 are
 * kept, so either shape of the generated file types the same client.
 */
type V1<P> = { [K in keyof P as K extends `/v1/${string}` ? K : K extends `/${string}` ? `/v1${K}` : never]: P[K] };
export type ApiPaths = V1<GeneratedPaths>;

/** Every non-2xx answer becomes a thrown ApiError, so callers only ever see `data`. */
const throwApiErrors: Middleware = {
  async onResponse({ response }) {
    if (!response.ok) throw await ApiError.fromResponse(response);
    return undefined;
  },
  onError({ error }) {
    if (error instanceof ApiError) return error;
    if (error instanceof DOMException && error.name === "AbortError") return error;
    return ApiError.network(error);
  },
};

/** Same origin ("/v1/..."), with the session cookie; options exist for tests (base URL, fetch). */
export function createApiClient(options: ClientOptions = {}) {
  const client = createClient<ApiPaths>({ baseUrl: "/", credentials: "include", ...options });
  client.use(throwApiErrors);
  return client;
}

export const api = createApiClient();

export type ApiClient = typeof api;

/**
 * The body of a successful call. The middleware has already thrown for every error status, so a
 * missing body here means the API answered 2xx without one where the contract promises one.
 */
export async function body<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data, response } = await call;
  if (data === undefined) {
    throw new ApiError(response.status, "INTERNAL", `Empty response from ${new URL(response.url, location.href).pathname}`);
  }
  return data;
}

/** Headers for a money-moving request (API.md, Idempotency). */
export function idempotent(key: string): { headers: { "Idempotency-Key": string } } {
  return { headers: { "Idempotency-Key": key } };
}
