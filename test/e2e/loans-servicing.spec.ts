import AxeBuilder from "@axe-core/playwright";
import { type APIRequestContext, type Browser, expect, type Page, test } from "@playwright/test";
import { ADMIN, confirmDialog, go, signInAsAdmin, signUp, unique } from "./support/app";

// Loan servicing through the real UI: apply → approve → the admin advances the clock a month in
// its panel → the customer's loan page, untouched, shows the interest charged and the autopay
// repayment. Axe and keyboard checks of the two screens this adds to, at the project's viewport.

const PASSWORD = "Quiet-Harbor-7-Lantern";
// Two browsers, a clock move and the sagas: more than the default minute on a shared machine.
test.setTimeout(180_000);

async function noSeriousAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).exclude("[role=status][aria-live]").analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

async function customerWithLoan(browser: Browser, request: APIRequestContext, purpose: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const applicantEmail = unique("servicing");
  await signUp(page, applicantEmail, PASSWORD);
  await go(page, "Wallet");
  await page.getByRole("button", { name: "Create my wallet" }).click();
  await expect(page.getByTestId("balance")).toHaveText("$0.00");

  await go(page, "Loans");
  const apply = page.getByRole("region", { name: "Apply for a micro-loan", exact: true });
  await apply.getByLabel("Amount").fill("1000");
  await apply.getByLabel("Term").fill("12");
  await apply.getByLabel("Purpose (optional)").fill(purpose);
  await expect(apply.getByTestId("quote-payment")).toHaveText("$86.99");
  await expect(apply.getByTestId("quote-interest-note")).toContainText("Interest accrues monthly");
  await expect(apply.getByTestId("quote-interest-note")).toContainText("Paying early");
  await apply.getByRole("button", { name: "Apply" }).click();
  await confirmDialog(page, "Apply for $1,000.00?", "Apply");

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signInAsAdmin(admin, request);
  await go(admin, "Admin");
  const pending = admin
    .getByRole("region", { name: "Pending loans", exact: true })
    .getByTestId("pending-loan")
    .filter({ hasText: purpose });
  await expect(pending.getByTestId("loan-applicant")).toContainText("@example.com");
  await pending.getByRole("button", { name: "Approve" }).click();
  await confirmDialog(admin, "Approve $1,000.00?", "Approve and disburse");
  await expect(pending).toHaveCount(0);
  return { page, admin, errors, applicantEmail };
}

test("servicing: advance a month in the admin clock panel, and the loan page shows the interest and the autopay repayment, live", async ({
  browser,
  request,
}, testInfo) => {
  const purpose = `Bike ${Date.now()}`;
  const { page, admin, errors, applicantEmail } = await customerWithLoan(browser, request, purpose);

  await go(page, "Loans");
  await page.getByRole("region", { name: "My loans", exact: true }).getByRole("link", { name: purpose }).click();
  await expect(page.getByTestId("loan-status")).toHaveText("Approved");
  await expect(page.getByTestId("loan-interest-charged")).toHaveText("$0.00");
  await expect(page.getByTestId("loan-next-due")).toContainText("$86.99 on ");
  await expect(page.getByTestId("autopay-switch")).toHaveAttribute("aria-checked", "true");
  await expect(page.getByTestId("schedule-row").first()).toHaveAttribute("data-status", "UPCOMING");

  // The admin's clock panel, in the other browser.
  const clock = admin.getByRole("region", { name: "Clock", exact: true });
  await expect(clock.getByTestId("clock-now")).toBeVisible();
  await clock.getByRole("button", { name: "Advance a month" }).click();
  await expect(clock.getByRole("button", { name: "Advance a month" })).toBeEnabled({ timeout: 30_000 });
  // The panel says where the clock is now, and whether autopay debits were still finishing (a 202).
  const moved = clock.getByRole("status").getByTestId("clock-result");
  await expect(moved).toContainText(/^Clock moved to .+; (everything due has been processed|some autopay debits are still finishing)/);

  // The customer's page, untouched: the autopay debit arrives through the live feed.
  await expect(page.getByTestId("repayment-row").first()).toContainText("$86.99", { timeout: 20_000 });
  await expect(page.getByTestId("repayment-status").first()).toHaveText("Successful");
  await expect(page.getByTestId("loan-interest-charged")).toHaveText("$6.67", { timeout: 20_000 });
  await expect(page.getByTestId("loan-remaining")).toHaveText("$919.68");
  await expect(page.getByTestId("schedule-row").first()).toHaveAttribute("data-status", "PAID");
  await expect(page.getByTestId("loan-payoff")).toContainText("$919.68");

  // Keyboard: the autopay switch is reachable and toggles with Space.
  const toggle = page.getByTestId("autopay-switch");
  await toggle.focus();
  await expect(toggle).toBeFocused();
  await page.keyboard.press("Space");
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await page.keyboard.press("Space");
  await expect(toggle).toHaveAttribute("aria-checked", "true");

  await noSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("loan-detail.png"), fullPage: true });

  // The admin's loan list: filters by status and standing, applicants by email, decisions.
  const loans = admin.getByRole("region", { name: "Loans", exact: true });
  await loans.getByLabel("Standing").selectOption("CURRENT");
  await expect(loans.getByTestId("admin-loan").filter({ hasText: purpose })).toBeVisible();
  // The standing filter is the API's (every page it sends matches), not a filter of the pages loaded.
  const askedForLate = admin.waitForRequest((r) => {
    const url = new URL(r.url());
    return url.pathname === "/v1/loan" && url.searchParams.get("delinquency") === "LATE";
  });
  await loans.getByLabel("Standing").selectOption("LATE");
  expect(new URL((await askedForLate).url()).searchParams.get("status")).toBe("APPROVED");
  await expect(loans.getByTestId("admin-loan").filter({ hasText: purpose })).toHaveCount(0);
  await expect(admin.getByRole("region", { name: "Decision history", exact: true }).getByTestId("loan-decision").first()).toContainText(
    "Approved",
  );
  // The decision names who decided (by email) and who applied, for how much.
  const decision = admin
    .getByRole("region", { name: "Decision history", exact: true })
    .getByTestId("loan-decision")
    .filter({ hasText: applicantEmail });
  await expect(decision).toHaveCount(1);
  await expect(decision).toHaveAttribute("data-action", "loan.approve");
  await expect(decision).toContainText("$1,000.00 for");
  await expect(decision.getByTestId("decision-admin")).toHaveText(ADMIN.email);
  await noSeriousAxeViolations(admin);
  await admin.screenshot({ path: testInfo.outputPath("admin.png"), fullPage: true });
  expect(errors).toEqual([]);
});

