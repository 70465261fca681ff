// @ts-check
// The deployed shape, proven locally: the built UI + the Pages Function in `wrangler pages dev`, bound
// to the API Worker as `API` (see stack.mjs), everything reached through the Pages origin only.
// Run with `npm run test:pages` (node:test, not the workerd suite). Every process it starts is stopped
// by its PID (process group) in after(), which node:test runs even when a check fails.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startPagesStack } from "./stack.mjs";

/** @type {Awaited<ReturnType<typeof startPagesStack>> | undefined} */
let stack;

/** @param {string} path */
const url = (path) => `${stack?.origin}${path}`;

/**
 * @param {Response} res
 * @param {number} status
 */
async function json(res, status) {
  const text = await res.text();
  assert.equal(res.status, status, `${res.url}: expected ${status}, got ${res.status}: ${text.slice(0, 500)}`);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/, `${res.url}: not JSON`);
  return JSON.parse(text);
}

/** The `session=…` pair of a response's Set-Cookie header, as a browser would send it back. */
function sessionCookie(/** @type {Response} */ res) {
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("session="));
  assert.ok(cookie, `${res.url}: no session cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /Path=\//i);
  // Served over http here, so the Worker must not mark it Secure (it does on https, i.e. on Pages).
  assert.doesNotMatch(cookie, /Secure/i);
  return cookie.split(";")[0] ?? "";
}

describe("Pages origin → Pages Function → service binding → API Worker", { timeout: 180_000 }, () => {
  before(async () => {
    try {
      stack = await startPagesStack();
    } catch (error) {
      // The free port found for wrangler can be taken by another process before wrangler binds it.
      if (!/EADDRINUSE|address already in use/i.test(String(error instanceof Error ? error.message : error))) throw error;
      stack = await startPagesStack();
    }
  });
  after(async () => {
    await stack?.stop();
  });

  test("GET /v1/health answers through the Function", async () => {
    const body = await json(await fetch(url("/v1/health")), 200);
    assert.equal(body.status, "ok");
    assert.equal(typeof body.version, "string");
  });

  test("cookie session: signup, login, me, wallet, idempotent credit", async () => {
    const email = `pages-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const password = "Quiet-Harbor-7-Lantern";
    const post = (/** @type {string} */ path, /** @type {unknown} */ body, /** @type {Record<string, string>} */ headers = {}) =>
      fetch(url(path), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

    const signup = await post("/v1/auth/signup", { email, password });
    const signupCookie = sessionCookie(signup);
    const signedUp = await json(signup, 201);
    assert.equal(signedUp.user.email, email);

    // Only the cookie from here on: no Authorization header anywhere.
    const meAfterSignup = await json(await fetch(url("/v1/auth/me"), { headers: { cookie: signupCookie } }), 200);
    assert.equal(meAfterSignup.user.user_id, signedUp.user.user_id);

    const login = await post("/v1/auth/login", { email, password });
    const cookie = sessionCookie(login);
    await json(login, 200);
    const me = await json(await fetch(url("/v1/auth/me"), { headers: { cookie } }), 200);
    assert.equal(me.user.email, email);

    await json(await fetch(url("/v1/auth/me")), 401);

    const created = await json(await post("/v1/wallet", {}, { cookie }), 201);
    const walletId = created.wallet.wallet_id;
    assert.equal(created.wallet.balance, "0.00");

    const key = `pages-credit-${crypto.randomUUID()}`;
    const first = await json(await post(`/v1/wallet/${walletId}/credit`, { amount: "12.34" }, { cookie, "idempotency-key": key }), 200);
    assert.equal(first.wallet.balance, "12.34");
    const replay = await post(`/v1/wallet/${walletId}/credit`, { amount: "12.34" }, { cookie, "idempotency-key": key });
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
    const replayed = await json(replay, 200);
    assert.deepEqual(replayed, first, "the replay must be the stored outcome");
    await json(await post(`/v1/wallet/${walletId}/credit`, { amount: "0.66" }, { cookie, "idempotency-key": `${key}-2` }), 200);

    const wallet = await json(await fetch(url(`/v1/wallet/${walletId}`), { headers: { cookie } }), 200);
    assert.equal(wallet.wallet.balance, "13.00", "the replayed credit must not count twice");
  });

  for (const path of ["/", "/wallet", "/loans/some-id"]) {
    test(`deep link ${path} serves the SPA's index.html`, async () => {
      const res = await fetch(url(path), { headers: { accept: "text/html" } });
      const text = await res.text();
      assert.equal(res.status, 200, `${path}: ${res.status} ${text.slice(0, 300)}`);
      assert.match(res.headers.get("content-type") ?? "", /text\/html/);
      assert.match(text, /<div id="root">/);
    });
  }

  test("the built UI's script is served as a static asset", { skip: stack?.stubUi }, async () => {
    const html = await (await fetch(url("/"))).text();
    const src = html.match(/<script[^>]+src="([^"]+\.js)"/)?.[1];
    assert.ok(src, `no module script in index.html: ${html.slice(0, 500)}`);
    const res = await fetch(url(src));
    assert.equal(res.status, 200, `${src}: ${res.status}`);
    assert.match(res.headers.get("content-type") ?? "", /javascript/);
    await res.arrayBuffer();
  });

  test("an unknown /v1 route is the API's JSON 404, not the SPA", async () => {
    const body = await json(await fetch(url("/v1/nope")), 404);
    assert.equal(body.error.code, "NOT_FOUND");
    assert.equal(typeof body.error.request_id, "string");
  });
});
