import { describe, expect, it } from "vitest";
import { runPaymentChaos } from "./chaos";

/**
 * The 20 seeds CI runs. One file: vitest runs files on `availableParallelism() - 1` workers, a single
 * one on CI's 2 cores, so four files of five seeds ran one after another anyway.
 */
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

describe("payment saga chaos", () => {
  it.each(SEEDS)(
    "seed %i keeps every invariant",
    async (seed) => {
      const report = await runPaymentChaos(seed);
      console.info(JSON.stringify(report));
      expect(report.injectedFailures).toBeGreaterThan(0);
      expect(report.duplicated).toBeGreaterThan(0);
    },
    120_000,
  );
});
