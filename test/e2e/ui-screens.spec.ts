import AxeBuilder from "@axe-core/playwright";
import { type APIRequestContext, expect, type Page, type TestInfo, test } from "@playwright/test";
import { ADMIN, signIn, watchErrors } from "./support/app";
import { AXE_TAGS } from "./support/check-screen";

/**
 * Every screen of the UI, seeded with realistic data, at the project's width (desktop 1280 px,
 * phone 375 px) and once at 360 px: no serious or critical axe violations, no console or page
 * errors, no horizontal overflow, and a full-page screenshot of each kept under test-results/.
 */

const PASSWORD = "Quiet-Harbor-7-Lantern";

type Seed = { email: string; walletId: string; approvedLoanId: string; pendingLoanId: string };

async function json<T>(response: Awaited<ReturnType<APIRequestContext["get"]>>, status: number): Promise<T> {
  expect(response.status(), await response.text()).toBe(status);
  return (await response.json()) as T;
}

async function tokenFor(request: APIRequestContext, email: string, name?: string): Promise<string> {
  const signup = await request.post("/v1/auth/signup", { data: { email, password: PASSWORD, ...(name ? { name } : {}) } });
  if (signup.status() === 201) return (await signup.json()).token;
  return (await json<{ token: string }>(await request.post("/v1/auth/login", { data: { email, password: PASSWORD } }), 200)).token;
}

/** A customer with a funded wallet, payments, an approved (and partly repaid) loan, a pending one and goals. */
async function seed(request: APIRequestContext, tag: string): Promise<Seed> {
  const email = `screens-${tag}-${Date.now()}@example.com`;
  const auth = { authorization: `Bearer ${await tokenFor(request, email, "Alex Morgan")}` };
  const admin = { authorization: `Bearer ${await tokenFor(request, ADMIN.email)}` };
  const { wallet } = await json<{ wallet: { wallet_id: string } }>(await request.post("/v1/wallet", { headers: auth, data: {} }), 201);
  const walletId = wallet.wallet_id;

  for (const [amount, description] of [
    ["2450.00", "Salary"],
    ["180.25", "Freelance invoice #42"],
    ["75.00", "Refund"],
  ] as const) {
    await json(await request.post(`/v1/wallet/${walletId}/credit`, { headers: auth, data: { amount, description } }), 200);
  }
  await json(await request.post(`/v1/wallet/${walletId}/debit`, { headers: auth, data: { amount: "60.00", description: "ATM" } }), 200);

  const payments: string[] = [];
  for (const [merchant, amount, description] of [
    ["Blue Bottle Coffee", "4.75", "Flat white"],
    ["City Electric", "86.40", "November bill"],
    ["Grocer & Sons", "132.18", undefined],
  ] as const) {
    const { payment } = await json<{ payment: { transaction_id: string } }>(
      await request.post("/v1/payment", { headers: auth, data: { wallet_id: walletId, merchant, amount, description } }),
      202,
    );
    payments.push(payment.transaction_id);
  }

  const { loan: approved } = await json<{ loan: { loan_id: string } }>(
    await request.post("/v1/loan", {
      headers: auth,
      data: { wallet_id: walletId, amount: "1200.00", loan_term_months: 12, purpose: "Laptop for work" },
    }),
    201,
  );
  await json(await request.post(`/v1/loan/${approved.loan_id}/approve`, { headers: admin }), 200);
  await expect
    .poll(async () => (await (await request.get(`/v1/loan/${approved.loan_id}`, { headers: auth })).json()).loan.disbursed_at, {
      timeout: 10_000,
    })
    .not.toBeNull();
  await json(await request.post(`/v1/loan/${approved.loan_id}/repay`, { headers: auth, data: { amount: "150.00" } }), 202);

  const { loan: pending } = await json<{ loan: { loan_id: string } }>(
    await request.post("/v1/loan", {
      headers: auth,
      data: { wallet_id: walletId, amount: "3500.00", loan_term_months: 18, purpose: "Van repairs" },
    }),
    201,
  );

  const { goal } = await json<{ goal: { goal_id: string } }>(
    await request.post("/v1/savings-goal", {
      headers: auth,
      data: { wallet_id: walletId, goal_name: "Summer holiday", target_amount: "1500.00", target_date: "2027-07-01" },
    }),
    201,
  );
  await json(await request.post(`/v1/savings-goal/${goal.goal_id}/add`, { headers: auth, data: { amount: "420.00" } }), 200);
  const { goal: fund } = await json<{ goal: { goal_id: string } }>(
    await request.post("/v1/savings-goal", {
      headers: auth,
      data: { wallet_id: walletId, goal_name: "Emergency fund", target_amount: "200.00" },
    }),
    201,
  );
  await json(await request.post(`/v1/savings-goal/${fund.goal_id}/add`, { headers: auth, data: { amount: "200.00" } }), 200);

  // Sagas settle in the background: wait so the screens show final statuses, not a moving target.
  for (const id of payments) {
    await expect
      .poll(async () => (await (await request.get(`/v1/payment/${id}`, { headers: auth })).json()).payment.status, { timeout: 10_000 })
      .not.toBe("PENDING");
  }
  await expect
    .poll(
      async () =>
        (await (await request.get(`/v1/loan/${approved.loan_id}/repayments`, { headers: auth })).json()).repayments.every(
          (r: { status: string }) => r.status !== "PENDING",
        ),
      { timeout: 10_000 },
    )
    .toBe(true);

  return { email, walletId, approvedLoanId: approved.loan_id, pendingLoanId: pending.loan_id };
}

