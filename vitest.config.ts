import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(`${process.cwd()}/migrations`);
  return {
    plugins: [
      cloudflareTest({
        main: "./workers/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          // Sagas are re-driven only when a test runs the sweep itself (test/sagas/redrive.test.ts).
          bindings: {
            JWT_SECRET: "test-secret-that-is-long-enough-for-hs256",
            // Standard Webhooks form (whsec_ + base64 of the key); test/funding signs with it.
            FUNDING_WEBHOOK_SECRET: "whsec_dGVzdC1mdW5kaW5nLXdlYmhvb2stc2VjcmV0LTMyYnl0ZXM=",
            // 32 bytes, base64: the AES-256 key webhook secrets are sealed with.
            WEBHOOK_ENCRYPTION_KEY: "dGVzdC13ZWJob29rLWVuY3J5cHRpb24ta2V5LTMyYnk=",
            // test/statements: the current signing key, and the public half of a retired one whose private
            // half test/statements/helpers.ts holds as RETIRED_KEY_SECRET (statements it signed must keep verifying).
            STATEMENT_SIGNING_KEY:
              '{"private_key":"MC4CAQAwBQYDK2VwBCIEIOyW4aB+lIYUSrStsLSMxWBR7FS5lIKJSSMIC3JGaGhv","created_at":"2026-02-01T00:00:00.000Z"}',
            STATEMENT_PUBLIC_KEYS_RETIRED:
              '[{"public_key":"J6kUBAEKG1uAlXySsIiVPCKCcaO+LpNnJM/scP2GfpI=","created_at":"2026-01-01T00:00:00.000Z"}]',
            TEST_MIGRATIONS: migrations,
            SAGA_REDRIVE_AFTER_SECONDS: "3600",
          },
          // Low limits that test/security/rate-limit.test.ts swaps in for the configured (generous) ones.
          ratelimits: { TEST_RATE_LIMIT_3: { namespace_id: "9001", simple: { limit: 3, period: 60 } } },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["test/e2e/**", "node_modules/**"],
      setupFiles: ["./test/setup.ts"],
      testTimeout: 30_000,
      // The Worker's structured request log is noise in test output.
      onConsoleLog: (log: string) => !log.includes('"msg":"request"') && !log.includes("injected consumer failure"),
      hookTimeout: 30_000,
    },
  };
});
