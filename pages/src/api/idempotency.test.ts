import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { IdempotencyKeys } from "./idempotency";

function counterKeys() {
  let n = 0;
  return new IdempotencyKeys(() => `key-${++n}`);
}

describe("IdempotencyKeys", () => {
  it("reuses the key when the same submission is retried after an unknown outcome", () => {
    const keys = counterKeys();
    const first = keys.keyFor('{"amount":"10.00"}');
    keys.settle(first, ApiError.network(new TypeError("fetch failed")));
    expect(keys.keyFor('{"amount":"10.00"}')).toBe(first);
    keys.settle(first, new ApiError(409, "IDEMPOTENCY_IN_PROGRESS", "busy"));
    expect(keys.keyFor('{"amount":"10.00"}')).toBe(first);
    keys.settle(first, new ApiError(503, "NETWORK_ERROR", "down"));
    expect(keys.keyFor('{"amount":"10.00"}')).toBe(first);
  });

  it("starts a new intent after a success", () => {
    const keys = counterKeys();
    const first = keys.keyFor("same");
    keys.settle(first);
    expect(keys.keyFor("same")).not.toBe(first);
  });

  it("starts a new intent after a definite refusal", () => {
    const keys = counterKeys();
    const first = keys.keyFor("same");
    keys.settle(first, new ApiError(409, "INSUFFICIENT_FUNDS", "no"));
    expect(keys.keyFor("same")).not.toBe(first);
  });

  it("uses a new key when the submission changes", () => {
    const keys = counterKeys();
    const first = keys.keyFor('{"amount":"10.00"}');
    keys.settle(first, ApiError.network(null));
    expect(keys.keyFor('{"amount":"11.00"}')).not.toBe(first);
  });

  it("ignores a late settle of an older key", () => {
    const keys = counterKeys();
    const first = keys.keyFor("a");
    const second = keys.keyFor("b");
    keys.settle(first);
    expect(keys.keyFor("b")).toBe(second);
  });
});
