import { createRouter } from "../lib/app";
import * as handlers from "./auth.handlers";
import * as routes from "./auth.routes";

export const authRouter = createRouter()
  .openapi(routes.signup, handlers.signup)
  .openapi(routes.login, handlers.login)
  .openapi(routes.logout, handlers.logout)
  .openapi(routes.me, handlers.me)
  .openapi(routes.changePassword, handlers.changePassword)
  .openapi(routes.listSessions, handlers.listSessions)
  .openapi(routes.revokeSession, handlers.revokeSession)
  .openapi(routes.revokeOtherSessions, handlers.revokeOtherSessions)
  .openapi(routes.setupTwoFactor, handlers.setupTwoFactor)
  .openapi(routes.enableTwoFactor, handlers.enableTwoFactor)
  .openapi(routes.disableTwoFactor, handlers.disableTwoFactor);
