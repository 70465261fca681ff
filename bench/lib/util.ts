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

/**
 * Values pushed by id (a socket message) and awaited by id (the request that caused it), whichever
 * comes first: an early arrival is kept until it is awaited, a late one resolves the wait.
 */
export class Arrivals<T> {
  private readonly early = new Map<string, T>();
  private readonly waiters = new Map<string, (value: T) => void>();

  arrive(id: string, value: T): void {
    const waiter = this.waiters.get(id);
    if (waiter) {
      this.waiters.delete(id);
      waiter(value);
    } else this.early.set(id, value);
  }

  /** The value for `id`, or undefined if it has not arrived within `timeoutMs`. */
  wait(id: string, timeoutMs: number): Promise<T | undefined> {
    const value = this.early.get(id);
    if (value !== undefined) {
      this.early.delete(id);
      return Promise.resolve(value);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.waiters.delete(id);
          resolve(undefined);
        },
        Math.max(0, timeoutMs),
      );
      this.waiters.set(id, (arrived) => {
        clearTimeout(timer);
        resolve(arrived);
      });
    });
  }
}
