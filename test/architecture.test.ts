/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";

const sources = import.meta.glob<string>(["../workers/**/*.ts", "../durable-objects/**/*.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});
const uiSources = import.meta.glob<string>(["../pages/src/**/*.{ts,tsx}", "../pages/functions/**/*.ts", "!../pages/src/api/schema.d.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});
const helperSources = import.meta.glob<string>("./helpers/**/*.ts", { query: "?raw", import: "default", eager: true });

const serviceOf = (path: string) => path.match(/workers\/([^/]+)\//)?.[1];
const importsOf = (source: string) =>
  [...source.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!).filter((spec) => spec !== "");

/** Repository-relative path of a glob key: "../workers/lib/money.ts" → "workers/lib/money.ts". */
const repoPath = (key: string) => key.replace(/^\.\.\//, "").replace(/^\.\//, "test/");
const files = new Map(Object.entries(sources).map(([key, source]) => [repoPath(key), source]));

/** The file a relative import names, if it is one of the sources; null for packages and virtual modules. */
function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const parts = from.split("/").slice(0, -1);
  for (const part of spec.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  const base = parts.join("/");
  return [base, `${base}.ts`, `${base}/index.ts`].find((candidate) => files.has(candidate)) ?? base;
}

/** Services are the folders under workers/ besides the kernel (lib/) and the domain (domain/). */
const serviceFolder = (path: string) => {
  const folder = path.match(/^workers\/([^/]+)\//)?.[1];
  return folder && folder !== "lib" && folder !== "domain" ? folder : undefined;
};
/** Every service folder there is, so a new service is checked the day it lands. */
const SERVICES = [...new Set([...files.keys()].flatMap((path) => serviceFolder(path) ?? []))].sort();

// Cents become decimals (and back) by dividing or multiplying by 100 or splitting off `% 100`; the
// domain's money module is the one place allowed to. A line is flagged when it does that arithmetic
// next to something money-shaped (a money word, Number()/String(), padding), or uses float formatting.
// `/ 1000`, `100_000`, `100n` and percentages of ratios are not conversions and pass.
const FLOAT_FORMATTING = /\bparseFloat\b|\.toFixed\(/;
const BY_HUNDRED = /[*/%]\s*100(?![\d_.n])|(?<![\d_.])100\s*\*/;
const MONEY_SHAPED =
  /cents|amount|balance|money|price|payment|principal|interest|budget|whole|fraction|dollars|\bNumber\(|\bString\(|pad(?:Start|End)\(/i;
const MONEY_MODULE = "workers/domain/money.ts";

function centsConversions(path: string, source: string): string[] {
  return source.split("\n").flatMap((line, i) => {
    const trimmed = line.trim();
    if (/^(?:\*|\/\*|\/\/)/.test(trimmed)) return [];
    const code = line.replace(/\s\/\/.*$/, "");
    const converts = FLOAT_FORMATTING.test(code) || (BY_HUNDRED.test(code) && MONEY_SHAPED.test(code));
    return converts ? [`${path}:${i + 1}: ${trimmed}`] : [];
  });
}

describe("architecture", () => {
  it("has sources to check", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    expect(Object.keys(uiSources).length).toBeGreaterThan(20);
    expect(files.has(MONEY_MODULE)).toBe(true);
    expect(SERVICES).toEqual(
      expect.arrayContaining([
        "admin",
        "auth",
        "debt-optimiser",
        "funding",
        "integrations",
        "loans",
        "payments",
        "savings",
        "statements",
        "transfers",
        "wallet",
      ]),
    );
  });

  it("no service folder imports another service folder", () => {
    const violations: string[] = [];
    for (const [path, source] of Object.entries(sources)) {
      const own = serviceOf(path);
      if (!own || !SERVICES.includes(own)) continue;
      for (const spec of importsOf(source)) {
        const target = spec.match(/^\.\.\/([^/.][^/]*)/)?.[1];
        if (target && SERVICES.includes(target) && target !== own) violations.push(`${path} imports ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("no service imports another service's folder, at any depth (imports resolved to files)", () => {
    const violations: string[] = [];
    for (const [path, source] of files) {
      const own = serviceFolder(path);
      if (!own) continue;
      for (const spec of importsOf(source)) {
        const target = resolve(path, spec);
        const other = target && serviceFolder(target);
        if (other && other !== own) violations.push(`${path} imports ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("the shared kernel imports no service", () => {
    const violations = Object.entries(sources)
      .filter(([path]) => path.includes("/workers/lib/"))
      .flatMap(([path, source]) =>
        importsOf(source)
          .filter((s) => SERVICES.some((svc) => s.startsWith(`../${svc}`)))
          .map((s) => `${path} → ${s}`),
      );
    expect(violations).toEqual([]);
  });

  it("the domain module imports nothing but the domain module", () => {
    const domain = [...files].filter(([path]) => path.startsWith("workers/domain/"));
    expect(domain.map(([path]) => path)).toEqual(
      expect.arrayContaining([
        "workers/domain/money.ts",
        "workers/domain/rates.ts",
        "workers/domain/loan-pricing.ts",
        "workers/domain/limits.ts",
      ]),
    );
    const violations = domain.flatMap(([path, source]) =>
      importsOf(source)
        .filter((spec) => !resolve(path, spec)?.startsWith("workers/domain/"))
        .map((spec) => `${path} imports ${spec}`),
    );
    expect(violations).toEqual([]);
  });

  // Every object: no routes, no Hono, no OpenAPI. The storage objects (ledger, idempotency store,
  // login limiter) not even zod: they validate nothing, their callers do. The saga sweeper builds
  // saga events, whose registry validates payloads with plain zod.
  const ZOD_FREE_OBJECTS = ["durable-objects/wallet-ledger.ts", "durable-objects/idempotency-store.ts", "durable-objects/login-limiter.ts"];
  it("nothing in durable-objects/ reaches route or OpenAPI code, following imports through workers/", () => {
    const violations: string[] = [];
    for (const start of [...files.keys()].filter((path) => path.startsWith("durable-objects/"))) {
      const forbiddenPackage = (spec: string) =>
        spec === "@hono/zod-openapi" ||
        spec === "hono" ||
        spec.startsWith("hono/") ||
        (ZOD_FREE_OBJECTS.includes(start) && (spec === "zod" || spec.startsWith("zod/")));
      const seen = new Set<string>();
      const walk = (path: string, chain: string[]) => {
        if (seen.has(path)) return;
        seen.add(path);
        if (path.endsWith(".routes.ts")) violations.push(`${chain.join(" → ")} is route code`);
        for (const spec of importsOf(files.get(path) ?? "")) {
          if (forbiddenPackage(spec)) violations.push(`${chain.join(" → ")} imports ${spec}`);
          const target = resolve(path, spec);
          if (target && files.has(target)) walk(target, [...chain, target]);
        }
      };
      walk(start, [start]);
    }
    expect(violations).toEqual([]);
  });

  it("keeps floating point away from money code", () => {
    const offenders = Object.entries(sources)
      .filter(([, source]) => /parseFloat|toFixed\(/.test(source))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });

  it("converts cents to decimals and back only in the domain money module, in the Worker, the UI and the test helpers", () => {
    const all = [
      ...files,
      ...Object.entries(uiSources).map(([k, s]) => [repoPath(k), s] as const),
      ...Object.entries(helperSources).map(([k, s]) => [repoPath(k), s] as const),
    ];
    const offenders = all.filter(([path]) => path !== MONEY_MODULE).flatMap(([path, source]) => centsConversions(path, source));
    expect(offenders).toEqual([]);
  });

  it("formats currency for people only in the UI's money module, which is built on the domain formatter", () => {
    const offenders = Object.entries(uiSources)
      .map(([key, source]) => [repoPath(key), source] as const)
      .filter(([path]) => path !== "pages/src/lib/money.ts" && !/\.test\.tsx?$/.test(path))
      .filter(([, source]) => /style:\s*["']currency["']/.test(source))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
    expect(uiSources["../pages/src/lib/money.ts"]).toMatch(/from "\.\.\/\.\.\/\.\.\/workers\/domain\/money"/);
  });

  it("the conversion check flags hand-made conversions and passes unrelated arithmetic", () => {
    const flagged = (line: string) => centsConversions("x.ts", line).length > 0;
    for (const line of [
      "const whole = Math.trunc(cents / 100);",
      "const cents = Math.round(Number(text) * 100);",
      "const fraction = String(c % 100).padStart(2, '0');",
      "const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));",
      "const bp = Number(match[1]) * 100 + Number(match[2]);",
      "label = amount.toFixed(2);",
      "const dollars = 100 * units;",
      "return balance / 100;",
    ]) {
      expect(flagged(line), line).toBe(true);
    }
    for (const line of [
      "const seconds = Math.floor(ms / 1000);",
      "const percent = Math.round(ratio * 100);",
      "const wait = attempt * 100_000;",
      "const q = amount / 100n;",
      "const close = Math.abs(a - b) <= highest / 100;",
      " * 8.00% is 800 bp: cents / 100 in a comment",
      "// cents / 100 in a comment",
    ]) {
      expect(flagged(line), line).toBe(false);
    }
  });
});
