/**
 * Measures the built UI (pages/dist): the gzipped JavaScript a first visit downloads (index.html's
 * entry plus everything it imports statically) and every lazy chunk. Fails when the first load is
 * over the budget of DESIGN.md (250 KB gzipped).
 *
 *   npx vite build --config pages/vite.config.ts && node pages/scripts/bundle-size.mjs
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET_BYTES = 250 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const read = (file) => readFileSync(join(dist, file));
const gzipped = (file) => gzipSync(read(file), { level: 9 }).length;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Relative static imports of a built chunk (`import … from "./x.js"`, not `import("./x.js")`). */
function staticImports(file) {
  const source = read(file).toString("utf8");
  const found = new Set();
  for (const match of source.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^"'()]*?from\s*)?["']\.\/([^"']+)["']/g)) {
    found.add(`assets/${match[1]}`);
  }
  return [...found];
}

const html = read("index.html").toString("utf8");
const entry = html.match(/<script type="module"[^>]*src="\/([^"]+)"/)?.[1];
if (!entry) throw new Error("no module entry in dist/index.html");

const initial = new Set();
const pending = [entry];
while (pending.length > 0) {
  const file = pending.pop();
  if (initial.has(file)) continue;
  initial.add(file);
  pending.push(...staticImports(file));
}

const chunks = readdirSync(join(dist, "assets"))
  .filter((f) => f.endsWith(".js"))
  .map((f) => ({ file: `assets/${f}`, bytes: gzipped(`assets/${f}`) }))
  .sort((a, b) => b.bytes - a.bytes);
const initialBytes = chunks.filter((c) => initial.has(c.file)).reduce((sum, c) => sum + c.bytes, 0);
const css = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".css"));

console.log("chunk (gzip -9)                                    size   first load");
for (const c of chunks) console.log(`${c.file.padEnd(48)} ${kib(c.bytes).padStart(10)}   ${initial.has(c.file) ? "yes" : ""}`);
for (const f of css) console.log(`${`assets/${f}`.padEnd(48)} ${kib(gzipped(`assets/${f}`)).padStart(10)}   yes (CSS)`);
console.log(`\nFirst-load JavaScript: ${kib(initialBytes)} gzipped (budget ${kib(BUDGET_BYTES)})`);
if (initialBytes > BUDGET_BYTES) {
  console.error("Over budget.");
  process.exit(1);
}
