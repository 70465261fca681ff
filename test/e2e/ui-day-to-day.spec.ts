import AxeBuilder from "@axe-core/playwright";
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { customer as account, adminAuth, type Customer, confirmDialog, ok, signIn } from "./support/app";

/**
 * What a new user tripped over, one test per item: each drives the real UI against the real local
 * stack and fails on the behaviour that was reported.
 */

const PASSWORD = "Correct-horse-battery-42!";

const unique = (label: string) => `day-${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

/** A customer made through the API (bearer token), with a wallet holding `deposit` dollars. */
function customer(request: APIRequestContext, label: string, deposit?: string): Promise<Customer> {
  return account(request, { email: unique(label), password: PASSWORD, ...(deposit ? { deposit, description: "Salary" } : {}) });
}

/** An approved, disbursed loan for the customer. */
async function approvedLoan(request: APIRequestContext, who: Customer, amount: string, purpose: string): Promise<string> {
  const { loan } = await ok<{ loan: { loan_id: string } }>(
    await request.post("/v1/loan", { headers: who.auth, data: { wallet_id: who.walletId, amount, loan_term_months: 12, purpose } }),
    201,
  );
  await ok(await request.post(`/v1/loan/${loan.loan_id}/approve`, { headers: await adminAuth(request) }));
  await expect
    .poll(async () => (await (await request.get(`/v1/loan/${loan.loan_id}`, { headers: who.auth })).json()).loan.disbursed_at)
    .not.toBeNull();
  return loan.loan_id;
}

/** Every request the page makes to the API, as "METHOD /path". */
function apiCalls(page: Page): string[] {
  const calls: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/v1/")) calls.push(`${request.method()} ${url.pathname}`);
  });
  return calls;
}

const toasts = (page: Page) => page.locator("[data-toast-type]");
const toast = (page: Page, text: string | RegExp) => toasts(page).filter({ hasText: text });

function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

test.describe("1. debt optimiser", () => {
  test("an error hides the previous plans, speaks in money, and a too-small budget is caught before sending", async ({ page, request }) => {
    const who = await customer(request, "optimiser");
    await approvedLoan(request, who, "1200.00", "Laptop");
    await signIn(page, who.email, PASSWORD);
    const calls = apiCalls(page);
    await page.goto("/debt-optimiser");

    await page.getByLabel("Monthly budget for debt").fill("400");
    const first = page.getByRole("group", { name: "Debt 1", exact: true });
    await first.getByLabel("Balance").fill("3000");
    await first.getByLabel("Minimum payment").fill("90");
    const second = page.getByRole("group", { name: "Debt 2", exact: true });
    await second.getByLabel("Balance").fill("6000");
    await second.getByLabel("APR").fill("5.5");
    await second.getByLabel("Minimum payment").fill("150");
    await page.getByRole("button", { name: "Compare strategies" }).click();
    // An empty APR is "required", not a range error; placeholders no longer look like typed values.
    await expect(first.getByText("APR is required")).toBeVisible();
    await expect(first.getByLabel("APR")).not.toHaveAttribute("placeholder");
    await first.getByLabel("APR").fill("24.99");
    await page.getByRole("button", { name: "Compare strategies" }).click();
    await expect(page.getByRole("region", { name: "Avalanche", exact: true })).toBeVisible();

    // The approved loan's minimum payment is $104.39: a $100.00 budget cannot cover it.
    await page.getByLabel("Use my approved loans").check();
    await page.getByLabel("Monthly budget for debt").fill("100");
    const before = calls.filter((call) => call === "POST /v1/debt-optimiser").length;
    await page.getByRole("button", { name: "Compare strategies" }).click();
    await expect(
      page.getByText("Your monthly budget ($100.00) is below the sum of the minimum payments ($104.39). Raise it to at least $104.39."),
    ).toBeVisible();
    await expect(page.getByRole("region", { name: "Avalanche", exact: true })).toHaveCount(0);
    await expect(page.getByText("Recommended")).toHaveCount(0);
    await expect(page.getByText(/monthly_budget/)).toHaveCount(0);
    expect(calls.filter((call) => call === "POST /v1/debt-optimiser").length).toBe(before);
    await expect(toasts(page)).toHaveCount(0);
  });
});

test.describe("2. long merchant names @phone", () => {
  test.use({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });

  test("a 100-character merchant (the longest the API takes) keeps the payments screen at 375 px", async ({ page, request }) => {
    const who = await customer(request, "merchant", "500.00");
    const merchant = `Very${"Long".repeat(23)}Shop`;
    expect(merchant).toHaveLength(100);
    await ok(await request.post("/v1/payment", { headers: who.auth, data: { wallet_id: who.walletId, merchant, amount: "12.00" } }), 202);
    await signIn(page, who.email, PASSWORD);
    await page.goto("/payments");
    const form = page.getByRole("region", { name: "Pay a merchant", exact: true });
    await form.getByLabel("Merchant", { exact: true }).fill(merchant);
    await form.getByLabel("Amount", { exact: true }).fill("3.00");
    await form.getByRole("button", { name: "Pay", exact: true }).click();
    await confirmDialog(page, /^Pay \$3\.00 to/, "Pay");
    await expect(page.getByTestId("latest-payment").getByTestId("payment-status")).toHaveText("Successful");
    await expect(page.getByTestId("payment-row")).toHaveCount(2);
    const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, window.innerWidth));
    expect(width).toBeLessThanOrEqual(375);
    for (const row of await page.getByTestId("payment-row").all()) {
      const status = await row.getByTestId("payment-status").boundingBox();
      expect(status && status.x + status.width).toBeLessThanOrEqual(375);
    }
  });
});

test.describe("3. toasts", () => {
  test("on a phone they sit at the bottom, clear of the Menu button, and close with a button @phone", async ({ page, request }) => {
    await page.setViewportSize({ width: 375, height: 740 });
    const who = await customer(request, "toast-phone", "100.00");
    await signIn(page, who.email, PASSWORD);
    await page.goto("/wallet");
    const form = page.getByRole("region", { name: "Deposit", exact: true });
    await form.getByLabel("Amount").fill("5");
    await form.getByRole("button", { name: "Deposit" }).click();
    await confirmDialog(page, /^Deposit \$/, "Deposit");
    const shown = toast(page, "Deposit complete");
    await expect(shown).toBeVisible();
    const [box, menu] = [await shown.boundingBox(), await page.getByRole("button", { name: "Menu" }).boundingBox()];
    expect(box && menu).toBeTruthy();
    if (box && menu) {
      expect(overlaps(box, menu)).toBe(false);
      expect(box.y).toBeGreaterThan(740 / 2);
    }
    // At rest (its entrance finished, paused by the pointer so its exit cannot start), in both
    // themes, the toast passes axe on its own.
    await shown.hover({ position: { x: 8, y: 8 } });
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await page.evaluate(() =>
        Promise.all(
          document
            .getAnimations()
            .filter((a) => a.effect?.getTiming().iterations !== Number.POSITIVE_INFINITY)
            .map((a) => a.finished.catch(() => undefined)),
        ),
      );
      const results = await new AxeBuilder({ page }).include("[data-toast-type]").withTags(["wcag2a", "wcag2aa"]).analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.failureSummary).join("; ")}`)).toEqual([]);
    }
    await shown.getByRole("button", { name: "Dismiss" }).click();
    await expect(shown).toHaveCount(0);
  });

  test("on a desktop they stay clear of the name and Sign out, and at most three show at once", async ({ page, request }) => {
    const who = await customer(request, "toast-desktop", "100.00");
    await signIn(page, who.email, PASSWORD);
    await page.goto("/wallet");
    const exportCsv = page.getByRole("button", { name: "Export CSV" });
    for (let i = 0; i < 4; i++) {
      await exportCsv.click();
      await expect(exportCsv).toBeEnabled();
    }
    await expect(toast(page, "Exported 1 transaction")).toHaveCount(3);
    const signOut = await page.getByRole("button", { name: "Sign out" }).boundingBox();
    for (const shown of await toasts(page).all()) {
      const box = await shown.boundingBox();
      if (box && signOut) expect(overlaps(box, signOut)).toBe(false);
    }
  });

  test("a failed sign-in is said once, on the form, and does not follow to sign-up", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(unique("nobody"));
    await page.getByLabel("Password").fill("Wrong-password-1234!");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /invalid|incorrect|wrong/i })).toBeVisible();
    await expect(toasts(page)).toHaveCount(0);
    await page.getByRole("link", { name: "Create an account" }).click();
    await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
    await expect(toasts(page)).toHaveCount(0);
  });
});

