/**
 * Runs inside the Worker (bench/scale-entry.ts and bench/baseline): one request handled `n` times in
 * a row by the Worker's own fetch handler, in its isolate, with no HTTP server or load generator in
 * between. The caller times the whole call: what one request costs the Worker, without the
 * per-request noise of the closed-loop rounds. `bench/profile.ts --in-isolate` drives it.
 */
export type LoopSpec = {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** A fresh Idempotency-Key on every request. */
  freshKey?: boolean;
};

/** Handles `spec` `n` times, one after another; answers how many responses had each status. */
export async function loopOver(handle: (request: Request) => Promise<Response>, n: number, spec: LoopSpec): Promise<Response> {
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  const statuses: Record<number, number> = {};
  for (let i = 0; i < n; i++) {
    const headers = new Headers(spec.headers);
    if (body !== undefined) {
      // As a client sends it: Hono's body limit and our JSON parser read the length first.
      headers.set("content-type", "application/json");
      headers.set("content-length", String(new TextEncoder().encode(body).length));
    }
    if (spec.freshKey) headers.set("idempotency-key", crypto.randomUUID());
    const response = await handle(new Request(`http://localhost${spec.path}`, { method: spec.method, headers, body }));
    await response.arrayBuffer();
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }
  return Response.json(statuses);
}
