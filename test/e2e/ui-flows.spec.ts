import { type Browser, type BrowserContext, expect, type Locator, type Page, test } from "@playwright/test";
import { confirmDialog, expectSameDocument, go, markDocument, signInAsAdmin, unique } from "./support/app";

// End-to-end user flows through the real UI (Vite + the API under wrangler dev, see playwright.config.ts).
// Every assertion reads what a person sees; nothing is set up through the API except making sure
// the shared admin account exists.

const PASSWORD = "Quiet-Harbor-7-Lantern";

/** Money-moving POSTs (API.md): each must carry an Idempotency-Key. */
const MONEY_POST =
  /\/v1\/(wallet(\/[^/]+\/(credit|debit))?|payment|loan(\/[^/]+\/(approve|reject|repay))?|savings-goal(\/[^/]+\/(add|redeem))?)$/;

type Watch = { errors: string[]; moneyPosts: { path: string; key: string | undefined }[]; apiCalls: string[] };

/** Console errors, page errors and money POSTs of one page, checked at the end of every flow. */
async function watch(page: Page): Promise<Watch> {
  const seen: Watch = { errors: [], moneyPosts: [], apiCalls: [] };
  await logToasts(page);
  page.on("console", (message) => {
    // Chromium logs every non-2xx fetch too: none is expected (signed out, the UI does not even ask
    // for the session without the API's signed_in hint cookie).
    if (message.type() === "error") seen.errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => seen.errors.push(`pageerror: ${error.message}`));
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith("/v1/")) return;
    seen.apiCalls.push(`${request.method()} ${url.pathname}${url.search}`);
    if (request.method() === "POST" && MONEY_POST.test(url.pathname)) {
      seen.moneyPosts.push({ path: url.pathname, key: request.headers()["idempotency-key"] });
    }
  });
  return seen;
}

function expectClean(seen: Watch, minMoneyPosts: number) {
  expect(seen.errors, "console errors").toEqual([]);
  expect(seen.moneyPosts.length).toBeGreaterThanOrEqual(minMoneyPosts);
  for (const post of seen.moneyPosts) expect(post.key, `Idempotency-Key on POST ${post.path}`).toMatch(/^.{1,255}$/);
}

/** Logs the text of every toast as it appears (react-hot-toast renders each as a polite status). */
async function logToasts(page: Page) {
  await page.addInitScript(() => {
    const log: string[] = [];
    Object.assign(window, { __toasts: log, __toastsAsserted: {} });
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of Array.from(record.addedNodes)) {
          if (!(node instanceof Element)) continue;
          const statuses = [node, ...Array.from(node.querySelectorAll("[role=status][aria-live]"))].filter((el) =>
            el.matches("[role=status][aria-live]"),
          );
          for (const status of statuses) log.push(status.textContent ?? "");
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
}

type ToastWindow = { __toasts: string[]; __toastsAsserted: Record<string, number> };

/** One more toast with exactly this text than asserted so far in this document (earlier identical ones may still show). */
async function expectToast(page: Page, text: string) {
  const count = (t: string) => page.evaluate((x) => (window as unknown as ToastWindow).__toasts.filter((shown) => shown === x).length, t);
  const expected = (await page.evaluate((t) => (window as unknown as ToastWindow).__toastsAsserted[t] ?? 0, text)) + 1;
  await expect.poll(() => count(text), { message: `toast "${text}"` }).toBe(expected);
  await page.evaluate(
    ([t, n]) => {
      (window as unknown as ToastWindow).__toastsAsserted[t] = n;
    },
    [text, expected] as const,
  );
  await expect(page.getByRole("status").filter({ hasText: text }).first()).toBeVisible();
}

async function signUp(page: Page, email: string) {
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expectToast(page, "Welcome! Your account is ready.");
  await expect(page.getByRole("heading", { level: 1, name: "Hello" })).toBeVisible();
}

const mainNav = (page: Page) => page.getByRole("navigation", { name: "Main" });

async function createWallet(page: Page) {
  await go(page, "Wallet");
  await page.getByRole("button", { name: "Create my wallet" }).click();
  await expectToast(page, "Wallet created");
  await expect(page.getByTestId("balance")).toHaveText("$0.00");
}

async function deposit(page: Page, amount: string, expectedBalance: string) {
  const form = page.getByRole("region", { name: "Deposit", exact: true });
  await form.getByLabel("Amount").fill(amount);
  await form.getByRole("button", { name: "Deposit" }).click();
  await confirmDialog(page, /^Deposit \$/, "Deposit");
  await expectToast(page, "Deposit complete");
  await expect(page.getByTestId("balance")).toHaveText(expectedBalance);
}

/** Records every status the latest-payment badge shows (starting with the current one), in order, as the DOM changes. */
async function recordPaymentStatuses(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __statuses: string[]; __statusObserver?: MutationObserver };
    w.__statusObserver?.disconnect();
    w.__statuses = [];
    const read = () => {
      const badge = document.querySelector('[data-testid="latest-payment"] [data-testid="payment-status"]');
      const status = badge?.getAttribute("data-status");
      if (status && w.__statuses.at(-1) !== status) w.__statuses.push(status);
    };
    read();
    w.__statusObserver = new MutationObserver(read);
    w.__statusObserver.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
  });
}

