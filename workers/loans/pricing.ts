// Loan pricing lives in the domain module, where the UI's quote uses it too.
export { amortisationSchedule, interestRateBp, minimumPaymentCents, type ScheduleRow } from "../domain/loan-pricing";