let seeded: Seed;

test.beforeAll(async ({ playwright }, testInfo) => {
  const request = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  seeded = await seed(request, testInfo.project.name);
  await request.dispose();
});

/** The cookie session, from the login endpoint (page.request shares the browser's cookie jar). */

/** Loaded: a heading, nothing busy, no skeleton placeholders and no "Loading…" announcements left. */
async function settled(page: Page) {
  await expect(page.getByRole("heading", { level: 1 })).toBeAttached();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await expect(page.locator('[class*="animate-pulse"][class*="bg-slate-200"]')).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
  await page.evaluate(() => document.fonts.ready);
  // A toast fading in or out is, to axe, text at a few per cent opacity, and one left showing starts
  // its exit fade at a moment of its own (possibly while axe reads the page). So the screen is checked
  // without them: each is closed with its own button and gone before axe runs. Toasts at rest have an
  // axe check of their own in ui-day-to-day.spec.ts.
  await page.evaluate(() => {
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-toast-type] button[aria-label="Dismiss"]')) button.click();
  });
  await expect(page.locator("[data-toast-type]")).toHaveCount(0, { timeout: 10_000 });
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Number.POSITIVE_INFINITY)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
}

/** Each screen in both themes: light, then dark (the system setting the UI follows), then back. */
async function checkScreen(page: Page, testInfo: TestInfo, screen: string, errors: string[], width?: number) {
  // Two themes per screen: each check gets its own time on top of the test's.
  testInfo.setTimeout(testInfo.timeout + 45_000);
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator("html")).toHaveClass(colorScheme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b).*$/);
    await checkTheme(page, testInfo, colorScheme === "dark" ? `${screen}-dark` : screen, errors, width);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

