import { createRouter } from "../lib/app";
import * as handlers from "./payments.handlers";
import * as routes from "./payments.routes";

export const paymentsRouter = createRouter()
  .openapi(routes.createPayment, handlers.createPayment)
  .openapi(routes.getPayment, handlers.getPayment)
  .openapi(routes.listByWallet, handlers.listByWallet);
