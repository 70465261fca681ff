import { type APIRequestContext, type Browser, expect, type Page, test } from "@playwright/test";
import { confirmDialog, customer, signIn, watchErrors } from "./support/app";
import { checkScreen } from "./support/check-screen";

/**
 * Authorize now, capture later, and refunds, through the UI: a payment authorized from the payment
 * form shows as a hold under the wallet's balance; from its details it is captured for less (the rest
 * released) and then refunded in part with a reason and in full; another authorization is canceled
 * with the keyboard. Axe-checked at desktop and phone width.
 */

const PASSWORD = "Pebble-Lantern-Orchard-58";

/** A signed-in browser of a new customer whose one wallet holds `deposit` dollars. */
async function customerBrowser(browser: Browser, request: APIRequestContext, deposit: string) {
  const email = `holds-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await customer(request, { email, password: PASSWORD, name: "Ada Lovelace", deposit });
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  await signIn(page, email, PASSWORD);
  return { page, errors };
}

/** Authorizes a payment from the payment form and waits until the wallet holds the money. */
async function authorize(page: Page, merchant: string, amount: string) {
  await page.goto("/payments");
  const form = page.getByRole("region", { name: "Pay a merchant" });
  await form.getByLabel("Merchant").fill(merchant);
  await form.getByLabel("Amount").fill(amount);
  await form.getByLabel("Authorize now, capture later").check();
  await form.getByRole("button", { name: "Authorize", exact: true }).click();
  await confirmDialog(page, `Authorize $${amount} for ${merchant}?`, "Authorize", "put on hold in your wallet, not taken");
  const latest = page.getByTestId("latest-payment");
  // The hold is placed by the saga, a queue hop away, and pushed on the user feed: slow on a loaded runner.
  await expect(latest.getByTestId("payment-status")).toHaveAttribute("data-status", "AUTHORIZED", { timeout: 30_000 });
  await expect(latest).toContainText("The money is on hold in your wallet");
}

test("@phone an authorization is held under the balance, captured for less, then refunded in part and in full", async ({
  browser,
  request,
}, testInfo) => {
  test.setTimeout(240_000);
  const { page, errors } = await customerBrowser(browser, request, "200.00");
  await authorize(page, "Hotel Lisboa", "50.00");

  // The wallet: what is available, what is on hold and for whom.
  await page.goto("/wallet");
  await expect(page.getByTestId("balance")).toHaveText("$150.00");
  await expect(page.getByTestId("holds-line")).toHaveText("$50.00 on hold · $150.00 available");
  const hold = page.getByTestId("hold-row");
  await expect(hold).toHaveCount(1);
  await expect(hold).toContainText("Hotel Lisboa");
  await expect(hold).toContainText("$50.00");
  await checkScreen(page, testInfo, "holds", "wallet-with-hold");

  // Its details: capture $30.00 of the $50.00; the rest is released.
  await hold.getByRole("link", { name: /Capture or cancel/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Payment", exact: true })).toBeVisible();
  await expect(page.getByTestId("payment-status")).toHaveAttribute("data-status", "AUTHORIZED");
  await expect(page.getByTestId("payment-authorized")).toHaveText("$50.00");
  await checkScreen(page, testInfo, "holds", "authorized");
  const capture = page.getByRole("region", { name: "Capture or cancel" });
  await capture.getByLabel("Amount to capture (optional)").fill("50.01");
  await capture.getByRole("button", { name: "Capture", exact: true }).click();
  await expect(capture.getByText("You can capture at most $50.00, what was authorized")).toBeVisible();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await capture.getByLabel("Amount to capture (optional)").fill("30");
  await capture.getByRole("button", { name: "Capture", exact: true }).click();
  await confirmDialog(page, "Capture $30.00?", "Capture", "the rest of the $50.00 on hold is released");
  await expect(page.getByTestId("payment-status")).toHaveAttribute("data-status", "SUCCESSFUL");
  await expect(page.getByTestId("payment-captured")).toHaveText("$30.00");
  await expect(page.getByRole("region", { name: "Capture or cancel" })).toHaveCount(0);

  // Refund $10.00 with a reason; the refunded total shows; more than is left is refused beside the amount.
  const refund = page.getByRole("region", { name: "Refund" });
  await expect(refund).toContainText("$0.00 of $30.00 refunded so far");
  await refund.getByLabel("Amount to refund (optional)").fill("10");
  await refund.getByLabel("Reason (optional)").fill("Late checkout waived");
  await refund.getByRole("button", { name: "Refund", exact: true }).click();
  await confirmDialog(page, "Refund $10.00?", "Refund", "Late checkout waived");
  await expect(page.getByTestId("payment-refunded")).toHaveText("$10.00");
  await expect(refund).toContainText("$10.00 of $30.00 refunded so far; $20.00 can still be refunded.");
  await refund.getByLabel("Amount to refund (optional)").fill("20.01");
  await refund.getByRole("button", { name: "Refund", exact: true }).click();
  await expect(refund.getByText("You can refund at most $20.00, what is left of the payment")).toBeVisible();
  await checkScreen(page, testInfo, "holds", "refund-refused");

  // A blank amount refunds what is left.
  await refund.getByLabel("Amount to refund (optional)").fill("");
  await refund.getByRole("button", { name: "Refund", exact: true }).click();
  await confirmDialog(page, "Refund $20.00?", "Refund");
  await expect(page.getByTestId("payment-refunded")).toHaveText("$30.00");
  await expect(page.getByTestId("fully-refunded")).toBeVisible();
  await expect(page.getByRole("region", { name: "Refund" })).toHaveCount(0);
  await checkScreen(page, testInfo, "holds", "refunded");

  // Back in the wallet: $200 − $30 + $30 refunded, nothing on hold.
  await page.goto("/wallet");
  await expect(page.getByTestId("balance")).toHaveText("$200.00");
  await expect(page.getByTestId("holds-line")).toHaveCount(0);
  const types = await page.getByTestId("transaction-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-type")));
  expect(types.slice(0, 3)).toEqual(["REFUND", "REFUND", "PAYMENT_OUT"]);
  expect(errors, "console errors").toEqual([]);
});

test("an authorization is canceled with the keyboard, and the hold is released", async ({ browser, request }, testInfo) => {
  test.setTimeout(120_000);
  const { page, errors } = await customerBrowser(browser, request, "80.00");
  await authorize(page, "Car Rental Co", "60.00");
  await page.getByTestId("latest-payment").getByRole("link", { name: "Capture or cancel" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Payment", exact: true })).toBeVisible();
  await expect(page.getByTestId("payment-status")).toHaveAttribute("data-status", "AUTHORIZED");

  const cancel = page.getByRole("button", { name: "Cancel authorization" });
  await cancel.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Cancel this authorization?" });
  await expect(dialog).toContainText("The $60.00 on hold for Car Rental Co is released");
  await expect(dialog.getByRole("button", { name: "Cancel", exact: true })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(dialog.getByRole("button", { name: "Cancel authorization" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("payment-status")).toHaveAttribute("data-status", "CANCELED");
  await expect(page.getByRole("region", { name: "Capture or cancel" })).toHaveCount(0);
  await checkScreen(page, testInfo, "holds", "canceled");

  await page.goto("/wallet");
  await expect(page.getByTestId("balance")).toHaveText("$80.00");
  await expect(page.getByTestId("holds-line")).toHaveCount(0);
  expect(errors, "console errors").toEqual([]);
});