async function checkTheme(page: Page, testInfo: TestInfo, screen: string, errors: string[], width?: number) {
  await settled(page);
  const label = width ? `${screen}-${width}px` : `${screen}-${testInfo.project.name}`;

  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const severe = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = severe
    .map((v) => `[${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `   ${n.target.join(" ")} ${n.failureSummary ?? ""}`).join("\n")}`)
    .join("\n");
  if (report) console.log(`axe on ${label}:\n${report}`);

  // With isMobile the layout viewport grows to fit wide content (window.innerWidth with it), so the
  // limit is the device width that was asked for.
  const viewport = page.viewportSize()?.width ?? 0;
  const overflow = await page.evaluate((limit) => {
    const sticksOut = (el: Element) => el.getBoundingClientRect().right > limit + 0.5;
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      // The outermost elements that stick out while their parent does not: where to look.
      culprits: [...document.querySelectorAll("body *")]
        .filter((el) => sticksOut(el) && el.parentElement !== null && !sticksOut(el.parentElement))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${String(el.getAttribute("class") ?? "").slice(0, 80)}`),
    };
  }, viewport);

  // From the top, so the sticky header sits where it belongs in the full-page picture.
  await page.evaluate(() => window.scrollTo(0, 0));
  const path = testInfo.outputPath(`${label}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(label, { path, contentType: "image/png" });

  expect.soft(report, `serious/critical axe violations on ${label}`).toBe("");
  expect
    .soft(Math.max(overflow.scrollWidth, overflow.innerWidth), `horizontal overflow on ${label}: ${overflow.culprits.join(", ")}`)
    .toBeLessThanOrEqual(viewport);
  expect.soft(errors, `console/page errors on ${label}`).toEqual([]);
  errors.length = 0;
}

/** Three debts and a budget, compared: the optimiser's results (verdict, plans, chart, month by month). */
async function compareDebtStrategies(page: Page) {
  await page.goto("/debt-optimiser");
  await page.getByLabel("Monthly budget for debt").fill("650");
  const debts = [
    ["Credit card", "2400", "19.99", "60"],
    ["Car loan", "8500", "6.5", "180"],
    ["Store card", "640", "12.9", "25"],
  ];
  await page.getByRole("button", { name: "Add a debt" }).click();
  for (const [index, [name, balance, apr, minimum]] of debts.entries()) {
    const row = page.getByRole("group", { name: `Debt ${index + 1}`, exact: true });
    await row.getByLabel("Name").fill(name);
    await row.getByLabel("Balance").fill(balance);
    await row.getByLabel("APR").fill(apr);
    await row.getByLabel("Minimum payment").fill(minimum);
  }
  await page.getByRole("button", { name: "Compare strategies" }).click();
  await expect(page.getByRole("heading", { name: "Month by month" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Total balance over time" })).toBeVisible();
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
}

test.describe("public screens @phone", () => {
  test("sign-in", async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await page.goto("/sign-in");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await checkScreen(page, testInfo, "sign-in", errors);
  });

  test("sign-up", async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await page.goto("/sign-up");
    await expect(page.getByRole("heading", { name: /create|sign up/i })).toBeVisible();
    await checkScreen(page, testInfo, "sign-up", errors);
  });

  test("sign-in by keyboard: Tab reaches email, password, submit in order and Enter submits", async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto("/sign-in");
    const email = page.getByLabel("Email");
    const password = page.getByLabel("Password");
    const submit = page.getByRole("button", { name: "Sign in" });
    await expect(submit).toBeVisible();
    await page.keyboard.press("Tab");
    await expect(email).toBeFocused();
    await page.keyboard.type(seeded.email);
    await page.keyboard.press("Tab");
    await expect(password).toBeFocused();
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Tab");
    await expect(submit).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { level: 1, name: /Hello/ })).toBeVisible();
    expect(errors).toEqual([]);
  });
});

