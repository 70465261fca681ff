/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";

const sources = import.meta.glob<string>(["../workers/**/*.ts", "../durable-objects/**/*.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});
const SERVICES = ["auth", "wallet", "loans", "payments", "savings", "debt-optimiser", "admin"];

const serviceOf = (path: string) => path.match(/workers\/([^/]+)\//)?.[1];
const importsOf = (source: string) => [...source.matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]!);

describe("architecture", () => {
  it("has sources to check", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
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

  it("keeps floating point away from money code", () => {
    const offenders = Object.entries(sources)
      .filter(([, source]) => /parseFloat|toFixed\(/.test(source))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });
});
