import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv } from "vite";

// Absolute, so the config works from the repo root (`--config pages/vite.config.ts`) or from pages/.
const root = decodeURIComponent(new URL(".", import.meta.url).pathname);

/** The shell's libraries, shared by every screen; claimed first so no other group pulls them in. */
const CORE_MODULES = /node_modules[\\/](react|react-dom|scheduler|react-router|cookie|@tanstack)[\\/]/;

/** Chart code (recharts and its d3/redux dependencies) only loads with the screens that draw charts. */
const CHART_MODULES =
  /node_modules[\\/](recharts|d3-[a-z-]+|victory-vendor|internmap|@reduxjs|react-redux|redux|redux-thunk|immer|reselect|es-toolkit|decimal\.js-light|eventemitter3|tiny-invariant)[\\/]/;

export default defineConfig(({ mode }) => {
  // The API Worker under `wrangler dev`; API_PROXY_TARGET (environment or pages/.env.local) points elsewhere.
  const api = loadEnv(mode, root, "API_PROXY_").API_PROXY_TARGET || "http://127.0.0.1:8787";
  return {
    root,
    plugins: [react(), tailwindcss()],
    server: {
      host: "localhost",
      port: 5173,
      strictPort: true,
      // ws: the wallet's live feed (/v1/wallet/{id}/live) is a WebSocket upgrade on the same origin.
      proxy: { "/v1": { target: api, ws: true } },
    },
    preview: {
      host: "localhost",
      port: 4173,
      proxy: { "/v1": { target: api, ws: true } },
    },
    build: {
      outDir: "dist",
      emptyOutDir: true,
      target: "es2022",
      // Maps are written for debugging but not referenced from the served bundles.
      sourcemap: "hidden",
      rolldownOptions: {
        output: {
          codeSplitting: {
            groups: [
              { name: "core", test: CORE_MODULES, priority: 3 },
              { name: "charts", test: CHART_MODULES, priority: 2 },
            ],
          },
        },
      },
    },
  };
});
