/**
 * Abuse control with the platform's rate-limiting binding (wrangler.toml `[[ratelimits]]`, one per
 * kind of route; README: Rate limits). It is approximate and counted per location, which is what
 * abuse control needs and costs no Durable Object round trip on the hot path of every credit; limits
 * that must be exact (failed logins) live in a Durable Object instead.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app";
import { AppError } from "./errors";

export type RateLimitBinding = "AUTH_RATE_LIMIT" | "MONEY_RATE_LIMIT" | "OPTIMISER_RATE_LIMIT";

/** Every binding is configured with `period = 60`: a refused client may try again after that. */
export const RETRY_AFTER_SECONDS = 60;

/** The client's address as Cloudflare reports it; one shared key where there is none (local tests). */
export const clientIp = (c: Context<AppEnv>) => c.req.header("cf-connecting-ip") ?? "unknown";

/** Throws 429 RATE_LIMITED when `key` is over the binding's limit. A binding that is not configured limits nothing. */
export async function enforceRateLimit(env: Env, binding: RateLimitBinding, key: string): Promise<void> {
  const limiter = env[binding] as RateLimit | undefined;
  if (!limiter) return;
  const { success } = await limiter.limit({ key });
  if (!success) {
    throw new AppError("RATE_LIMITED", "Too many requests, try again later", [], { "Retry-After": String(RETRY_AFTER_SECONDS) });
  }
}

/** Route middleware, after `requireUser`: limits the authenticated user. */
export const limitPerUser = (binding: RateLimitBinding) =>
  createMiddleware<AppEnv>(async (c, next) => {
    await enforceRateLimit(c.env, binding, c.get("user").user_id);
    await next();
  });

/** Middleware: limits the client IP (routes without a user: signup and login). */
export const limitPerIp = (binding: RateLimitBinding) =>
  createMiddleware<AppEnv>(async (c, next) => {
    await enforceRateLimit(c.env, binding, clientIp(c));
    await next();
  });
