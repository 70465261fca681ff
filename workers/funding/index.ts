import { createRouter } from "../lib/app";
import * as handlers from "./funding.handlers";
import * as routes from "./funding.routes";

const router = createRouter();
// Ahead of the route's own validator (see verifySignature).
router.use(routes.deposit.path, handlers.verifySignature);

export const fundingRouter = router.openapi(routes.deposit, handlers.deposit);
