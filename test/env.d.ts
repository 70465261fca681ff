declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** 3 requests a minute (vitest.config.ts), swapped in for the configured limits by test/security/rate-limit.test.ts. */
    TEST_RATE_LIMIT_3: RateLimit;
  }
}
