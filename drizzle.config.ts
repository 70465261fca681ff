import { defineConfig } from "drizzle-kit";

// Generates reviewed SQL into migrations/, which wrangler applies (`wrangler d1 migrations apply`).
export default defineConfig({
  dialect: "sqlite",
  schema: "./workers/lib/schema.ts",
  out: "./migrations",
  migrations: { prefix: "index" },
});
