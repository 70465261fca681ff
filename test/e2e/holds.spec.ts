import { type APIRequestContext, type Browser, expect, type Locator, type Page, test } from "@playwright/test";
import { confirmDialog, customer, signIn, watchErrors } from "./support/app";
import { checkScreen } from "./support/check-screen";

/**
 * Authorize now, capture later, and refunds, through the UI: a payment authorized from the payment
 * form shows as a hold under the wallet's balance; from its details it is captured for less (the rest
 * released) and then refunded in part with a reason and in full; another authorization is canceled
 * with the keyboard, and a third is made, captured in part and refunded in part with the keyboard
 * alone. Axe-checked at desktop and phone width.
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

/**
 * Presses `key` until `target` has focus, at most `max` times: proof it is reachable by keyboard,
 * without counting the header's stops (they differ between desktop and phone widths).
 */
async function tabTo(page: Page, target: Locator, key: "Tab" | "Shift+Tab" = "Tab", max = 40) {
  await expect(target).toBeVisible();
  for (let presses = 0; presses < max; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(key);
  }
  await expect(target, `reachable with ${max} presses of ${key}`).toBeFocused({ timeout: 1 });
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
  // The history loads after the balance: wait for its rows before reading them.
  await expect(page.getByTestId("transaction-row").nth(2)).toBeVisible();
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

test("@phone with the keyboard alone: authorize, capture in part, refund in part; focus follows and each outcome is announced", async ({
  browser,
  request,
}, testInfo) => {
  test.setTimeout(180_000);
  const { page, errors } = await customerBrowser(browser, request, "120.00");

  // The payment form: fields in order, the capture-later box ticked with Space, sent with Enter.
  await page.goto("/payments");
  const form = page.getByRole("region", { name: "Pay a merchant" });
  await tabTo(page, form.getByLabel("Merchant"));
  await page.keyboard.type("Museum Shop");
  await page.keyboard.press("Tab");
  await expect(form.getByLabel("Amount")).toBeFocused();
  await page.keyboard.type("40.00");
  await page.keyboard.press("Tab");
  await expect(form.getByLabel("Description (optional)")).toBeFocused();
  await page.keyboard.press("Tab");
  const later = form.getByLabel("Authorize now, capture later");
  await expect(later).toBeFocused();
  await page.keyboard.press("Space");
  await expect(later).toBeChecked();
  await page.keyboard.press("Tab");
  await expect(form.getByRole("button", { name: "Authorize", exact: true })).toBeFocused();
  await page.keyboard.press("Enter");
  const authorizeDialog = page.getByRole("dialog", { name: "Authorize $40.00 for Museum Shop?" });
  await expect(authorizeDialog.getByRole("button", { name: "Cancel", exact: true })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(authorizeDialog.getByRole("button", { name: "Authorize", exact: true })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(authorizeDialog).toBeHidden();

  // Focus goes to the latest payment, whose status line is a live region; its link is the next stop.
  const latest = page.getByTestId("latest-payment");
  await expect(page.getByRole("heading", { name: "Latest payment" })).toBeFocused();
  await expect(latest.getByTestId("payment-status")).toHaveAttribute("data-status", "AUTHORIZED", { timeout: 30_000 });
  await expect(latest.getByRole("status")).toHaveText("Authorized. The money is on hold in your wallet until you capture or cancel it.");
  await page.keyboard.press("Tab");
  await expect(latest.getByRole("link", { name: "Capture or cancel" })).toBeFocused();
  await page.keyboard.press("Enter");

  // The payment's details: the new screen has focus (main), the capture amount is a few stops on.
  await expect(page.getByRole("heading", { level: 1, name: "Payment", exact: true })).toBeVisible();
  await expect(page.getByTestId("payment-status")).toHaveAttribute("data-status", "AUTHORIZED");
  await expect(page.locator("main")).toBeFocused();
  await checkScreen(page, testInfo, "holds-keyboard", "authorized");
  const capture = page.getByRole("region", { name: "Capture or cancel" });
  await tabTo(page, capture.getByLabel("Amount to capture (optional)"));
  await page.keyboard.type("25");
  await page.keyboard.press("Tab");
  const captureButton = capture.getByRole("button", { name: "Capture", exact: true });
  await expect(captureButton).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(capture.getByRole("button", { name: "Cancel authorization" })).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(captureButton).toBeFocused();
  await page.keyboard.press("Space");
  const captureDialog = page.getByRole("dialog", { name: "Capture $25.00?" });
  await expect(captureDialog).toContainText("the rest of the $40.00 on hold is released");
  await expect(captureDialog.getByRole("button", { name: "Cancel", exact: true })).toBeFocused();
  await checkScreen(page, testInfo, "holds-keyboard", "capture-dialog");
  await page.keyboard.press("Tab");
  await expect(captureDialog.getByRole("button", { name: "Capture", exact: true })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(captureDialog).toBeHidden();

  // Captured: announced, and focus is on the payment's summary; the next stop is the refund's amount.
  await expect(page.getByTestId("payment-status")).toHaveAttribute("data-status", "SUCCESSFUL");
  await expect(page.getByTestId("payment-captured")).toHaveText("$25.00");
  await expect(page.getByRole("status").filter({ hasText: "Captured $25.00 for Museum Shop" })).toBeVisible();
  const summary = page.getByRole("heading", { level: 2, name: "Museum Shop" });
  await expect(summary).toBeFocused();
  await expect(page.getByRole("region", { name: "Capture or cancel" })).toHaveCount(0);
  await checkScreen(page, testInfo, "holds-keyboard", "captured");
  await expect(summary).toBeFocused();

  const refund = page.getByRole("region", { name: "Refund" });
  await page.keyboard.press("Tab");
  await expect(refund.getByLabel("Amount to refund (optional)")).toBeFocused();
  await page.keyboard.type("7.50");
  await page.keyboard.press("Tab");
  await expect(refund.getByLabel("Reason (optional)")).toBeFocused();
  await page.keyboard.type("Damaged box");
  await page.keyboard.press("Tab");
  await expect(refund.getByRole("button", { name: "Refund", exact: true })).toBeFocused();
  await page.keyboard.press("Enter");
  const refundDialog = page.getByRole("dialog", { name: "Refund $7.50?" });
  await expect(refundDialog).toContainText("Damaged box");
  await expect(refundDialog.getByRole("button", { name: "Cancel", exact: true })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(refundDialog.getByRole("button", { name: "Refund", exact: true })).toBeFocused();
  await page.keyboard.press("Space");
  await expect(refundDialog).toBeHidden();

  // Refunded in part: announced, focus back on the summary, and the refund form is fresh for the rest.
  await expect(page.getByTestId("payment-refunded")).toHaveText("$7.50");
  await expect(page.getByRole("status").filter({ hasText: "Refunded $7.50 from Museum Shop" })).toBeVisible();
  await expect(refund).toContainText("$7.50 of $25.00 refunded so far; $17.50 can still be refunded.");
  await expect(summary).toBeFocused();
  await checkScreen(page, testInfo, "holds-keyboard", "refunded-in-part");
  await page.keyboard.press("Tab");
  await expect(refund.getByLabel("Amount to refund (optional)")).toBeFocused();
  await expect(refund.getByLabel("Amount to refund (optional)")).toHaveValue("");

  // The wallet: $120 − $25 captured + $7.50 refunded, nothing left on hold.
  await page.goto("/wallet");
  await expect(page.getByTestId("balance")).toHaveText("$102.50");
  await expect(page.getByTestId("holds-line")).toHaveCount(0);
  expect(errors, "console errors").toEqual([]);
});
