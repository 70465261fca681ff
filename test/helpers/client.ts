import { SELF } from "cloudflare:test";
import { hc } from "hono/client";
import type { App } from "../../workers/app";

export const BASE = "http://localhost/v1";

/**
 * The Worker's routes as a typed client (`hono/client` over the `App` type the Worker exports), each
 * call going through the Worker's real fetch handler: paths, params, bodies and each status's
 * response body are checked against the route schemas at compile time. `api()` stays for what a
 * typed client cannot send: malformed bodies, missing headers, wrong content types.
 */
export const client = (token?: string, headers: Record<string, string> = {}) =>
  hc<App>(BASE, {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => SELF.fetch(input, init),
    headers: token ? { ...headers, authorization: `Bearer ${token}` } : headers,
  });
