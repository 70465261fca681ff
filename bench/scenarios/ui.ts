import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { BenchContext } from "../lib/context";
import { kb, round } from "../lib/stats";
import { children, NODE, REPO, VITE_BIN, workDir } from "../lib/workspace";

/** A production build of pages/ into a temp dir: the gzipped size of each chunk and of the first page load's JavaScript. */
export async function ui({ results }: BenchContext): Promise<void> {
  const outDir = join(workDir(), "ui");
  const started = performance.now();
  const child = spawn(
    NODE,
    [VITE_BIN, "build", "--config", "pages/vite.config.ts", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"],
    {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.add(child);
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  children.delete(child);
  if (code !== 0 || !existsSync(join(outDir, "index.html"))) {
    results.rows.push({ scenario: "ui", case: "UI build failed", note: output.trim().split("\n").slice(-3).join(" ").slice(0, 300) });
    results.verdicts.push({ target: "initial JS ≤ 250 KB gzipped", measured: "UI build failed", ok: null });
    return;
  }
  const html = readFileSync(join(outDir, "index.html"), "utf8");
  const initial = new Set(
    [
      ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
      ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
    ].map((m) => m[1]!.replace(/^\//, "")),
  );
  const files: { file: string; raw: number; gz: number; initial: boolean }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(m?js|css)$/.test(name)) {
        const rel = path.slice(outDir.length + 1);
        const content = readFileSync(path);
        files.push({ file: rel, raw: content.length, gz: gzipSync(content).length, initial: initial.has(rel) });
      }
    }
  };
  walk(outDir);
  files.sort((a, b) => Number(b.initial) - Number(a.initial) || b.gz - a.gz);
  for (const f of files) {
    results.rows.push({
      scenario: "ui",
      case: `${f.file}${f.initial ? " (initial)" : ""}`,
      note: `${kb(f.raw)} KiB raw, ${kb(f.gz)} KiB gzip`,
    });
  }
  const initialJs = files.filter((f) => f.initial && /\.m?js$/.test(f.file)).reduce((sum, f) => sum + f.gz, 0);
  const allJs = files.filter((f) => /\.m?js$/.test(f.file)).reduce((sum, f) => sum + f.gz, 0);
  results.extra.ui = { files, initialJsGzip: initialJs, allJsGzip: allJs, buildSeconds: round((performance.now() - started) / 1000) };
  results.rows.push({
    scenario: "ui",
    case: "initial JS (index.html script + modulepreload)",
    note: `${kb(initialJs)} KiB gzip; all JS ${kb(allJs)} KiB gzip`,
  });
  results.verdicts.push({
    target: "initial JS ≤ 250 KB gzipped",
    measured: `${round(initialJs / 1000)} kB (${kb(initialJs)} KiB) gzip`,
    ok: initialJs <= 250_000,
  });
}
