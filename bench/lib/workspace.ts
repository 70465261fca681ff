import { type ChildProcess, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const NODE = process.execPath;
const WRANGLER_BIN = join(REPO, "node_modules/wrangler/bin/wrangler.js");
export const VITE_BIN = join(REPO, "node_modules/vite/bin/vite.js");

let root: string | undefined;
/** The run's temp dir (builds, server state), created on first use and removed by `cleanup`. */
export function workDir(): string {
  root ??= mkdtempSync(join(tmpdir(), "edge-fintech-bench-"));
  return root;
}

/**
 * What the state directory lives on. SQLite (D1, Durable Objects) fsyncs every commit locally, so a
 * slow virtual disk shows up in the tails; `TMPDIR=/dev/shm npm run bench` takes the disk out (the
 * platform's storage is neither this disk nor tmpfs). Reported in the header so runs compare fairly.
 */
export function stateFilesystem(): string {
  try {
    return execFileSync("stat", ["-f", "-c", "%T", workDir()], { encoding: "utf8" }).trim();
  } catch {
    return "unknown filesystem";
  }
}

/** Child processes and servers still running, stopped by `cleanup` (also on SIGINT/SIGTERM). */
export const children = new Set<ChildProcess>();
export const stoppables = new Set<{ stop(): Promise<void> }>();
let cleaned = false;
export async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  for (const child of children) child.kill("SIGTERM");
  await Promise.allSettled([...stoppables].map((s) => s.stop()));
  if (root) rmSync(root, { recursive: true, force: true });
}

function wrangler(args: string[]): string {
  return execFileSync(NODE, [WRANGLER_BIN, ...args], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: process.env });
}

/** `wrangler deploy --dry-run --outdir`: the exact bundle a deploy would upload. */
export function build(name: string, config: string, entry?: string): string {
  const outdir = join(workDir(), `build-${name}`);
  wrangler(["deploy", "--dry-run", "--env", "", "-c", config, "--outdir", outdir, ...(entry ? [entry] : [])]);
  return outdir;
}

/** The modules of a bundle `build` wrote, as Miniflare takes them. */
export function modulesOf(dir: string) {
  const modules: { type: string; path: string }[] = [];
  for (const file of readdirSync(dir)) {
    if (file.endsWith(".map") || file === "README.md") continue;
    // A file collected by a wrangler.toml [[rules]] entry is named by its content hash; ours are Text.
    if (/^[0-9a-f]{40}-/.test(file) && !file.endsWith(".wasm")) modules.push({ type: "Text", path: join(dir, file) });
    else if (/\.m?js$/.test(file)) modules.push({ type: "ESModule", path: join(dir, file) });
    else if (file.endsWith(".wasm")) modules.push({ type: "CompiledWasm", path: join(dir, file) });
    else throw new Error(`unexpected file in the Worker bundle: ${file}`);
  }
  // The entry module first: wrangler names it after the entry file (index.js, scale-entry.js).
  const esm = modules.filter((m) => m.type === "ESModule").map((m) => m.path);
  const entry = esm.find((path) => path.endsWith("/index.js")) ?? esm[0];
  return modules.sort((a, b) => Number(b.path === entry) - Number(a.path === entry));
}
