import { createRouter } from "../lib/app";
import * as handlers from "./debt-optimiser.handlers";
import * as routes from "./debt-optimiser.routes";

// test/debt-optimiser/debt-optimiser.bounds.test.ts reads the bound through this path.
export { MAX_SCHEDULE_BYTES } from "./debt-optimiser.handlers";

export const debtOptimiserRouter = createRouter().openapi(routes.optimiseDebts, handlers.optimiseDebts);