test.describe("signed-in screens @phone", () => {
  let errors: string[];
  test.beforeEach(async ({ page }) => {
    errors = watchErrors(page);
    await signIn(page, seeded.email, PASSWORD);
  });

  test("dashboard", async ({ page }, testInfo) => {
    await page.goto("/");
    await expect(page.getByTestId("balance")).not.toHaveText("$0.00");
    await expect(page.getByRole("figure", { name: "Balance over time" })).toBeVisible();
    await expect(page.getByRole("figure", { name: "Money in and out by type" })).toBeVisible();
    await expect(page.locator(".recharts-surface").first()).toBeVisible();
    await checkScreen(page, testInfo, "dashboard", errors);
  });

  test("wallet", async ({ page }, testInfo) => {
    await page.goto("/wallet");
    await expect(page.getByTestId("transaction-row").first()).toBeVisible();
    await checkScreen(page, testInfo, "wallet", errors);
  });

  test("loans", async ({ page }, testInfo) => {
    await page.goto("/loans");
    await expect(page.getByTestId("loan-row")).toHaveCount(2);
    await page.getByLabel("Amount").fill("2500");
    await expect(page.getByTestId("quote-payment")).toBeVisible();
    await page.getByText("Repayment schedule (estimate)").click();
    await checkScreen(page, testInfo, "loans", errors);
  });

  test("loan detail", async ({ page }, testInfo) => {
    await page.goto(`/loans/${seeded.approvedLoanId}`);
    await expect(page.getByTestId("loan-status")).toHaveAttribute("data-status", "APPROVED");
    await expect(page.getByTestId("repayment-row")).toHaveCount(1);
    await expect(page.getByRole("table", { name: "Repayment schedule" })).toBeVisible();
    await checkScreen(page, testInfo, "loan-detail", errors);
  });

  test("payments", async ({ page }, testInfo) => {
    await page.goto("/payments");
    await expect(page.getByTestId("payment-row")).toHaveCount(3);
    await checkScreen(page, testInfo, "payments", errors);
  });

  test("savings", async ({ page }, testInfo) => {
    await page.goto("/savings");
    await expect(page.getByTestId("goal-card")).toHaveCount(2);
    await checkScreen(page, testInfo, "savings", errors);
  });

  test("debt optimiser with results", async ({ page }, testInfo) => {
    await compareDebtStrategies(page);
    await checkScreen(page, testInfo, "debt-optimiser", errors);
  });

  test("settings", async ({ page }, testInfo) => {
    await page.goto("/settings");
    await expect(page.getByTestId("session-row").first()).toContainText("This device");
    await expect(page.getByTestId("two-factor-status")).toHaveText("Off");
    await checkScreen(page, testInfo, "settings", errors);
  });

  test("not found", async ({ page }, testInfo) => {
    await page.goto("/no-such-page");
    await expect(page.getByText("Page not found").first()).toBeVisible();
    await checkScreen(page, testInfo, "not-found", errors);
  });
});

test.describe("empty states @phone", () => {
  test("a new customer without a wallet", async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    const email = `screens-empty-${testInfo.project.name}-${Date.now()}@example.com`;
    expect((await page.request.post("/v1/auth/signup", { data: { email, password: PASSWORD } })).status()).toBe(201);
    for (const [screen, path] of [
      ["dashboard-empty", "/"],
      ["wallet-empty", "/wallet"],
    ] as const) {
      await page.goto(path);
      await expect(page.getByText("You don't have a wallet yet")).toBeVisible();
      await checkScreen(page, testInfo, screen, errors);
    }
  });
});

test.describe("admin screen @phone", () => {
  test("admin", async ({ page }, testInfo) => {
    const errors = watchErrors(page);
    await signIn(page, ADMIN.email, PASSWORD);
    await page.goto("/admin");
    await expect(page.getByTestId("pending-loan").first()).toBeVisible();
    await expect(page.getByTestId("reconciliation-status")).toBeVisible();
    await checkScreen(page, testInfo, "admin", errors);
  });
});

// Once per run (not tagged @phone, so only the desktop project runs it), as a 360 px phone.
test.describe("360 px", () => {
  test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

  test("every signed-in screen fits 360 px", async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    const errors = watchErrors(page);
    for (const screen of ["sign-in", "sign-up"]) {
      await page.goto(`/${screen}`);
      await checkScreen(page, testInfo, screen, errors, 360);
    }
    await signIn(page, seeded.email, PASSWORD);
    for (const [screen, path] of [
      ["dashboard", "/"],
      ["wallet", "/wallet"],
      ["loans", "/loans"],
      ["loan-detail", `/loans/${seeded.approvedLoanId}`],
      ["payments", "/payments"],
      ["savings", "/savings"],
      ["settings", "/settings"],
      ["not-found", "/no-such-page"],
    ] as const) {
      await page.goto(path);
      await checkScreen(page, testInfo, screen, errors, 360);
    }
    await compareDebtStrategies(page);
    await checkScreen(page, testInfo, "debt-optimiser", errors, 360);
  });
});