async function recordedStatuses(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);
}

async function pay(page: Page, merchant: string, amount: string, dialogBody: RegExp) {
  await recordPaymentStatuses(page);
  const form = page.getByRole("region", { name: "Pay a merchant", exact: true });
  await form.getByLabel("Merchant", { exact: true }).fill(merchant);
  await form.getByLabel("Amount", { exact: true }).fill(amount);
  await form.getByRole("button", { name: "Pay", exact: true }).click();
  await confirmDialog(page, `Pay $${amount} to ${merchant}?`, "Pay", dialogBody);
  await expectToast(page, "Payment sent; waiting for the wallet");
}

async function newCustomer(browser: Browser, label: string): Promise<{ context: BrowserContext; page: Page; seen: Watch }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = await watch(page);
  await signUp(page, unique(label));
  await markDocument(page);
  return { context, page, seen };
}

test("pay a merchant: the payment settles live, and one above the balance fails live with its reason", async ({ page }) => {
  const seen = await watch(page);
  await signUp(page, unique("payer"));
  await markDocument(page);
  await createWallet(page);
  await deposit(page, "100.00", "$100.00");

  await go(page, "Payments");
  await expect(page.getByRole("heading", { level: 1, name: "Payment simulator" })).toBeVisible();
  await expect(page.getByText("Spendable balance: $100.00")).toBeVisible();

  await pay(page, "Corner Cafe", "30.00", /settled by your wallet in the background/);
  const latest = page.getByTestId("latest-payment");
  await expect(latest.getByTestId("payment-status")).toHaveText("Successful");
  await expect(latest.getByRole("status")).toHaveText("Paid. The money has left your wallet.");
  expect(await recordedStatuses(page)).toEqual(["PENDING", "SUCCESSFUL"]);
  await expect(page.getByText("Spendable balance: $70.00")).toBeVisible();
  const history = page.getByRole("region", { name: "Payment history", exact: true });
  await expect(history.getByTestId("payment-row").filter({ hasText: "Corner Cafe" }).getByTestId("payment-status")).toHaveText(
    "Successful",
  );

  await pay(page, "Big Store", "500.00", /more than your spendable balance \(\$70\.00\)/);
  await expect(latest.getByTestId("payment-status")).toHaveText("Failed");
  await expect(latest.getByRole("status")).toHaveText("Refused. Nothing was taken from your wallet. (Not enough money in the wallet)");
  // The previous payment's outcome, then the new one going from PENDING to FAILED.
  expect(await recordedStatuses(page)).toEqual(["SUCCESSFUL", "PENDING", "FAILED"]);
  const failedRow = history.getByTestId("payment-row").filter({ hasText: "Big Store" });
  await expect(failedRow.getByTestId("payment-status")).toHaveText("Failed");
  await expect(failedRow).toContainText("Not enough money in the wallet");
  await expect(page.getByText("Spendable balance: $70.00")).toBeVisible();

  await go(page, "Wallet");
  await expect(page.getByTestId("balance")).toHaveText("$70.00");
  await expectSameDocument(page);
  expectClean(seen, 4);
});

