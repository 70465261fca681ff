import { createRouter } from "../lib/app";
import * as handlers from "./admin.handlers";
import * as routes from "./admin.routes";

export const adminRouter = createRouter()
  .openapi(routes.listDeadLetters, handlers.listDeadLetters)
  .openapi(routes.replayDeadLetter, handlers.replayDeadLetter)
  .openapi(routes.reconciliation, handlers.reconciliation)
  .openapi(routes.adjustWallet, handlers.adjustWallet)
  .openapi(routes.listAuditLog, handlers.listAuditLog)
  .openapi(routes.ledgerProof, handlers.ledgerProof)
  .openapi(routes.getClock, handlers.getClock)
  .openapi(routes.advanceClock, handlers.advanceClock);
