import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type DueWork, runDueWorkOnce, runDueWorkUntilDone } from "../../workers/lib/due-work";

const NOW = new Date("2026-12-01T00:00:00.000Z");

describe("due work", () => {
  it("runs until nothing is done or waiting, and says it settled", async () => {
    let left = 3;
    const work: DueWork = { name: "countdown", run: async () => (left > 0 ? { done: left--, waiting: 0 } : { done: 0, waiting: 0 }) };
    expect(await runDueWorkUntilDone(env, NOW, [work], { pollMs: 1 })).toEqual({ done: 6, waiting: 0, settled: true });
  });

  it("waits on a saga while it is out, then continues", async () => {
    let polls = 0;
    const work: DueWork = { name: "autopay", run: async () => (++polls < 4 ? { done: 0, waiting: 1 } : { done: 0, waiting: 0 }) };
    expect(await runDueWorkUntilDone(env, NOW, [work], { pollMs: 1 })).toEqual({ done: 0, waiting: 0, settled: true });
    expect(polls).toBe(4);
  });

  it("gives up after the timeout and answers unsettled, with what still waits", async () => {
    const work: DueWork = { name: "stuck", run: async () => ({ done: 0, waiting: 2 }) };
    expect(await runDueWorkUntilDone(env, NOW, [work], { timeoutMs: 20, pollMs: 5 })).toEqual({ done: 0, waiting: 2, settled: false });
  });

  it("runs every entry even when one throws, then throws the first failure", async () => {
    const ran: string[] = [];
    const entries: DueWork[] = [
      {
        name: "a",
        run: async () => {
          ran.push("a");
          throw new Error("a failed");
        },
      },
      {
        name: "b",
        run: async () => {
          ran.push("b");
          return { done: 1, waiting: 0 };
        },
      },
    ];
    await expect(runDueWorkOnce(env, NOW, entries)).rejects.toThrow("a failed");
    expect(ran).toEqual(["a", "b"]);
  });
});
