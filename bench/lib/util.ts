export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const log = (message: string) => console.error(`bench: ${message}`);

/** Runs `fn` over `items` with at most `concurrency` calls in flight (setup work, not measured load). */
export async function pool<T>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}
