import type { Options } from "./options";
import type { Results } from "./report";
import { build } from "./workspace";

/**
 * The Worker bundles a run uses, each built once on first use:
 *  api       the API Worker as deployed (wrangler.toml's entry)
 *  bench     the same Worker plus the bench-only seed and session routes (bench/scale-entry.ts)
 *  baseline  bench/baseline: a bare route and a bare SQLite-DO credit
 *  compare   the API Worker of the `--compare` checkout
 */
export type BundleName = "api" | "bench" | "baseline" | "compare";

export type BenchContext = { options: Options; results: Results; bundle(name: BundleName): string };

export function benchContext(options: Options, results: Results): BenchContext {
  const built = new Map<BundleName, string>();
  const make = (name: BundleName) => {
    if (name === "api") return build("api", "wrangler.toml");
    if (name === "bench") return build("bench", "wrangler.toml", "bench/scale-entry.ts");
    if (name === "baseline") return build("baseline", "bench/baseline/wrangler.toml");
    if (!options.compare) throw new Error("no --compare checkout given");
    return build("compare", `${options.compare}/wrangler.toml`);
  };
  return {
    options,
    results,
    bundle(name) {
      let dir = built.get(name);
      if (!dir) {
        dir = make(name);
        built.set(name, dir);
      }
      return dir;
    },
  };
}