test("loan: live quote, admin approval in another browser credits the wallet live, pay off clears it", async ({ browser, request }) => {
  const customer = await newCustomer(browser, "borrower");
  const page = customer.page;
  const purpose = `Laptop ${Date.now()}`;
  await createWallet(page);

  await go(page, "Loans");
  const apply = page.getByRole("region", { name: "Apply for a micro-loan", exact: true });
  await apply.getByLabel("Amount").fill("1200");
  await apply.getByLabel("Term").fill("12");
  await apply.getByLabel("Purpose (optional)").fill(purpose);
  await expect(apply.getByTestId("quote-rate")).toHaveText("8.00% a year");
  await expect(apply.getByTestId("quote-payment")).toHaveText("$104.39");
  await apply.getByText("Repayment schedule (estimate)").click();
  const preview = apply.getByRole("table", { name: "Estimated repayment schedule" });
  await expect(preview).toBeVisible();
  await expect(preview.getByRole("row")).toHaveCount(13);
  await expect(preview.getByRole("row").last()).toContainText("$0.00");
  // The quote follows the form as it is typed.
  await apply.getByLabel("Term").fill("24");
  await expect(apply.getByTestId("quote-rate")).toHaveText("12.00% a year");
  await apply.getByLabel("Term").fill("12");
  await expect(apply.getByTestId("quote-rate")).toHaveText("8.00% a year");

  await apply.getByRole("button", { name: "Apply" }).click();
  await confirmDialog(page, "Apply for $1,200.00?", "Apply", /\$104\.39/);
  await expectToast(page, "Loan application submitted");
  const myLoan = page.getByRole("region", { name: "My loans", exact: true }).getByTestId("loan-row").filter({ hasText: purpose });
  await expect(myLoan.getByTestId("loan-status")).toHaveText("Pending");

  await go(page, "Dashboard");
  await expect(page.getByTestId("balance")).toHaveText("$0.00");
  const dashboardLoan = page.getByRole("region", { name: "Loans", exact: true }).getByRole("listitem").filter({ hasText: purpose });
  await expect(dashboardLoan.getByTestId("loan-status")).toHaveText("Pending");
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-status", "live");

  // The admin, in a separate browser context with its own session.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  const adminSeen = await watch(admin);
  await signInAsAdmin(admin, request);
  await go(admin, "Admin");
  await expect(admin.getByRole("heading", { level: 1, name: "Admin" })).toBeVisible();
  const pending = admin
    .getByRole("region", { name: "Pending loans", exact: true })
    .getByTestId("pending-loan")
    .filter({ hasText: purpose });
  await expect(pending).toContainText("$1,200.00 · 12 months · 8.00%");
  await pending.getByRole("button", { name: "Approve" }).click();
  await confirmDialog(admin, "Approve $1,200.00?", "Approve and disburse");
  await expectToast(admin, "Loan approved; the principal is being disbursed");
  await expect(pending).toHaveCount(0);

  // The customer's page, untouched since: the balance and the loan update from the live feed.
  await expect(page.getByTestId("balance")).toHaveText("$1,200.00");
  await expect(dashboardLoan.getByTestId("loan-status")).toHaveText("Approved");
  await expect(page.getByTestId("loans-owed")).toHaveText("$1,200.00");
  await expectSameDocument(page);

  await dashboardLoan.getByRole("link", { name: purpose }).click();
  await expect(page.getByRole("heading", { level: 1, name: "$1,200.00 loan" })).toBeVisible();
  await expect(page.getByTestId("loan-status")).toHaveText("Approved");
  await expect(page.getByTestId("loan-remaining")).toHaveText("$1,200.00");
  const repay = page.getByRole("region", { name: "Repay", exact: true });
  await repay.getByRole("button", { name: "Pay off" }).click();
  await expect(repay.getByLabel("Repayment amount")).toHaveValue("1200.00");
  await repay.getByRole("button", { name: "Repay", exact: true }).click();
  await confirmDialog(page, "Pay off $1,200.00?", "Pay off", /clearing this loan/);
  await expectToast(page, "Repayment requested");
  await expect(repay.getByTestId("repayment-row").first().getByTestId("repayment-status")).toHaveText("Successful");
  await expect(page.getByTestId("loan-status")).toHaveText("Paid off");
  await expect(page.getByTestId("loan-status")).toHaveAttribute("data-status", "PAID");
  await expect(page.getByTestId("loan-remaining")).toHaveText("$0.00");
  await expect(page.getByText("Paid off. Well done!")).toBeVisible();

  await go(page, "Wallet");
  await expect(page.getByTestId("balance")).toHaveText("$0.00");
  await expectSameDocument(page);
  expectClean(customer.seen, 3);
  expectClean(adminSeen, 1);
  await adminContext.close();
  await customer.context.close();
});