test("a rejected loan shows its reason and no schedule @phone", async ({ browser, request }, testInfo) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const applicantEmail = unique("rejected");
  await signUp(page, applicantEmail, PASSWORD);
  await go(page, "Wallet");
  await page.getByRole("button", { name: "Create my wallet" }).click();
  // The wallet exists before the loans screen is opened (it offers the application only then).
  await expect(page.getByTestId("balance")).toHaveText("$0.00");
  await go(page, "Loans");
  const purpose = `Boat ${Date.now()}`;
  const apply = page.getByRole("region", { name: "Apply for a micro-loan", exact: true });
  await apply.getByLabel("Amount").fill("300");
  await apply.getByLabel("Term").fill("6");
  await apply.getByLabel("Purpose (optional)").fill(purpose);
  await apply.getByRole("button", { name: "Apply" }).click();
  await confirmDialog(page, "Apply for $300.00?", "Apply");

  const admin = await (await browser.newContext()).newPage();
  await signInAsAdmin(admin, request);
  await go(admin, "Admin");
  const pending = admin
    .getByRole("region", { name: "Pending loans", exact: true })
    .getByTestId("pending-loan")
    .filter({ hasText: purpose });
  await pending.getByRole("button", { name: "Reject" }).click();
  const dialog = admin.getByRole("dialog", { name: "Reject the $300.00 application?" });
  await dialog.getByLabel("Reason (optional)").fill("Income could not be verified");
  await dialog.getByRole("button", { name: "Reject loan" }).click();
  await expect(pending).toHaveCount(0);

  // The admin's decision history: the rejection, its reason, the applicant and the admin by email.
  const decision = admin
    .getByRole("region", { name: "Decision history", exact: true })
    .getByTestId("loan-decision")
    .filter({ hasText: applicantEmail });
  await expect(decision).toHaveAttribute("data-action", "loan.reject");
  await expect(decision).toContainText("Rejected");
  await expect(decision).toContainText(`$300.00 for <${applicantEmail}>`);
  await expect(decision.getByTestId("decision-reason")).toHaveText("Reason: “Income could not be verified”");
  await expect(decision.getByTestId("decision-admin")).toHaveText(ADMIN.email);
  // The loan list, filtered by status on the server: the rejected loan shows under Rejected only.
  const loans = admin.getByRole("region", { name: "Loans", exact: true });
  await loans.getByLabel("Status").selectOption("REJECTED");
  await expect(loans.getByTestId("admin-loan").filter({ hasText: purpose })).toContainText("rejected: Income could not be verified");
  await loans.getByLabel("Status").selectOption("APPROVED");
  await expect(loans.getByTestId("admin-loan").filter({ hasText: purpose })).toHaveCount(0);
  await noSeriousAxeViolations(admin);
  await admin.screenshot({ path: testInfo.outputPath("admin-decisions.png"), fullPage: true });

  await page.getByRole("region", { name: "My loans", exact: true }).getByRole("link", { name: purpose }).click();
  await expect(page.getByTestId("loan-rejection")).toContainText("Income could not be verified");
  await expect(page.getByTestId("loan-remaining")).toHaveText("$0.00");
  await expect(page.getByText("No schedule: this loan was not approved")).toBeVisible();
  await noSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("loan-rejected.png"), fullPage: true });
});
