import { createRouter } from "../lib/app";
import * as handlers from "./transfers.handlers";
import * as routes from "./transfers.routes";

export const transfersRouter = createRouter()
  .openapi(routes.createTransfer, handlers.createTransfer)
  .openapi(routes.listTransfers, handlers.listTransfers)
  .openapi(routes.getTransfer, handlers.getTransfer);
