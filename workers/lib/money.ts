/**
 * The API's money schemas, built on the domain's money module (workers/domain/money.ts), which is
 * the only place that turns amounts into cents and cents back into "12.50" strings.
 */
import { z } from "@hono/zod-openapi";
import { MAX_MOVEMENT_CENTS } from "../domain/limits";
import { type Cents, formatCents, parseAmount } from "../domain/money";

export { MAX_MOVEMENT_CENTS } from "../domain/limits";
export { type Cents, formatCents, type ParseResult, parseAmount, roundHalfUpDiv } from "../domain/money";

/** zod schema for a request amount: accepts a string or number, yields integer cents. */
export function amountSchema(options: { max?: Cents; min?: Cents } = {}) {
  const max = options.max ?? MAX_MOVEMENT_CENTS;
  const min = options.min ?? 1;
  return z
    .union([z.string(), z.number()])
    .transform((value, ctx) => {
      const parsed = parseAmount(value, max);
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: parsed.message });
        return z.NEVER;
      }
      if (parsed.cents < min) {
        ctx.addIssue({ code: "custom", message: `amount must be at least ${formatCents(min)}` });
        return z.NEVER;
      }
      return parsed.cents;
    })
    .openapi({
      type: "string",
      example: "12.50",
      description: `Positive amount with at most two decimals, as a string or a JSON number (${formatCents(min)}..${formatCents(max)}).`,
    });
}

/** zod schema for a money field in a response. */
export const moneyString = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .openapi({ example: "1250.00" });