test.describe("4. payment toasts", () => {
  test("a payment warned as likely refused gets no green toast, and its refusal gets a red one", async ({ page, request }) => {
    const who = await customer(request, "refused", "20.00");
    await signIn(page, who.email, PASSWORD);
    await page.goto("/payments");
    const form = page.getByRole("region", { name: "Pay a merchant", exact: true });
    await form.getByLabel("Merchant", { exact: true }).fill("Big Store");
    await form.getByLabel("Amount", { exact: true }).fill("500.00");
    await form.getByRole("button", { name: "Pay", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Pay $500.00 to Big Store?" });
    await expect(dialog).toContainText("most likely be refused");
    await dialog.getByRole("button", { name: "Pay", exact: true }).click();
    await expect(toast(page, "Payment of $500.00 to Big Store refused: Not enough money in the wallet")).toHaveAttribute(
      "data-toast-type",
      "error",
    );
    await expect(page.locator('[data-toast-type="success"]')).toHaveCount(0);
  });
});

test.describe("5. repay", () => {
  test("a repayment above the wallet's balance is stopped before it is sent", async ({ page, request }) => {
    const who = await customer(request, "repay");
    const loanId = await approvedLoan(request, who, "1200.00", "Bike");
    await ok(await request.post(`/v1/wallet/${who.walletId}/debit`, { headers: who.auth, data: { amount: "1150.00" } }));
    await signIn(page, who.email, PASSWORD);
    const calls = apiCalls(page);
    await page.goto(`/loans/${loanId}`);
    const repay = page.getByRole("region", { name: "Repay", exact: true });
    await expect(repay).toContainText("Spendable balance: $50.00");
    await repay.getByLabel("Repayment amount").fill("200.00");
    await repay.getByRole("button", { name: "Repay", exact: true }).click();
    await expect(repay.getByText("That is more than your spendable balance ($50.00). Add money to your wallet first.")).toBeVisible();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    expect(calls.filter((call) => call.endsWith("/repay"))).toEqual([]);
    await expect(toast(page, "Repayment requested")).toHaveCount(0);
  });
});

test.describe("6. savings", () => {
  test("an add is capped at the target, a redeemed goal reads as reached, history shows the goal's own amount", async ({
    page,
    request,
  }) => {
    const who = await customer(request, "saver", "1000.00");
    const { goal } = await ok<{ goal: { goal_id: string } }>(
      await request.post("/v1/savings-goal", {
        headers: who.auth,
        data: { wallet_id: who.walletId, goal_name: "Bike", target_amount: "200.00" },
      }),
      201,
    );
    await ok(await request.post(`/v1/savings-goal/${goal.goal_id}/add`, { headers: who.auth, data: { amount: "50.00" } }));
    await signIn(page, who.email, PASSWORD);
    await page.goto("/savings");
    const bike = page.getByTestId("goal-card").filter({ has: page.getByRole("heading", { name: "Bike" }) });
    await bike.getByLabel("Add to Bike").fill("500");
    await bike.getByRole("button", { name: "Add", exact: true }).click();
    await confirmDialog(page, "Add $150.00 instead?", "Add $150.00");
    await confirmDialog(page, "Move $150.00 to “Bike”?", "Add to goal");
    await expect(bike.getByTestId("goal-amounts")).toHaveText("$200.00 of $200.00");

    await bike.getByText("Contribution history").click();
    await expect(bike.getByTestId("goal-move-after")).toHaveText(["In the goal $200.00", "In the goal $50.00"]);

    await bike.getByRole("button", { name: "Redeem" }).click();
    await confirmDialog(page, "Redeem “Bike”?", "Redeem");
    await expect(bike.getByTestId("goal-amounts")).toHaveText("$200.00 target reached and redeemed");
    await expect(bike.getByRole("progressbar", { name: "Bike progress" })).toHaveAttribute("aria-valuenow", "100");
    await expect(bike).not.toContainText("0% saved");

    await bike.getByRole("button", { name: "Archive" }).click();
    await expect(bike).toHaveCount(0);
    await page.reload();
    await expect(page.getByText("No goals yet")).toBeVisible();
  });

  test("a goal can be edited (name, target, date), not below what is saved", async ({ page, request }) => {
    const who = await customer(request, "editor", "1000.00");
    const { goal } = await ok<{ goal: { goal_id: string } }>(
      await request.post("/v1/savings-goal", {
        headers: who.auth,
        data: { wallet_id: who.walletId, goal_name: "Trip", target_amount: "300.00" },
      }),
      201,
    );
    await ok(await request.post(`/v1/savings-goal/${goal.goal_id}/add`, { headers: who.auth, data: { amount: "120.00" } }));
    await signIn(page, who.email, PASSWORD);
    await page.goto("/savings");
    const card = page.getByTestId("goal-card");
    await card.getByRole("button", { name: "Edit Trip" }).click();
    const edit = page.getByRole("form", { name: "Edit Trip" });
    await edit.getByLabel("Target amount").fill("100");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await expect(edit.getByText("must be at least the 120.00 already saved")).toBeVisible();
    await edit.getByLabel("Goal name").fill("Trip to Lisbon");
    await edit.getByLabel("Target amount").fill("400");
    await edit.getByLabel("Target date (optional)").fill("2031-05-01");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await expect(card.getByRole("heading", { name: "Trip to Lisbon" })).toBeVisible();
    await expect(card.getByTestId("goal-amounts")).toHaveText("$120.00 of $400.00 · by May 1, 2031");
    await page.reload();
    await expect(page.getByTestId("goal-amounts")).toHaveText("$120.00 of $400.00 · by May 1, 2031");
  });

  test("deleting a goal can be undone for a few seconds, and nothing is deleted then", async ({ page, request }) => {
    const who = await customer(request, "undo", "100.00");
    await ok(
      await request.post("/v1/savings-goal", {
        headers: who.auth,
        data: { wallet_id: who.walletId, goal_name: "Sofa", target_amount: "90.00" },
      }),
      201,
    );
    await signIn(page, who.email, PASSWORD);
    const calls = apiCalls(page);
    await page.goto("/savings");
    const sofa = page.getByTestId("goal-card").filter({ has: page.getByRole("heading", { name: "Sofa" }) });
    await sofa.getByRole("button", { name: "Delete" }).click();
    await confirmDialog(page, "Delete “Sofa”?", "Delete goal");
    await expect(sofa).toHaveCount(0);
    await toast(page, "“Sofa” will be deleted.").getByRole("button", { name: "Undo" }).click();
    await expect(sofa).toBeVisible();
    await page.waitForTimeout(6000);
    expect(calls.filter((call) => call.startsWith("DELETE"))).toEqual([]);
    await page.reload();
    await expect(sofa).toBeVisible();
  });
});

test.describe("7. charts", () => {
  test("the balance chart has a real time axis and money in/out leaves savings and loans out", async ({ page, request }) => {
    const who = await customer(request, "charts", "2450.00");
    for (const amount of ["180.25", "75.00"]) {
      await ok(await request.post(`/v1/wallet/${who.walletId}/credit`, { headers: who.auth, data: { amount } }));
    }
    const { goal } = await ok<{ goal: { goal_id: string } }>(
      await request.post("/v1/savings-goal", {
        headers: who.auth,
        data: { wallet_id: who.walletId, goal_name: "Car", target_amount: "900.00" },
      }),
      201,
    );
    await ok(await request.post(`/v1/savings-goal/${goal.goal_id}/add`, { headers: who.auth, data: { amount: "400.00" } }));
    await signIn(page, who.email, PASSWORD);
    await page.goto("/");
    const balance = page.getByRole("figure", { name: /Balance over time/ });
    await expect(balance.locator(".recharts-surface")).toBeVisible();
    const xTick = balance.locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value");
    await expect(xTick.first()).toBeVisible();
    // The four moves happened within seconds: labels to the second, none repeated.
    const xTicks = await xTick.allTextContents();
    expect(xTicks.length).toBeGreaterThan(0);
    expect(new Set(xTicks).size).toBe(xTicks.length);
    for (const label of xTicks) expect(label).toMatch(/^\d{1,2}:\d{2}:\d{2}\s?[AP]M$/);
    // Round y steps (1, 2 or 5 × 10^n): with a top near $2,700 that is $500 steps, never $950 or $1.9K.
    const yTicks = await balance.locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value").allTextContents();
    expect(yTicks).toEqual(["$0", "$500", "$1K", "$1.5K", "$2K", "$2.5K", "$3K"]);

    const flow = page.getByRole("figure", { name: /Money in and out/ });
    await expect(flow).toContainText("$2,705.25 income and $0.00 spending");
    await expect(flow).toContainText("Moves to and from your savings goals are left out");
    await expect(flow.locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value")).toHaveText(["Deposit"]);
    await expect(flow.locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value")).toHaveText([
      "$0",
      "$500",
      "$1K",
      "$1.5K",
      "$2K",
      "$2.5K",
      "$3K",
    ]);
  });

  test("identical avalanche and snowball plans are named as one line in the legend", async ({ page, request }) => {
    const who = await customer(request, "same-plan");
    await signIn(page, who.email, PASSWORD);
    await page.goto("/debt-optimiser");
    await page.getByLabel("Monthly budget for debt").fill("300");
    await page.getByRole("button", { name: "Remove debt 2" }).click();
    const only = page.getByRole("group", { name: "Debt 1", exact: true });
    await only.getByLabel("Balance").fill("1500");
    await only.getByLabel("APR").fill("18");
    await only.getByLabel("Minimum payment").fill("50");
    await page.getByRole("button", { name: "Compare strategies" }).click();
    const chart = page.getByRole("figure", { name: /Total balance over time/ });
    await expect(chart.locator(".recharts-legend-item")).toContainText(["Avalanche and snowball (the same plan)", "Minimum payments only"]);
    await expect(chart.locator(".recharts-line path.recharts-curve")).toHaveCount(2);
  });
});

test.describe("8. transactions", () => {
  test("payment and loan rows say who and what for", async ({ page, request }) => {
    const who = await customer(request, "rows", "300.00");
    await ok(
      await request.post("/v1/payment", {
        headers: who.auth,
        data: { wallet_id: who.walletId, merchant: "Blue Bottle Coffee", amount: "4.75" },
      }),
      202,
    );
    await approvedLoan(request, who, "600.00", "New laptop");
    await signIn(page, who.email, PASSWORD);
    await page.goto("/wallet");
    const titles = page.getByTestId("transaction-title");
    await expect(titles.filter({ hasText: "Payment to Blue Bottle Coffee" })).toHaveCount(1);
    await expect(titles.filter({ hasText: "Loan disbursed for “New laptop”" })).toHaveCount(1);
  });
});

test.describe("9. dark mode", () => {
  test("follows the system setting, and the switch overrides it and is remembered", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/sign-in");
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    const body = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.getByLabel("Theme").selectOption("light");
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(body);
    await page.reload();
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
    await page.getByLabel("Theme").selectOption("system");
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  });
});

test.describe("10. first steps", () => {
  test("a new user's dashboard explains the three first steps, with links", async ({ page }) => {
    const email = unique("first");
    expect((await page.request.post("/v1/auth/signup", { data: { email, password: PASSWORD } })).status()).toBe(201);
    await page.goto("/");
    const steps = page.getByTestId("first-steps");
    await expect(steps.getByRole("link")).toHaveText(["Create a wallet and add money", "Set a goal", "Try a payment"]);
    for (const [name, href] of [
      ["Create a wallet and add money", "/wallet"],
      ["Set a goal", "/savings"],
      ["Try a payment", "/payments"],
    ]) {
      await expect(steps.getByRole("link", { name })).toHaveAttribute("href", href);
    }
    await steps.getByRole("link", { name: "Set a goal" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Savings goals" })).toBeVisible();
  });
});
