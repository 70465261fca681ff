import { defineConfig } from "vitest/config";

const root = decodeURIComponent(new URL(".", import.meta.url).pathname);

// Unit tests for the pure modules of the UI (money, validation, loan pricing, CSV): no DOM needed.
export default defineConfig({
  root,
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
