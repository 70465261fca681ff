import { type APIRequestContext, type Browser, expect, type Page, test } from "@playwright/test";
import { customer as account, expectSameDocument, markDocument, ok, signIn, watchErrors } from "./support/app";
import { checkScreen } from "./support/check-screen";

/**
 * Money between people through the UI: one person sends to another by email while the other has
 * their wallet open in a second browser (it arrives live: a toast and the balance, no reload), a
 * transfer between one's own wallets made with the keyboard alone, and the refusals (a lack of funds,
 * an unknown email, a malformed amount) each beside its field; axe-checked at desktop and phone width.
 */

const PASSWORD = "Copper-Kettle-Meadow-31";

type Customer = { email: string; name: string; auth: { authorization: string }; walletId: string };

/** A customer made through the API (outside the browsers under test) with one wallet holding `deposit` dollars. */
async function customer(request: APIRequestContext, name: string, deposit: string): Promise<Customer> {
  const email = `transfers-${name.split(" ")[0]?.toLowerCase()}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const made = await account(request, {
    email,
    password: PASSWORD,
    name,
    ...(deposit !== "0.00" ? { deposit, description: "Salary" } : {}),
  });
  return { ...made, name };
}

/** A browser of this person's own (a separate context, so a separate session cookie), with page errors collected. */
async function browserOf(browser: Browser, who: Customer): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logToasts(page);
  const errors = watchErrors(page);
  await signIn(page, who.email, PASSWORD);
  return { page, errors };
}

/** Logs the text of every toast as it appears, so a test can look after it has faded. */
async function logToasts(page: Page) {
  await page.addInitScript(() => {
    const log: string[] = [];
    Object.assign(window, { __toasts: log });
    new MutationObserver(() => {
      for (const element of document.querySelectorAll("[data-toast-type]")) {
        const text = element.textContent ?? "";
        if (!element.hasAttribute("data-logged")) {
          element.setAttribute("data-logged", "");
          log.push(text);
        }
      }
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
}

/** The toasts shown so far in this document. */
const toasts = (page: Page) => page.evaluate(() => (window as unknown as { __toasts: string[] }).__toasts);

async function expectToast(page: Page, text: string) {
  await expect.poll(() => toasts(page), { message: `toast "${text}"` }).toContain(text);
}

const sendForm = (page: Page) => page.getByRole("region", { name: "Send money" });

async function openSendMoney(page: Page) {
  await page.goto("/transfers");
  await expect(page.getByRole("heading", { level: 1, name: "Send money" })).toBeVisible();
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-status", "live");
}

async function fillTransferToEmail(page: Page, email: string, amount: string, description?: string) {
  const form = sendForm(page);
  await form.getByLabel("A person, by email").check();
  await form.getByLabel("Their email").fill(email);
  await form.getByLabel("Amount").fill(amount);
  if (description) await form.getByLabel("Description (optional)").fill(description);
  await form.getByRole("button", { name: "Review and send" }).click();
}

test("@phone money sent by email arrives live in the other person's open wallet, and the sender sees it completed", async ({
  browser,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const ada = await customer(request, "Ada Lovelace", "100.00");
  const bea = await customer(request, "Bea Kim", "0.00");
  const a = await browserOf(browser, ada);
  const b = await browserOf(browser, bea);

  // Bea has her wallet open, connected to its live feed.
  await b.page.goto("/wallet");
  await expect(b.page.getByTestId("balance")).toHaveText("$0.00");
  await expect(b.page.getByTestId("live-indicator")).toHaveAttribute("data-status", "live");
  await markDocument(b.page);

  await openSendMoney(a.page);
  await expect(sendForm(a.page)).toContainText("You can send up to $100.00");
  await fillTransferToEmail(a.page, bea.email, "12", "Lunch on Friday");

  // The confirmation says who gets what, and from which wallet, before anything is sent.
  const dialog = a.page.getByRole("dialog", { name: "Send $12.00?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("confirm-recipient")).toHaveText(bea.email);
  await expect(dialog).toContainText("Main (available $100.00)");
  await expect(dialog).toContainText("Lunch on Friday");
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await expect(dialog).toBeHidden();

  // The sender follows it to COMPLETED without reloading; the debit is on the balance at once.
  const latest = a.page.getByTestId("latest-transfer");
  await expect(latest).toContainText("$12.00 to Bea Kim");
  await expect(latest.getByTestId("transfer-status")).toHaveAttribute("data-status", "COMPLETED");
  await expect(latest.getByRole("status")).toHaveText("Delivered: Bea Kim has received it.");
  await expectToast(a.page, "Sent $12.00 to Bea Kim");
  await expect(sendForm(a.page)).toContainText("You can send up to $88.00");
  const sent = a.page.getByTestId("transfer-row").first();
  await expect(sent).toHaveAttribute("data-direction", "sent");
  await expect(sent).toContainText("To Bea Kim");
  await expect(sent).toContainText("-$12.00");
  await expect(sent.getByTestId("transfer-status")).toHaveAttribute("data-status", "COMPLETED");
  expect(await sendForm(a.page).getByLabel("Their email").inputValue()).toBe("");

  // Bea's open wallet announces it and shows the new balance and the transaction, same document.
  await expectToast(b.page, "Ada Lovelace sent you $12.00");
  expect(
    (await toasts(b.page)).filter((t) => t === "Ada Lovelace sent you $12.00"),
    "announced once",
  ).toHaveLength(1);
  await expect(b.page.getByTestId("balance")).toHaveText("$12.00");
  await expect(b.page.getByTestId("transaction-row").first()).toHaveAttribute("data-type", "TRANSFER_IN");
  await expect(b.page.getByTestId("transaction-row").first()).toContainText("Ada Lovelace");
  await expectSameDocument(b.page);
  // She sees the sender's name, never their email.
  await expect(b.page.locator("body")).not.toContainText(ada.email);

  // Her transfers list has it as received.
  await b.page.goto("/transfers");
  const received = b.page.getByTestId("transfer-row").first();
  await expect(received).toHaveAttribute("data-direction", "received");
  await expect(received).toContainText("From Ada Lovelace");
  await expect(received).toContainText("+$12.00");
  await expect(received).toContainText("Lunch on Friday");
  await expect(b.page.locator("body")).not.toContainText(ada.email);

  await checkScreen(a.page, testInfo, "transfers", "sent");
  await checkScreen(b.page, testInfo, "transfers", "received");
  expect(a.errors, "console errors of the sender").toEqual([]);
  expect(b.errors, "console errors of the recipient").toEqual([]);
});

test("money moves between one's own wallets, with the keyboard alone", async ({ browser, request }, testInfo) => {
  test.setTimeout(120_000);
  const ada = await customer(request, "Ada Lovelace", "50.00");
  await ok(await request.post("/v1/wallet", { headers: ada.auth, data: { name: "Savings" } }), 201);
  const a = await browserOf(browser, ada);
  await openSendMoney(a.page);
  const form = sendForm(a.page);

  // Tab to the recipient choice, pick "One of my wallets" with the arrow key, then type and send.
  const person = form.getByLabel("A person, by email");
  await person.focus();
  await expect(person).toBeChecked();
  await a.page.keyboard.press("ArrowRight");
  await expect(form.getByLabel("One of my wallets")).toBeChecked();
  await a.page.keyboard.press("Tab");
  await expect(form.getByLabel("To wallet")).toBeFocused();
  await expect(form.getByLabel("To wallet").locator("option:checked")).toHaveText(/^Savings/);
  await a.page.keyboard.press("Tab");
  await expect(form.getByLabel("Amount")).toBeFocused();
  await a.page.keyboard.type("20.00");
  await a.page.keyboard.press("Tab");
  await a.page.keyboard.type("Rainy day");
  await a.page.keyboard.press("Enter");

  const dialog = a.page.getByRole("dialog", { name: "Send $20.00?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("confirm-recipient")).toHaveText("your wallet Savings");
  // Cancel has the focus first; Tab moves to Send.
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await a.page.keyboard.press("Tab");
  await expect(dialog.getByRole("button", { name: "Send", exact: true })).toBeFocused();
  await a.page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();

  const latest = a.page.getByTestId("latest-transfer");
  await expect(latest).toContainText("$20.00 to Savings");
  await expect(latest.getByTestId("transfer-status")).toHaveAttribute("data-status", "COMPLETED");
  await expect(form).toContainText("You can send up to $30.00");
  await checkScreen(a.page, testInfo, "transfers", "own-wallets");

  // The other wallet has it, as a transfer received from "Main".
  await a.page.getByLabel("Wallet", { exact: true }).selectOption({ label: "Savings · $20.00" });
  const received = a.page.getByTestId("transfer-row").first();
  await expect(received).toHaveAttribute("data-direction", "received");
  await expect(received).toContainText("From Main");
  await expect(received.getByTestId("transfer-status")).toHaveAttribute("data-status", "COMPLETED");
  expect(a.errors, "console errors").toEqual([]);
});

test("@phone refusals appear beside their field: not enough money, nobody with that email, a malformed amount", async ({
  browser,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const ada = await customer(request, "Ada Lovelace", "5.00");
  const bea = await customer(request, "Bea Kim", "0.00");
  const a = await browserOf(browser, ada);
  await openSendMoney(a.page);
  const form = sendForm(a.page);
  const amount = form.getByLabel("Amount");
  const email = form.getByLabel("Their email");

  // Checked before anything is sent: no dialog opens.
  await fillTransferToEmail(a.page, "not-an-email", "1.005");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(form).toContainText("Enter a valid email address");
  await expect(amount).toHaveAttribute("aria-invalid", "true");
  await expect(form).toContainText("Amount can have at most two decimals");
  await expect(a.page.getByRole("dialog")).toHaveCount(0);
  await checkScreen(a.page, testInfo, "transfers", "invalid");

  // More than the wallet holds: the confirmation warns, and the API's refusal lands on the amount.
  await fillTransferToEmail(a.page, bea.email, "10.00");
  const dialog = a.page.getByRole("dialog", { name: "Send $10.00?" });
  await expect(dialog).toContainText("more than this wallet can spend");
  await checkScreen(a.page, testInfo, "transfers", "confirm");
  const refused = a.page.waitForResponse((r) => r.url().endsWith("/v1/transfers") && r.request().method() === "POST");
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  const response = await refused;
  expect(response.status()).toBe(409);
  expect((await response.json()).error.code).toBe("INSUFFICIENT_FUNDS");
  await expect(amount).toHaveAttribute("aria-invalid", "true");
  await expect(a.page.locator(`#${await amount.getAttribute("aria-describedby")}`)).toHaveText(
    "Not enough money in this wallet: you can send up to $5.00",
  );
  await expect(amount).toBeFocused();
  await expect(a.page.getByTestId("latest-transfer")).toHaveCount(0);
  await expect(a.page.locator("[data-toast-type=error]")).toHaveCount(0);
  await checkScreen(a.page, testInfo, "transfers", "insufficient-funds");

  // Nobody has a wallet under this email.
  await fillTransferToEmail(a.page, `nobody-${Date.now()}@example.com`, "1.00");
  await a.page.getByRole("dialog", { name: "Send $1.00?" }).getByRole("button", { name: "Send", exact: true }).click();
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(a.page.locator(`#${await email.getAttribute("aria-describedby")}`)).toHaveText("Nobody with a wallet here uses this email");
  await expect(amount).not.toHaveAttribute("aria-invalid", "true");

  // Nothing moved.
  await expect(form).toContainText("You can send up to $5.00");
  await expect(a.page.getByText("No transfers yet")).toBeVisible();
  expect(
    a.errors.filter((e) => !/status of 40[09]|status of 422/.test(e)),
    "console errors",
  ).toEqual([]);
});