test("savings: a dated goal is filled, reached and redeemed; deleting a goal with money returns it", async ({ page }) => {
  const seen = await watch(page);
  await signUp(page, unique("saver"));
  await markDocument(page);
  await createWallet(page);
  await deposit(page, "200.00", "$200.00");

  await go(page, "Savings");
  const create = page.getByRole("region", { name: "New goal", exact: true });
  await create.getByLabel("Goal name").fill("Bike");
  await create.getByLabel("Target amount").fill("50");
  await create.getByLabel("Target date (optional)").fill("2030-06-30");
  await create.getByRole("button", { name: "Create goal" }).click();
  await expectToast(page, "Savings goal created");
  const bike = page.getByTestId("goal-card").filter({ has: page.getByRole("heading", { name: "Bike" }) });
  await expect(bike).toContainText("$0.00 of $50.00 · by Jun 30, 2030");
  await expect(bike.getByRole("button", { name: "Redeem" })).toBeDisabled();

  await bike.getByLabel("Add to Bike").fill("50");
  await bike.getByRole("button", { name: "Add", exact: true }).click();
  await confirmDialog(page, "Move $50.00 to “Bike”?", "Add to goal");
  await expectToast(page, "Added to your goal");
  await expect(bike.getByRole("progressbar", { name: "Bike progress" })).toHaveAttribute("aria-valuenow", "100");
  await expect(bike).toContainText("100% saved · target reached, ready to redeem");
  await expect(page.getByRole("heading", { name: "Your goals · $50.00 saved" })).toBeVisible();

  await bike.getByRole("button", { name: "Redeem" }).click();
  await confirmDialog(page, "Redeem “Bike”?", "Redeem", /\$50\.00 moves back to your spendable balance/);
  await expectToast(page, "Goal redeemed; the money is back in your spendable balance");
  await expect(bike.getByText("Redeemed", { exact: true })).toBeVisible();
  await expect(bike.getByRole("button", { name: "Redeem" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Your goals · $0.00 saved" })).toBeVisible();

  await go(page, "Wallet");
  await expect(page.getByTestId("balance")).toHaveText("$200.00");
  await expect(page.getByTestId("savings-balance")).toHaveText("$0.00");

  // A goal deleted with money in it gives the money back.
  await go(page, "Savings");
  await create.getByLabel("Goal name").fill("Trip");
  await create.getByLabel("Target amount").fill("100");
  await create.getByRole("button", { name: "Create goal" }).click();
  const trip = page.getByTestId("goal-card").filter({ has: page.getByRole("heading", { name: "Trip" }) });
  await expect(trip).toContainText("$0.00 of $100.00");
  await trip.getByLabel("Add to Trip").fill("40");
  await trip.getByRole("button", { name: "Add", exact: true }).click();
  await confirmDialog(page, "Move $40.00 to “Trip”?", "Add to goal");
  await expect(trip).toContainText("$40.00 of $100.00");
  await expect(trip.getByRole("progressbar", { name: "Trip progress" })).toHaveAttribute("aria-valuenow", "40");
  await trip.getByRole("button", { name: "Delete" }).click();
  await confirmDialog(page, "Delete “Trip”?", "Delete goal", /The \$40\.00 saved in it returns to your spendable balance/);
  await expectToast(page, "Goal deleted; $40.00 returned to your wallet");
  await expect(trip).toHaveCount(0);

  await go(page, "Wallet");
  await expect(page.getByTestId("balance")).toHaveText("$200.00");
  await expect(page.getByTestId("savings-balance")).toHaveText("$0.00");
  await expectSameDocument(page);
  expectClean(seen, 7);
});

test("debt optimiser: avalanche and snowball side by side, with different outcomes and a chart", async ({ page }) => {
  const seen = await watch(page);
  await signUp(page, unique("debtor"));
  await go(page, "Debt optimiser");
  await expect(page.getByRole("heading", { level: 1, name: "Debt optimiser" })).toBeVisible();

  await page.getByLabel("Monthly budget for debt").fill("400");
  const debts = [
    { name: "Credit card", balance: "3000", apr: "24.99", min: "90" },
    { name: "Car loan", balance: "6000", apr: "5.5", min: "150" },
    { name: "Store card", balance: "800", apr: "12", min: "25" },
  ];
  await page.getByRole("button", { name: "Add a debt" }).click();
  for (const [index, debt] of debts.entries()) {
    const row = page.getByRole("group", { name: `Debt ${index + 1}` });
    await row.getByLabel("Name").fill(debt.name);
    await row.getByLabel("Balance").fill(debt.balance);
    await row.getByLabel("APR").fill(debt.apr);
    await row.getByLabel("Minimum payment").fill(debt.min);
  }
  await page.getByRole("button", { name: "Compare strategies" }).click();
  await expectToast(page, "Plans ready");

  const avalanche = page.getByRole("region", { name: "Avalanche", exact: true });
  const snowball = page.getByRole("region", { name: "Snowball", exact: true });
  await expect(avalanche).toBeVisible();
  await expect(snowball).toBeVisible();
  // Side by side: same row on a desktop screen.
  const [a, s] = [await avalanche.boundingBox(), await snowball.boundingBox()];
  expect(a && s && Math.abs(a.y - s.y) < 2 && a.x < s.x).toBe(true);

  const order = (plan: Locator) => plan.getByRole("list", { name: "Payoff order" }).getByRole("listitem");
  await expect(order(avalanche)).toHaveText(["Credit card", "Store card", "Car loan"]);
  await expect(order(snowball)).toHaveText(["Store card", "Credit card", "Car loan"]);
  const avalancheInterest = await avalanche.getByTestId("plan-avalanche-interest").textContent();
  const snowballInterest = await snowball.getByTestId("plan-snowball-interest").textContent();
  const cents = (money: string | null) => Math.round(Number((money ?? "").replace(/[$,]/g, "")) * 100);
  expect(cents(avalancheInterest)).toBeGreaterThan(0);
  expect(cents(avalancheInterest)).toBeLessThan(cents(snowballInterest));
  await expect(avalanche.getByText("Recommended")).toBeVisible();
  await expect(snowball.getByText("Recommended")).toHaveCount(0);
  await expect(page.getByText(/^Avalanche saves you \$[\d,]+\.\d\d in interest\.$/)).toBeVisible();
  await expect(avalanche.getByTestId("plan-avalanche-months")).toHaveText(/\d+ (year|month)/);
  await expect(snowball.getByTestId("plan-snowball-months")).toHaveText(/\d+ (year|month)/);

  const chart = page.getByRole("figure", { name: /Total balance over time/ });
  await expect(chart).toBeVisible();
  await expect(chart.locator("svg.recharts-surface").first()).toBeVisible();
  // One line per strategy: avalanche, snowball and minimum payments only.
  await expect(chart.locator(".recharts-line path.recharts-curve")).toHaveCount(3);
  await expect(
    page.getByRole("region", { name: "Minimum payments only", exact: true }).getByTestId("plan-minimum_only-months"),
  ).toBeVisible();

  expectClean(seen, 0);
});

test("admin is hidden from customers: no nav link, and /admin shows not found", async ({ page }) => {
  const seen = await watch(page);
  await signUp(page, unique("curious"));
  await expect(mainNav(page).getByRole("link", { name: "Dashboard" })).toBeVisible();
  await expect(mainNav(page).getByRole("link", { name: "Admin" })).toHaveCount(0);

  await page.goto("/admin");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeAttached();
  await expect(page.getByText("The page you were looking for does not exist.")).toBeVisible();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Admin" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Pending loans" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Dead letters" })).toHaveCount(0);
  await expect(mainNav(page).getByRole("link", { name: "Admin" })).toHaveCount(0);
  expect(seen.apiCalls.filter((call) => call.includes("/v1/admin") || call.includes("status=PENDING"))).toEqual([]);
  expectClean(seen, 0);
});
