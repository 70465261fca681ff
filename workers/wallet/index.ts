import { createRouter } from "../lib/app";
import * as handlers from "./wallet.handlers";
import * as routes from "./wallet.routes";

export const walletRouter = createRouter()
  .openapi(routes.createWallet, handlers.createWallet)
  .openapi(routes.listWallets, handlers.listWallets)
  .openapi(routes.getWallet, handlers.getWallet)
  .openapi(routes.renameWallet, handlers.renameWallet)
  .openapi(routes.balanceAsOf, handlers.balanceAsOf)
  .openapi(routes.credit, handlers.credit)
  .openapi(routes.debit, handlers.debit)
  .openapi(routes.live, handlers.live)
  .openapi(routes.listTransactions, handlers.listTransactions)
  .openapi(routes.listHolds, handlers.listHolds);
