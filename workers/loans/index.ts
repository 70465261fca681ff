import { createRouter } from "../lib/app";
import * as handlers from "./loans.handlers";
import * as routes from "./loans.routes";

export const loansRouter = createRouter()
  .openapi(routes.applyForLoan, handlers.applyForLoan)
  .openapi(routes.listLoans, handlers.listLoans)
  .openapi(routes.getLoan, handlers.getLoan)
  .openapi(routes.loansByWallet, handlers.loansByWallet)
  .openapi(routes.approveLoan, handlers.approveLoan)
  .openapi(routes.rejectLoan, handlers.rejectLoan)
  .openapi(routes.repayLoan, handlers.repayLoan)
  .openapi(routes.listRepayments, handlers.listRepayments)
  .openapi(routes.loanSchedule, handlers.loanSchedule)
  .openapi(routes.loanPayoff, handlers.loanPayoff)
  .openapi(routes.setAutopay, handlers.setAutopay);
