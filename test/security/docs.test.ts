import { SELF } from "cloudflare:test";
import swaggerUiBundle from "swagger-ui-dist/swagger-ui-bundle.js";
import { describe, expect, it } from "vitest";

async function sha384(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-384", bytes));
  return `sha384-${btoa(String.fromCharCode(...digest))}`;
}

describe("GET /v1/docs (issue: a CDN script without integrity or CSP)", () => {
  it("has a strict Content-Security-Policy", async () => {
    const res = await SELF.fetch("http://localhost/v1/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const csp = res.headers.get("content-security-policy") ?? "";
    const directives = Object.fromEntries(
      csp
        .split(";")
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(directives["default-src"]).toEqual(["'none'"]);
    expect(directives["script-src"]).toEqual(["'self'"]);
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/);
    await res.text();
  });

  it("references no external origin and no inline script; every script and stylesheet carries an integrity the served file matches", async () => {
    const html = await (await SELF.fetch("http://localhost/v1/docs")).text();
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    const tags = [...html.matchAll(/<(script|link)\b[^>]*>/g)]
      .map((m) => m[0])
      .filter((tag) => /\s(src|href)="/.test(tag) && !/noscript/.test(tag));
    const assets = tags.map((tag) => ({
      url: /\s(?:src|href)="([^"]+)"/.exec(tag)?.[1],
      integrity: /\sintegrity="([^"]+)"/.exec(tag)?.[1],
    }));
    expect(assets.length).toBe(3);
    for (const { url, integrity } of assets) {
      expect(url).toMatch(/^\/v1\/docs\//);
      expect(integrity).toMatch(/^sha384-[A-Za-z0-9+/]+=*$/);
      const res = await SELF.fetch(`http://localhost${url}`);
      expect(res.status).toBe(200);
      expect(await sha384(await res.arrayBuffer())).toBe(integrity);
    }
  });

  it("serves the pinned swagger-ui-dist bundle itself, from this origin", async () => {
    const res = await SELF.fetch("http://localhost/v1/docs/swagger-ui-bundle.js");
    expect(res.headers.get("content-type")).toContain("javascript");
    const served = await res.text();
    expect(served).toBe(swaggerUiBundle);
    expect(served.length).toBeGreaterThan(1_000_000);
    const init = await (await SELF.fetch("http://localhost/v1/docs/init.js")).text();
    expect(init).toContain('url: "/v1/openapi.json"');
    expect(init).toContain("validatorUrl: null");
    expect((await SELF.fetch("http://localhost/v1/docs/other.js")).status).toBe(404);
  });
});
