import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { customer as account, type Customer, ok, signIn } from "./support/app";
import { checkScreen } from "./support/check-screen";

/**
 * Several wallets, and a history that can be searched and narrowed to dates: the wallet picker
 * (new, rename, switch, the 10-wallet limit), the history's search box and date range, and each
 * row naming its counterparty, at desktop and phone widths, in both themes.
 */

const PASSWORD = "Correct-horse-battery-42!";
// The API takes merchants of up to 100 characters and descriptions of up to 200.
const LONG_MERCHANT = `Very Long Merchant Name ${"Trading Company ".repeat(12)}`.slice(0, 100).trim();
const LONG_DESCRIPTION = `A deposit described at length: ${"the quick brown fox jumps over the lazy dog ".repeat(6)}`.slice(0, 200).trim();

/** A customer made through the API, with one wallet ("Main") holding `deposit` dollars. */
function customer(request: APIRequestContext, label: string, deposit: string, description = "Salary"): Promise<Customer> {
  const email = `wallets-${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  return account(request, { email, password: PASSWORD, deposit, description });
}

/** A payment, waited for until the wallet has settled it. */
async function pay(request: APIRequestContext, who: Customer, merchant: string, amount: string) {
  const { payment } = await ok<{ payment: { transaction_id: string } }>(
    await request.post("/v1/payment", { headers: who.auth, data: { wallet_id: who.walletId, merchant, amount } }),
    202,
  );
  await expect
    .poll(async () => (await (await request.get(`/v1/payment/${payment.transaction_id}`, { headers: who.auth })).json()).payment.status)
    .toBe("SUCCESSFUL");
}

const picker = (page: Page) => page.getByLabel("Wallet", { exact: true });

async function deposit(page: Page, amount: string) {
  const form = page.getByRole("region", { name: "Deposit" });
  await form.getByLabel("Amount").fill(amount);
  await form.getByRole("button", { name: "Deposit" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Deposit" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
}

test.describe("several wallets @phone", () => {
  test("create a second wallet, rename it, deposit into each and switch between them", async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    const who = await customer(page.request, "switch", "100.00");
    await signIn(page, who.email, PASSWORD);
    await page.goto("/wallet");
    await expect(picker(page)).toHaveValue(who.walletId);
    await expect(page.getByTestId("balance")).toHaveText("$100.00");

    // New wallet, named.
    await page.getByRole("button", { name: "New wallet" }).click();
    const create = page.getByRole("dialog", { name: "New wallet" });
    await expect(create.getByLabel("Name (optional)")).toBeFocused();
    await create.getByLabel("Name (optional)").fill("Holidays");
    await checkScreen(page, testInfo, "wallets", "new-wallet-dialog");
    await create.getByRole("button", { name: "Create wallet" }).click();
    await expect(create).toBeHidden();
    await expect(picker(page).locator("option:checked")).toHaveText("Holidays · $0.00");
    await expect(page.getByTestId("balance")).toHaveText("$0.00");
    await expect(page.getByText("No transactions yet")).toBeVisible();

    // Rename: the form refuses a blank name, then the new name shows everywhere.
    await page.getByRole("button", { name: "Rename wallet Holidays" }).click();
    const rename = page.getByRole("dialog", { name: "Rename “Holidays”" });
    await rename.getByLabel("Name", { exact: true }).fill("   ");
    await rename.getByRole("button", { name: "Save name" }).click();
    await expect(rename.getByText("Name is required")).toBeVisible();
    await expect(rename.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await checkScreen(page, testInfo, "wallets", "rename-dialog");
    await rename.getByLabel("Name", { exact: true }).fill("Holiday fund");
    await rename.getByLabel("Name", { exact: true }).press("Enter");
    await expect(rename).toBeHidden();
    await expect(picker(page).locator("option:checked")).toHaveText("Holiday fund · $0.00");

    // A deposit goes into the chosen wallet only.
    await deposit(page, "25.00");
    await expect(page.getByTestId("balance")).toHaveText("$25.00");
    await expect(page.getByTestId("transaction-row")).toHaveCount(1);

    await picker(page).selectOption({ label: "Main · $100.00" });
    await expect(page.getByTestId("balance")).toHaveText("$100.00");
    await deposit(page, "5.00");
    await expect(page.getByTestId("balance")).toHaveText("$105.00");
    await expect(page.getByTestId("transaction-row")).toHaveCount(2);

    // Back to the other wallet: its own balance and history; the choice outlives a reload and
    // follows the person to the dashboard.
    await picker(page).selectOption({ label: "Holiday fund · $25.00" });
    await expect(page.getByTestId("balance")).toHaveText("$25.00");
    await expect(page.getByTestId("transaction-row")).toHaveCount(1);
    await page.reload();
    await expect(picker(page).locator("option:checked")).toHaveText("Holiday fund · $25.00");
    await page.goto("/");
    await expect(page.getByTestId("balance")).toHaveText("$25.00");
    await checkScreen(page, testInfo, "wallets", "dashboard-two-wallets");

    // The API agrees.
    const { wallets } = await ok<{ wallets: { name: string; balance: string }[] }>(
      await page.request.get("/v1/wallet", { headers: who.auth }),
    );
    expect(wallets.map((w) => [w.name, w.balance])).toEqual([
      ["Main", "105.00"],
      ["Holiday fund", "25.00"],
    ]);
  });

  test("at 10 wallets, New wallet is unavailable and says why", async ({ page }) => {
    const who = await customer(page.request, "limit", "1.00");
    for (let i = 2; i <= 10; i++) await ok(await page.request.post("/v1/wallet", { headers: who.auth, data: { name: `Pot ${i}` } }), 201);
    await signIn(page, who.email, PASSWORD);
    await page.goto("/payments");
    await expect(picker(page).locator("option")).toHaveCount(10);
    await expect(page.getByRole("button", { name: "New wallet" })).toBeDisabled();
    await expect(page.getByText("You have 10 wallets, the most one person can have")).toBeVisible();
  });
});

test.describe("history search and dates @phone", () => {
  test("search by merchant, narrow by dates, and see each row's counterparty", async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    const who = await customer(page.request, "search", "200.00");
    await pay(page.request, who, "Corner Cafe", "4.50");
    await pay(page.request, who, "City Electric", "60.00");
    await signIn(page, who.email, PASSWORD);
    await page.goto("/wallet");

    const titles = page.getByTestId("transaction-title");
    await expect(titles).toHaveText(["Payment to City Electric", "Payment to Corner Cafe", "Deposit"]);
    await expect(page.getByTestId("transaction-row").filter({ hasText: "Deposit" })).toContainText("Salary");

    await page.getByLabel("Search", { exact: true }).fill("corner");
    await expect(titles).toHaveText(["Payment to Corner Cafe"]);
    await expect(page).toHaveURL(/[?&]q=corner/);

    // Today, as the browser's calendar has it: today's transactions are in, an old range has none.
    const today = await page.evaluate(() => {
      const d = new Date();
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    });
    await page.getByLabel("From", { exact: true }).fill(today);
    await page.getByLabel("To", { exact: true }).fill(today);
    await expect(titles).toHaveText(["Payment to Corner Cafe"]);
    await checkScreen(page, testInfo, "wallets", "history-filtered");

    await page.getByLabel("From", { exact: true }).fill("2020-01-01");
    await page.getByLabel("To", { exact: true }).fill("2020-01-31");
    await expect(page.getByText("No matching transactions")).toBeVisible();
    await expect(titles).toHaveCount(0);
    await checkScreen(page, testInfo, "wallets", "history-no-matches");

    // An end before the start is refused on the field.
    await page.getByLabel("From", { exact: true }).fill("2020-02-01");
    await expect(page.getByText("The end date is before the start date").first()).toBeVisible();

    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await expect(page.getByLabel("Search", { exact: true })).toHaveValue("");
    await expect(titles).toHaveCount(3);
  });

  test("a long merchant and a 200-character description are truncated on the row and in full in their titles", async ({
    page,
  }, testInfo) => {
    const who = await customer(page.request, "long", "50.00", LONG_DESCRIPTION);
    await pay(page.request, who, LONG_MERCHANT, "1.00");
    await signIn(page, who.email, PASSWORD);
    for (const [name, path] of [
      ["long-merchant-wallet", "/wallet"],
      ["long-merchant-dashboard", "/"],
    ] as const) {
      await page.goto(path);
      const title = page.getByTestId("transaction-title").first();
      await expect(title).toHaveAttribute("title", `Payment to ${LONG_MERCHANT}`);
      await expect(page.getByTitle(LONG_DESCRIPTION)).toBeVisible();
      await checkScreen(page, testInfo, "wallets", name);
    }
  });
});

// Once per run (not @phone: only the desktop project runs it), as a 360 px phone.
test.describe("360 px", () => {
  test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

  test("picker, dialogs and filtered history fit 360 px", async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    const who = await customer(page.request, "narrow", "50.00", LONG_DESCRIPTION);
    await ok(
      await page.request.post("/v1/wallet", { headers: who.auth, data: { name: "A wallet with a fairly long name, fifty chars" } }),
      201,
    );
    await pay(page.request, who, LONG_MERCHANT, "1.00");
    await signIn(page, who.email, PASSWORD);
    await page.goto("/wallet");
    await page.getByLabel("Search", { exact: true }).fill("merchant");
    await expect(page.getByTestId("transaction-title")).toHaveCount(1);
    await checkScreen(page, testInfo, "wallets", "history-filtered");
    await page.getByRole("button", { name: "New wallet" }).click();
    await checkScreen(page, testInfo, "wallets", "new-wallet-dialog");
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toBeHidden();
    await expect(page.getByRole("button", { name: "New wallet" })).toBeFocused();
    await page.getByRole("button", { name: /^Rename wallet/ }).click();
    await checkScreen(page, testInfo, "wallets", "rename-dialog");
  });
});
