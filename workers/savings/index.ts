import { createRouter } from "../lib/app";
import * as handlers from "./savings.handlers";
import * as routes from "./savings.routes";

// The suites test these two directly through this path.
export { monthsUntil, presentGoal } from "./savings.presenters";

export const savingsRouter = createRouter()
  .openapi(routes.createGoal, handlers.createGoal)
  .openapi(routes.goalsByWallet, handlers.goalsByWallet)
  .openapi(routes.getGoal, handlers.getGoal)
  .openapi(routes.addToGoal, handlers.addToGoal)
  .openapi(routes.redeemGoal, handlers.redeemGoal)
  .openapi(routes.deleteGoal, handlers.deleteGoal)
  .openapi(routes.updateGoal, handlers.updateGoal)
  .openapi(routes.archiveGoal, handlers.archiveGoal)
  .openapi(routes.goalTransactions, handlers.goalTransactions);
