import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonResponse, security } from "../lib/app";
import { requireAdmin, requireUser } from "../lib/auth";

const tags = ["Admin"];

export const DeadLetterSchema = z
  .object({
    dead_letter_id: z.string(),
    queue: z.string(),
    event: z.record(z.string(), z.unknown()),
    error: z.string(),
    attempts: z.number().int(),
    created_at: z.string(),
    replayed_at: z.string().nullable(),
  })
  .openapi("DeadLetter");

export const listDeadLetters = createRoute({
  method: "get",
  path: "/admin/dead-letters",
  tags,
  summary: "Messages that exhausted their retries (newest first, up to 200)",
  security,
  middleware: [requireUser, requireAdmin] as const,
  responses: {
    200: jsonResponse(z.object({ dead_letters: z.array(DeadLetterSchema) }), "Dead letters"),
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN"),
  },
});
