import { createRouter } from "../lib/app";
import * as handlers from "./statements.handlers";
import * as routes from "./statements.routes";

export const statementsRouter = createRouter()
  .openapi(routes.listStatements, handlers.listStatements)
  .openapi(routes.getStatement, handlers.getStatement)
  .openapi(routes.listKeys, handlers.listKeys)
  .openapi(routes.verifyStatement, handlers.verifyStatement);
