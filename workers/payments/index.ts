import { createRouter } from "../lib/app";
import * as handlers from "./payments.handlers";
import * as routes from "./payments.routes";

export { expireDueAuthorizations } from "./payments.expiry";

export const paymentsRouter = createRouter()
  .openapi(routes.createPayment, handlers.createPayment)
  .openapi(routes.getPayment, handlers.getPayment)
  .openapi(routes.listByWallet, handlers.listByWallet)
  .openapi(routes.capturePayment, handlers.capturePayment)
  .openapi(routes.cancelPayment, handlers.cancelPayment)
  .openapi(routes.refundPayment, handlers.refundPayment);
